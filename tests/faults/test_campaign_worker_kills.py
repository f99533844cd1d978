"""A worker process SIGKILLed at random moments of a campaign to 2,000 endpoints, and started
again each time.

The moments are progress points (messages claimed), drawn from the seed; each kill follows
a batch's claims within milliseconds, so it lands in that batch, in the workflow task after
it or in the next one. A batch is an activity: the next worker retries it once its heartbeat
is missed (seconds), under the same keys, and the message log's claims and the outbox's
unique key must make that retry harmless. A kill deterministically between the provider's
accept and the record is tests/campaigns/test_worker_restart.py; to the outbox that window
is a few milliseconds, so here it is caught only sometimes (printed).
"""

from __future__ import annotations

import random

from herald.client import HeraldClient
from tests.faults.campaign import BATCH_SIZE, FaultCampaign
from tests.faults.processes import worker_process

ENDPOINTS = 2_000
KILLS = 5
DEADLINE_S = 60.0


async def test_five_sigkills_mid_campaign_lose_nothing_and_send_nothing_twice(
    file_herald: HeraldClient, fault_seed: int
) -> None:
    settings = file_herald.settings
    temporal = await file_herald.temporal()
    address = temporal.service_client.config.target_host
    run = FaultCampaign(file_herald, f"kills-{settings.task_queue[-8:]}", ENDPOINTS)
    # The moments: five progress points of the run, drawn from the seed, all before its
    # last two batches so the kills fall while it still has work.
    moments = sorted(random.Random(fault_seed).sample(range(1, ENDPOINTS - 2 * BATCH_SIZE), KILLS))
    in_flight = []
    async with worker_process(settings, address, settings.home / "logs") as worker:
        await run.start()
        for moment in moments:
            await run.until_claimed(moment, DEADLINE_S)
            await worker.kill()
            in_flight.append(await run.in_flight())
            await worker.start()
        status = await run.until_completed(DEADLINE_S)
    print(f"killed after {moments} claims; a batch in flight at each: {in_flight}")

    assert worker.starts == KILLS + 1
    assert (status.members, status.sent, status.skipped, status.failed) == (
        ENDPOINTS,
        ENDPOINTS,
        0,
        0,
    )
    await run.assert_each_endpoint_once()
