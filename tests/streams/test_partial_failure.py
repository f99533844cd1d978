"""A Firehose PutRecordBatch or Kinesis PutRecords call that takes some records and refuses
others: only the refused ones go again, so none of the others is delivered twice; one it
refuses for what it carries is dropped."""

from __future__ import annotations

import collections
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from herald.channels.config_aws import AwsSettings
from herald.models import Event
from herald.store import Database
from herald.store.events import put_event
from herald.store.stream_outbox import sink_states
from herald.streams import StreamSettings, StreamShipper
from herald.streams.aws_sinks import FirehoseStreamSink, KinesisStreamSink
from tests.helpers import eventually
from tests.streams.aws_destinations import Destinations

Record = dict[str, Any]
Answer = dict[str, str]
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
SLOW_DOWN = {"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."}


@pytest.fixture
def destinations(moto_aws: AwsSettings) -> Destinations:
    made = Destinations(moto_aws, f"herald-{uuid.uuid4().hex[:10]}")
    made.create()
    return made


def settings() -> StreamSettings:
    return StreamSettings(batch_size=5, poll_interval=0.05, retry_initial=0.05, retry_max=0.2)


def events(n: int) -> list[Event]:
    return [
        Event(
            id=f"ev-{i}",
            endpoint_id="ann",
            event_type="purchase",
            timestamp=T0 + timedelta(seconds=i),
        )
        for i in range(n)
    ]


def first_call_refuses(real: Any, answers: dict[int, Answer], listed: str) -> Any:
    """A batch call whose first call refuses the records at these positions with these
    answers, and takes the others (they really reach the destination)."""
    calls = 0

    def call(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 1:
            return real(**kwargs)
        records = kwargs["Records"]
        taken = [r for i, r in enumerate(records) if i not in answers]
        responses = list(real(**{**kwargs, "Records": taken})[listed])
        for i in sorted(answers):
            responses.insert(i, answers[i])
        return {"FailedPutCount": len(answers), listed: responses}

    return call


async def delivered_once(
    database: Database, sent: list[Event], read: Any, expected: set[str] | None = None
) -> None:
    """Record the events; once the outbox is empty, each expected one arrived, once."""
    async with database.session() as session:
        for each in sent:
            await put_event(session, each)

    async def got() -> list[str]:
        return [str(r["event_id"]) for r in read()]

    async def waiting() -> int:
        async with database.session() as session:
            return sum(s.waiting for s in await sink_states(session))

    want = expected if expected is not None else {e.id or "" for e in sent}
    await eventually(got, lambda r: set(r) >= want, deadline_s=10, what=f"events {want}")
    await eventually(waiting, lambda n: n == 0, what="an empty outbox")
    ids = await got()
    twice = {i: n for i, n in collections.Counter(ids).items() if n > 1}
    assert twice == {}, f"delivered more than once: {twice}"
    assert set(ids) == want


async def test_records_firehose_took_are_not_sent_again(
    database: Database, destinations: Destinations
) -> None:
    sink = FirehoseStreamSink("archive", destinations.sinks()["firehose"])
    sink._client.put_record_batch = first_call_refuses(
        sink._client.put_record_batch, {1: SLOW_DOWN}, "RequestResponses"
    )
    async with StreamShipper(database, settings(), sinks=[sink]):
        await delivered_once(database, events(5), destinations.firehose_records)
        async with database.session() as session:
            [state] = await sink_states(session)
    assert (state.shipped, state.dropped) == (5, 0)


async def test_records_kinesis_took_are_not_sent_again(
    database: Database, destinations: Destinations
) -> None:
    throughput = {
        "ErrorCode": "ProvisionedThroughputExceededException",
        "ErrorMessage": "Rate exceeded for shard shardId-000000000000",
    }
    sink = KinesisStreamSink("live", destinations.sinks()["kinesis"])
    sink._client.put_records = first_call_refuses(
        sink._client.put_records, {0: throughput, 3: throughput}, "Records"
    )
    async with StreamShipper(database, settings(), sinks=[sink]):
        await delivered_once(database, events(5), destinations.kinesis_records)


async def test_a_record_refused_as_invalid_in_a_batch_is_dropped(
    database: Database, destinations: Destinations
) -> None:
    invalid = {"ErrorCode": "InvalidArgumentException", "ErrorMessage": "Record is invalid."}
    sink = FirehoseStreamSink("archive", destinations.sinks()["firehose"])
    sink._client.put_record_batch = first_call_refuses(
        sink._client.put_record_batch, {2: invalid, 3: SLOW_DOWN}, "RequestResponses"
    )
    async with StreamShipper(database, settings(), sinks=[sink]):
        await delivered_once(
            database, events(5), destinations.firehose_records, {"ev-0", "ev-1", "ev-3", "ev-4"}
        )
        async with database.session() as session:
            [state] = await sink_states(session)
    assert (state.shipped, state.dropped) == (4, 1)
