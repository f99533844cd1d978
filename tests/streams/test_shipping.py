"""Events reach every configured sink through the outbox: in order per endpoint, each once
under its stable id, after a sink was down for a while too."""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from herald.channels.config_aws import AwsSettings
from herald.channels.webhook import signature
from herald.models import Event
from herald.store import Database
from herald.store.events import put_event, put_events
from herald.store.stream_outbox import sink_states
from herald.streams import SinkConfigError, StreamSettings, StreamShipper
from herald.streams.config import FileSink, FirehoseSink, WebhookSink
from tests.helpers import eventually
from tests.loopback_http import Loopback, Recorded, loopback_server
from tests.streams.aws_destinations import Destinations, client

Record = dict[str, Any]
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SECRET = "stream-secret"


def events(n: int, endpoints: tuple[str, ...] = ("ann", "bob", "cy")) -> list[Event]:
    return [
        Event(
            id=f"ev-{uuid.uuid4().hex[:8]}-{i:03d}",
            endpoint_id=endpoints[i % len(endpoints)],
            event_type="_email.open" if i % 2 else "purchase",
            timestamp=T0 + timedelta(seconds=i),
            attributes={"message_id": f"m-{i}", "journey_id": "welcome"},
            metrics={"n": float(i)},
        )
        for i in range(n)
    ]


def settings(sinks: dict[str, Any]) -> StreamSettings:
    return StreamSettings(
        application_id="app-1",
        batch_size=7,
        poll_interval=0.05,
        retry_initial=0.05,
        retry_max=0.2,
        sinks=sinks,
    )


@pytest.fixture
def destinations(moto_aws: AwsSettings) -> Destinations:
    made = Destinations(moto_aws, f"herald-{uuid.uuid4().hex[:10]}")
    made.create()
    return made


@pytest.fixture
def receiver() -> Iterator[Loopback]:
    with loopback_server() as server:
        yield server


def accepted_webhook_records(server: Loopback, accepted_from: int) -> list[Record]:
    """Records of the POSTs the receiver answered 2xx (those from index `accepted_from`)."""
    return [r for req in server.requests[accepted_from:] for r in req.json()["records"]]


def ids(records: list[Record]) -> list[str]:
    return [str(r["event_id"]) for r in records]


def per_endpoint(records: list[Record]) -> dict[str, list[str]]:
    order: dict[str, list[str]] = {}
    for record in records:
        order.setdefault(record["client"]["client_id"], []).append(record["event_id"])
    return order


async def record(database: Database, batch: list[Event]) -> None:
    async with database.session() as session:
        for event in batch:
            await put_event(session, event)


def signed(request: Recorded) -> bool:
    stamp = request.headers["X-Herald-Signature"].split(",")[0].removeprefix("t=")
    expected = signature(SECRET.encode(), int(stamp), request.body)
    return hmac.compare_digest(expected, request.headers["X-Herald-Signature"])


async def test_every_sink_gets_every_event_in_pinpoint_shape(
    database: Database, destinations: Destinations, receiver: Loopback, tmp_path: Path
) -> None:
    jsonl = tmp_path / "events.jsonl"
    sinks = {
        **destinations.sinks(),
        "hook": WebhookSink(type="webhook", url=f"{receiver.url}/events", secret=SECRET),
        "file": FileSink(type="file", path=jsonl),
    }
    sent = events(20)
    async with StreamShipper(database, settings(sinks)):
        await record(database, sent)
        # Kinesis and CloudWatch Logs keep order (per shard, per log stream); Firehose
        # objects and a standard SNS topic do not, so for them: every event, once.
        readers = {
            "kinesis": (destinations.kinesis_records, True),
            "logs": (destinations.log_records, True),
            "firehose": (destinations.firehose_records, False),
            "sns": (destinations.sns_records, False),
        }
        for name, (read, ordered) in readers.items():
            got = await eventually(
                _async(read), lambda r: len(r) >= 20, what=f"20 records in {name}"
            )
            assert sorted(ids(got)) == sorted(e.id or "" for e in sent), name
            if ordered:
                assert per_endpoint(got) == per_endpoint(_expected(sent)), name
        hooked = await eventually(
            _async(lambda: accepted_webhook_records(receiver, 0)), lambda r: len(r) >= 20
        )
        lines = await eventually(_async(lambda: _lines(jsonl)), lambda r: len(r) >= 20)
    assert ids(hooked) == ids(lines) == [e.id for e in sent]
    first = lines[0]
    assert first["event_type"] == "purchase"
    assert first["event_timestamp"] == int(T0.timestamp() * 1000)
    assert first["event_version"] == "3.1"
    assert first["application"] == {"app_id": "app-1", "sdk": {}}
    assert first["client"] == {"client_id": "ann"}
    assert first["attributes"] == {"message_id": "m-0", "journey_id": "welcome"}
    assert first["metrics"] == {"n": 0.0}
    for request in receiver.requests:
        assert signed(request)
    async with database.session() as session:
        assert all(s.waiting == 0 and s.shipped == 20 for s in await sink_states(session))


