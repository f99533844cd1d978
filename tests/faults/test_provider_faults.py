"""A webhook provider that throttles with 429 + Retry-After, answers 500, resets connections
and stops answering, each for a while: every message is delivered exactly once afterwards."""

from __future__ import annotations

from herald.client import HeraldClient
from tests.faults.journey import FaultJourney
from tests.faults.processes import worker_process
from tests.faults.receiver import Mode, Receiver, faulty_receiver
from tests.helpers import eventually

PARTICIPANTS = 20
SECRET = "faults-webhook-secret"
RETRY_AFTER_S = 3  # longer than the retry policy's first backoff (1 s), so it must be honoured
DEADLINE_S = 90.0
FAULTS = [Mode.THROTTLE, Mode.FAIL, Mode.RESET, Mode.TIMEOUT]


def _waited_after_throttle(receiver: Receiver) -> list[float]:
    """Per message, seconds from its 429 to its next attempt."""
    gaps = []
    attempts = sorted(receiver.attempts, key=lambda a: a.at)
    for i, attempt in enumerate(attempts):
        if attempt.mode is Mode.THROTTLE:
            after = next((a for a in attempts[i + 1 :] if a.key == attempt.key), None)
            if after is not None:
                gaps.append(after.at - attempt.at)
    return gaps


async def test_every_message_is_delivered_once_after_provider_faults(
    file_herald: HeraldClient,
) -> None:
    settings = file_herald.settings
    temporal = await file_herald.temporal()
    address = temporal.service_client.config.target_host
    run = FaultJourney(file_herald, f"hook-{settings.task_queue[-8:]}", PARTICIPANTS, "CUSTOM")
    with faulty_receiver(SECRET, RETRY_AFTER_S) as receiver:
        receiver.mode = FAULTS[0]
        channel = {
            "HERALD_CHANNELS__CUSTOM__PROVIDER": "webhook",
            "HERALD_CHANNELS__CUSTOM__URL": receiver.url,
            "HERALD_CHANNELS__CUSTOM__SECRET": SECRET,
            "HERALD_CHANNELS__CUSTOM__TIMEOUT": "1",
        }
        async with worker_process(settings, address, settings.home / "logs", **channel):
            await run.start()
            # Each fault lasts until every participant's first message has met it.
            for fault in FAULTS:
                receiver.mode = fault
                await _until_all_met(receiver, fault)
            receiver.mode = Mode.OK
            receiver.release.set()
            await run.assert_everyone_finished(DEADLINE_S)

    keys = await run.assert_each_message_once(outbox=False)
    doubled = {k: n for k, n in receiver.delivered.items() if n > 1}
    assert not doubled, f"delivered more than once: {doubled}"
    # Every retry carried the message's one key: the receiver saw no key Herald did not log.
    assert {a.key for a in receiver.attempts} == set(keys) == set(receiver.delivered)
    logged = {m.idempotency_key: m.provider_message_id for m in await run.herald.messages()}
    assert all(logged[k] == receiver.ids[k] for k in keys)
    print(_timeline(receiver))
    gaps = _waited_after_throttle(receiver)
    assert len(gaps) >= PARTICIPANTS
    assert min(gaps) >= RETRY_AFTER_S - 0.1, f"Retry-After not honoured: {sorted(gaps)[:3]}"


async def _until_all_met(receiver: Receiver, fault: Mode) -> None:
    async def met() -> int:
        return len(receiver.keys_in(fault))

    await eventually(
        met,
        lambda n: n >= PARTICIPANTS,
        deadline_s=DEADLINE_S,
        what=f"every first message to meet {fault}",
    )


def _timeline(receiver: Receiver) -> str:
    t0 = min(a.at for a in receiver.attempts)
    out = []
    for mode in Mode:
        times = [a.at - t0 for a in receiver.attempts if a.mode is mode]
        if times:
            out.append(f"{mode}: {min(times):.1f}-{max(times):.1f} ({len(times)})")
    return "; ".join(out)
