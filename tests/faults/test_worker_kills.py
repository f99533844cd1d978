"""A worker process SIGKILLed at random moments of a journey, and started again each time.

Sends run as local activities: a kill between the provider taking a message and the workflow
recording it re-runs the send on the next worker, under the same idempotency key. The message
log's claim must make that re-run harmless. The outbox delivers inside the send's transaction,
so a kill leaves a send wholly done or not begun: never claimed and unrecorded.
"""

from __future__ import annotations

import random

from herald.client import HeraldClient
from herald.models import MessageStatus
from tests.faults.journey import FaultJourney
from tests.faults.processes import worker_process

PARTICIPANTS = 200
KILLS = 5
DEADLINE_S = 120.0


async def _caught_mid_send(run: FaultJourney) -> tuple[int, int]:
    """Sends the kill interrupted: claimed and not recorded, and of those, how many the
    provider (the outbox) had already taken."""
    pending = {
        m.idempotency_key
        for m in await run.herald.messages(journey=run.name)
        if m.status is MessageStatus.PENDING
    }
    kept = await run.herald.outbox(journey=run.name, limit=2 * run.messages)
    return len(pending), sum(m.idempotency_key in pending for m in kept)


async def test_five_sigkills_lose_nothing_and_send_nothing_twice(
    file_herald: HeraldClient, fault_seed: int
) -> None:
    settings = file_herald.settings
    temporal = await file_herald.temporal()
    address = temporal.service_client.config.target_host
    run = FaultJourney(file_herald, f"kills-{settings.task_queue[-8:]}", PARTICIPANTS)
    # The moments: five progress points of the run, drawn from the seed.
    moments = sorted(random.Random(fault_seed).sample(range(1, run.messages), KILLS))
    caught = []
    async with worker_process(settings, address, settings.home / "logs") as worker:
        await run.start()
        for moment in moments:
            await run.until_sent(moment, DEADLINE_S)
            await worker.kill()
            caught.append(await _caught_mid_send(run))
            await worker.start()
        await run.assert_everyone_finished(DEADLINE_S)
    print(f"killed after {moments} sends; (claimed, already in the outbox) at each: {caught}")

    await run.assert_each_message_once(outbox=True)
    # Sends run all the time while 200 participants move, so kills land in them; none left a
    # message claimed and unrecorded (the claim commits with the outbox row and the record).
    assert all(claimed == 0 for claimed, _ in caught), f"half-done sends after kills: {caught}"
