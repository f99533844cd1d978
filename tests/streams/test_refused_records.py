"""A record a sink refuses for good (too large for it, invalid) is dropped, logged and counted,
and never holds up the events after it; a sink's passing trouble is still retried."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from herald.channels.config_aws import AwsSettings
from herald.models import Event
from herald.store import Database
from herald.store.events import put_event
from herald.store.stream_outbox import SinkState, sink_states
from herald.streams import StreamSettings, StreamShipper
from herald.streams.aws_sinks import CloudWatchLogsStreamSink, SnsStreamSink
from tests.helpers import eventually
from tests.streams.aws_destinations import Destinations

Record = dict[str, Any]
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def destinations(moto_aws: AwsSettings) -> Destinations:
    made = Destinations(moto_aws, f"herald-{uuid.uuid4().hex[:10]}")
    made.create()
    return made


def settings(sinks: dict[str, Any]) -> StreamSettings:
    return StreamSettings(
        batch_size=10, poll_interval=0.05, retry_initial=0.05, retry_max=0.2, sinks=sinks
    )


def event(event_id: str, payload_bytes: int = 0, endpoint: str = "bob") -> Event:
    attributes = {"payload": "x" * payload_bytes} if payload_bytes else {}
    return Event(
        id=event_id,
        endpoint_id=endpoint,
        event_type="purchase",
        timestamp=T0 + timedelta(seconds=int(event_id.rsplit("-", 1)[-1])),
        attributes=attributes,
    )


async def record(database: Database, events: list[Event]) -> None:
    async with database.session() as session:
        for each in events:
            await put_event(session, each)


async def states(database: Database) -> dict[str, SinkState]:
    async with database.session() as session:
        return {s.name: s for s in await sink_states(session)}


async def settled(database: Database, sink: str) -> SinkState:
    """The sink's state once nothing waits for it (a destination may have an event before
    the shipper took it off the outbox)."""
    found = await eventually(
        lambda: states(database), lambda s: s[sink].waiting == 0, what=f"nothing for {sink}"
    )
    return found[sink]


def ids(records: list[Record]) -> list[str]:
    return [str(r["event_id"]) for r in records]


def refusal(code: str, operation: str, status: int = 400) -> ClientError:
    answer: Any = {
        "Error": {"Code": code, "Message": f"{code} for the test"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(answer, operation)


async def test_an_oversized_event_does_not_block_later_events_on_sns(
    database: Database, destinations: Destinations, caplog: pytest.LogCaptureFixture
) -> None:
    big = event("big-1", payload_bytes=300_000)  # the message is over SNS's 256 KiB
    small = [event(f"small-{i}") for i in range(3)]
    with caplog.at_level(logging.ERROR, logger="herald.streams"):
        async with StreamShipper(database, settings({"sns": destinations.sinks()["sns"]})):
            await record(database, [big, *small])
            got = await eventually(
                event_ids(destinations.sns_records),
                lambda r: set(r) >= {e.id for e in small},
                deadline_s=10,
                what="the small events on the SNS topic",
            )
            state = await settled(database, "sns")
    assert "big-1" not in got
    assert (state.waiting, state.shipped, state.dropped, state.failures) == (0, 3, 1, 0)
    [logged] = [r.getMessage() for r in caplog.records if "big-1" in r.getMessage()]
    assert "'sns'" in logged
    assert "over the 262144 bytes sns takes in one record" in logged


async def test_every_aws_sink_drops_an_event_over_its_limit_before_sending_it(
    database: Database, destinations: Destinations
) -> None:
    """1.1 MB is over every AWS sink's limit for one record (Firehose 1,000 KiB, Kinesis 1 MiB,
    CloudWatch Logs 1 MB, SNS 256 KiB); moto takes some such records, AWS takes none."""
    sent = [event("ev-0"), event("ev-1"), event("big-2", 1_100_000), event("ev-3")]
    readers = {
        "firehose": destinations.firehose_records,
        "kinesis": destinations.kinesis_records,
        "logs": destinations.log_records,
        "sns": destinations.sns_records,
    }
    async with StreamShipper(database, settings(destinations.sinks())):
        await record(database, sent)
        for name, read in readers.items():
            got = await eventually(
                event_ids(read),
                lambda r: len(r) >= 3,
                deadline_s=10,
                what=f"the small events in {name}",
            )
            if name != "sns":  # a standard topic keeps no order
                assert got == ["ev-0", "ev-1", "ev-3"], name
            assert sorted(got) == ["ev-0", "ev-1", "ev-3"], name
        found = await eventually(
            lambda: states(database), lambda s: all(x.waiting == 0 for x in s.values())
        )
    assert {n: (s.shipped, s.dropped) for n, s in found.items()} == {
        name: (3, 1) for name in readers
    }


async def test_a_batch_refused_for_one_record_is_split_until_that_record_is_found(
    database: Database, destinations: Destinations
) -> None:
    """CloudWatch Logs refusing events over 256 KB, as it once did everywhere: the call is
    split in halves until the event to blame is alone; the others arrive, in order."""
    sink = CloudWatchLogsStreamSink("logs", destinations.sinks()["logs"])
    real = sink._client.put_log_events
    calls: list[int] = []

    def refusing_large_events(**kwargs: Any) -> Any:
        calls.append(len(kwargs["logEvents"]))
        if any(len(e["message"]) > 262_118 for e in kwargs["logEvents"]):
            raise refusal("InvalidParameterException", "PutLogEvents")
        return real(**kwargs)

    sink._client.put_log_events = refusing_large_events
    sent = [event(f"ev-{i}", 300_000 if i == 2 else 0) for i in range(6)]
    async with StreamShipper(database, settings({}), sinks=[sink]):
        await record(database, sent)
        got = await eventually(event_ids(destinations.log_records), lambda r: len(r) >= 5)
        state = await settled(database, "logs")
    assert got == ["ev-0", "ev-1", "ev-3", "ev-4", "ev-5"]
    assert (state.shipped, state.dropped) == (5, 1)
    assert calls == [6, 3, 1, 2, 1, 1, 3], "each half settled before the next goes"


async def test_a_sink_throttling_is_retried_not_dropped(
    database: Database, destinations: Destinations
) -> None:
    sink = SnsStreamSink("sns", destinations.sinks()["sns"])
    real = sink._client.publish
    answers = [refusal("Throttling", "Publish"), refusal("InternalError", "Publish", 500)]

    def throttled_twice(**kwargs: Any) -> Any:
        if answers:
            raise answers.pop(0)
        return real(**kwargs)

    sink._client.publish = throttled_twice
    sent = [event(f"ev-{i}") for i in range(3)]
    async with StreamShipper(database, settings({}), sinks=[sink]):
        await record(database, sent)
        got = await eventually(event_ids(destinations.sns_records), lambda r: len(r) >= 3)
        state = await settled(database, "sns")
    assert sorted(got) == ["ev-0", "ev-1", "ev-2"]
    assert (state.shipped, state.dropped, state.waiting) == (3, 0, 0)
    assert answers == [], "both refusals were answered"


def event_ids(read: Callable[[], list[Record]]) -> Callable[[], Awaitable[list[str]]]:
    async def probe() -> list[str]:
        return ids(read())

    return probe