async def test_a_sink_down_for_a_while_gets_every_event_once_in_order(
    database: Database, destinations: Destinations, receiver: Loopback
) -> None:
    """The webhook answers 503 and the Kinesis stream is gone while events are recorded;
    when both are back every event arrives, none twice, in the order recorded."""
    down: list[tuple[int, dict[str, str], bytes]] = [(503, {}, b"down")] * 6
    receiver.answers = [*down, (200, {}, b"{}")]
    sinks = {
        "kinesis": destinations.sinks()["kinesis"],
        "hook": WebhookSink(type="webhook", url=receiver.url, secret=SECRET),
    }
    shipper = StreamShipper(database, settings(sinks))
    await shipper.start()
    client("kinesis", destinations.aws).delete_stream(StreamName=destinations.name)
    try:
        sent = events(30)
        await record(database, sent[:15])

        async def kinesis_failing() -> int:
            async with database.session() as session:
                states = {s.name: s for s in await sink_states(session)}
            return states["kinesis"].failures

        await eventually(kinesis_failing, lambda n: n >= 3, what="kinesis failing")
        await record(database, sent[15:])
        destinations.create_kinesis()
        hooked = await eventually(
            _async(lambda: accepted_webhook_records(receiver, 6)), lambda r: len(r) >= 30
        )
        streamed = await eventually(_async(destinations.kinesis_records), lambda r: len(r) >= 30)
    finally:
        await shipper.stop()
    assert ids(hooked) == [e.id for e in sent]
    assert sorted(ids(streamed)) == sorted(e.id or "" for e in sent)
    assert per_endpoint(streamed) == per_endpoint(_expected(sent))
    failed_posts = [r.json()["records"][0]["event_id"] for r in receiver.requests[:6]]
    assert set(failed_posts) == {sent[0].id}, "a failed batch is sent again from its start"


async def test_a_repeated_event_id_is_streamed_once(database: Database, tmp_path: Path) -> None:
    jsonl = tmp_path / "events.jsonl"
    batch = events(3)
    async with StreamShipper(database, settings({"file": FileSink(type="file", path=jsonl)})):
        async with database.session() as session:
            await put_events(session, [])
            for event in batch + batch:
                await put_event(session, event)
        await eventually(_async(lambda: _lines(jsonl)), lambda r: len(r) >= 3)
        async with database.session() as session:
            await put_event(session, batch[0])
        await eventually(lambda: _waiting(database), lambda n: n == 0)
    assert ids(_lines(jsonl)) == [e.id for e in batch]


async def test_a_misconfigured_sink_is_named_at_start(
    database: Database, moto_aws: AwsSettings, tmp_path: Path
) -> None:
    sinks = {
        "archive": FirehoseSink(type="firehose", delivery_stream="no-such-stream", aws=moto_aws),
        "local": FileSink(type="file", path=tmp_path / "missing-dir" / "events.jsonl"),
    }
    with pytest.raises(SinkConfigError) as raised:
        await StreamShipper(database, settings(sinks)).start()
    message = str(raised.value)
    assert "'archive' (firehose): delivery stream 'no-such-stream' does not exist" in message
    assert "'local' (file): cannot append to" in message


def _expected(sent: list[Event]) -> list[Record]:
    return [{"event_id": e.id, "client": {"client_id": e.endpoint_id}} for e in sent]


def _lines(path: Path) -> list[Record]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


async def _waiting(database: Database) -> int:
    async with database.session() as session:
        return sum(s.waiting for s in await sink_states(session))


def _async(read: Callable[[], list[Record]]) -> Callable[[], Any]:
    async def probe() -> list[Record]:
        return read()

    return probe
