"""Issue 8's "done when": a campaign and a journey run end to end; their events reach a
Firehose delivery stream and a CloudWatch Logs group on the moto server; the metrics match
the outbox."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from sqlalchemy import select

from herald.channels.config_aws import AwsSettings
from herald.store.tables import EventRow, OutboxRow
from herald.streams import StreamSettings, StreamShipper
from tests.dashboard.scenario import PEOPLE, run_journey_and_campaign
from tests.helpers import eventually
from tests.streams.aws_destinations import Destinations
from tests.workflows.engine import Engine


async def test_events_stream_to_aws_and_the_metrics_match_the_outbox(
    engine: Engine, moto_aws: AwsSettings
) -> None:
    aws = Destinations(moto_aws, f"herald-{uuid.uuid4().hex[:10]}")
    await asyncio.to_thread(aws.create)
    sinks = {name: aws.sinks()[name] for name in ("firehose", "logs")}
    streams = StreamSettings(application_id="herald-e2e", poll_interval=0.05, sinks=sinks)
    database = engine.herald.database
    async with StreamShipper(database, streams):
        ran = await run_journey_and_campaign(engine)
        async with database.session() as session:
            recorded = {
                e.id: e.event_type for e in (await session.execute(select(EventRow))).scalars()
            }
        for read in (aws.firehose_records, aws.log_records):
            got = await eventually(
                lambda read=read: asyncio.to_thread(read),  # type: ignore[misc]
                lambda r: len(r) >= len(recorded),
                what=f"{len(recorded)} records from {read.__name__}",
            )
            assert {r["event_id"]: r["event_type"] for r in got} == recorded, read.__name__
    # Each send the outbox holds is one `_email.send` record in the stream, and no more.
    streamed_sends = Counter(
        r["attributes"].get("campaign_id") or r["attributes"].get("journey_id")
        for r in got
        if r["event_type"] == "_email.send"
    )

    async with database.session() as session:
        outbox = list((await session.execute(select(OutboxRow))).scalars())
    journey_out = Counter(o.endpoint_id for o in outbox if o.journey == ran.journey)
    campaign_keys = f"campaign:{ran.campaign}:"
    campaign_out = [o for o in outbox if o.idempotency_key.startswith(campaign_keys)]

    journey = await engine.herald.journey_metrics(ran.journey)
    assert journey.entered == journey.completed == len(PEOPLE)
    welcome = {s.step_id: s for s in journey.steps}["welcome"]
    assert welcome.sent == sum(journey_out.values()) == len(PEOPLE)
    assert streamed_sends[ran.journey] == len(PEOPLE)
    assert (welcome.delivered, welcome.opened, welcome.clicked) == (1, 2, 1)
    assert sum(d.sent for d in journey.by_day) == len(PEOPLE)

    campaign = await engine.herald.campaign_metrics(ran.campaign, "purchase")
    assert sum(t.sent for t in campaign.treatments) == len(campaign_out)
    assert streamed_sends[ran.campaign] == len(campaign_out)
    members = sum(t.members for t in campaign.treatments) + campaign.holdout.members
    assert members == len(PEOPLE)
    assert sum(t.opened for t in campaign.treatments) == 2
    converted = sum(t.converted for t in campaign.treatments) + campaign.holdout.converted
    assert converted == len(PEOPLE[::2])
