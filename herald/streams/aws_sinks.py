"""Event-stream sinks on AWS: Firehose, Kinesis Data Streams, SNS, CloudWatch Logs.

boto3 retries nothing (the shipper backs off, one place deciding retries); calls run in a
thread since boto3 blocks.

A record the sink refuses for good is dead, so that it cannot hold up every later event:
sending it again would only be refused again. That is a record larger than the sink takes
(checked before any call, against its limit for one record: Firehose 1,000 KiB; Kinesis the
stream's maximum record size, 1 MiB unless raised, partition key included; SNS the topic's
MaximumMessageSize, 256 KiB unless raised, body and attributes together; CloudWatch Logs
1 MB, less the 26 bytes every event counts for in a call), and a record the sink refuses on
its own with a validation error (REFUSED). A batch call refused with one is split in halves
until the records to blame are found, so a limit AWS enforces below the one here costs a few
calls, not the sink. Throttling, 5xx, a missing stream or refused credentials are the sink's
trouble, not the record's: the shipper backs off and sends the records again.

A batch call that takes some records and refuses others (Firehose PutRecordBatch and Kinesis
PutRecords answer per record) keeps the records taken: only those refused go again, since
sending the rest again would deliver them twice. Neither call keeps order between the
records of one call anyway ("PutRecords doesn't guarantee the ordering of records"), so a
Firehose stream gets every event once in no promised order, and a Kinesis shard keeps each
endpoint's order except that a record sent again comes after the ones taken with it. SNS
publishes one message at a time and CloudWatch Logs takes a call whole, so both stop at the
first record that must go again: a FIFO topic and a log stream keep the order recorded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from herald.analytics.stream_record import partition_key
from herald.channels.aws import error_code, make_client
from herald.streams.base import Record, Shipped, SinkConfigError, encode, fitting
from herald.streams.config import CloudWatchLogsSink, FirehoseSink, KinesisSink, SnsSink

MISSING = frozenset({"ResourceNotFoundException", "NotFound", "NotFoundException"})
# What AWS answers a request it refuses for what it carries. Said of one record, or in a batch
# call's answer for one record, that record is refused for good.
REFUSED = frozenset(
    {
        "InvalidParameter",
        "InvalidParameterValue",
        "InvalidParameterException",
        "InvalidArgumentException",
        "ValidationException",
        "ValidationError",
        "ParamValidationError",  # botocore's own check of the request, before sending it
    }
)

# An answer for one record of a batch call: None if taken, else the code and message.
Answer = tuple[str, str] | None


class AwsSink:
    kind = ""
    what = ""
    limit = 0  # the bytes of one record the sink takes, counted as `_size` counts them

    def __init__(self, name: str, service: str, settings: Any) -> None:
        self.name = name
        self._client = make_client(service, settings.aws, settings.timeout)

    async def check(self) -> None:
        try:
            await asyncio.to_thread(self._describe)
        except ClientError as exc:
            code, text, _ = error_code(exc)
            problem = "does not exist" if code in MISSING else f"cannot be used ({code}: {text})"
            raise SinkConfigError(
                f"event stream sink {self.name!r} ({self.kind}): {self.what} {problem}"
            ) from None
        except BotoCoreError as exc:
            raise SinkConfigError(
                f"event stream sink {self.name!r} ({self.kind}): {self.what} unreachable: {exc}"
            ) from None

    def _describe(self) -> None:
        raise NotImplementedError

    async def put(self, records: Sequence[Record]) -> Shipped:
        try:
            return await asyncio.to_thread(self._put, records)
        except (ClientError, BotoCoreError) as exc:
            return Shipped(error=self._failure(exc, "the batch")[1])

    def _put(self, records: Sequence[Record]) -> Shipped:
        raise NotImplementedError

    async def aclose(self) -> None:
        await asyncio.to_thread(self._client.close)

    def _failure(self, exc: ClientError | BotoCoreError, what: str) -> tuple[str, str]:
        """The error code of a failed call (empty if AWS was not reached) and what to say."""
        if isinstance(exc, ClientError):
            code, text, status = error_code(exc)
            return code, f"{self.kind} refused {what} ({status} {code}): {text}"
        if isinstance(exc, ParamValidationError):
            return "ParamValidationError", f"{self.kind} refused {what}: {exc}"
        return "", f"{self.kind} unreachable: {exc}"

    def _too_large(self, size: int) -> str:
        return f"{size} bytes, over the {self.limit} bytes {self.kind} takes in one record"


class BatchAwsSink(AwsSink):
    """A sink taking many records in one call, answering for the call or for each record."""

    max_records = 500
    max_call_bytes = 0
    overhead = 0  # what each record counts for in a call beyond its size

    def _data(self, record: Record) -> bytes:
        return encode(record) + b"\n"

    def _size(self, record: Record, data: bytes) -> int:
        return len(data)

    def _call(self, records: list[Record], data: list[bytes]) -> list[Answer]:
        """One call with these records: the answer for each. Raises what boto3 raises."""
        raise NotImplementedError

    def _put(self, records: Sequence[Record]) -> Shipped:
        data = [self._data(r) for r in records]
        sizes = [self._size(r, d) for r, d in zip(records, data, strict=True)]
        dead = {i: self._too_large(size) for i, size in enumerate(sizes) if size > self.limit}
        live = [i for i in range(len(records)) if i not in dead][: self.max_records]
        live = live[: fitting([sizes[i] for i in live], self.max_call_bytes, self.overhead)]
        sent = self._send(records, data, live)
        return Shipped(sent.taken, sent.error, {**dead, **sent.dead})

    def _send(self, records: Sequence[Record], data: list[bytes], at: list[int]) -> Shipped:
        """The records at these positions in one call; one refused as a whole for what it
        carries is split in halves, the first half settled before the second goes."""
        if not at:
            return Shipped()
        try:
            answers = self._call([records[i] for i in at], [data[i] for i in at])
        except (ClientError, BotoCoreError) as exc:
            code, reason = self._failure(exc, "the record" if len(at) == 1 else "the batch")
            if code not in REFUSED:
                return Shipped(error=reason)
            if len(at) == 1:
                return Shipped(dead={at[0]: reason})
            first = self._send(records, data, at[: len(at) // 2])
            if first.error is not None:
                return first
            second = self._send(records, data, at[len(at) // 2 :])
            return Shipped(first.taken + second.taken, second.error, {**first.dead, **second.dead})
        taken: list[int] = []
        dead: dict[int, str] = {}
        again: list[tuple[str, str]] = []
        for position, answer in zip(at, answers, strict=True):
            if answer is None:
                taken.append(position)
            elif answer[0] in REFUSED:
                dead[position] = f"{self.kind} refused the record ({answer[0]}): {answer[1]}"
            else:
                again.append(answer)
        error = None
        if again:
            code, text = again[0]
            error = f"{self.kind} refused {len(again)} of {len(at)} records ({code}: {text})"
        return Shipped(tuple(taken), error, dead)


def _per_record(results: list[dict[str, Any]]) -> list[Answer]:
    return [
        (str(r["ErrorCode"]), str(r.get("ErrorMessage", ""))) if r.get("ErrorCode") else None
        for r in results
    ]


class FirehoseStreamSink(BatchAwsSink):
    kind = "firehose"
    limit = 1_024_000  # 1,000 KiB of data, before base64
    max_call_bytes = 4 * 1024 * 1024

    def __init__(self, name: str, settings: FirehoseSink) -> None:
        super().__init__(name, "firehose", settings)
        self._stream = settings.delivery_stream
        self.what = f"delivery stream {self._stream!r}"

    def _describe(self) -> None:
        self._client.describe_delivery_stream(DeliveryStreamName=self._stream)

    def _call(self, records: list[Record], data: list[bytes]) -> list[Answer]:
        answer = self._client.put_record_batch(
            DeliveryStreamName=self._stream, Records=[{"Data": d} for d in data]
        )
        return _per_record(answer["RequestResponses"])


class KinesisStreamSink(BatchAwsSink):
    kind = "kinesis"
    limit = 1024 * 1024  # until `check` reads the stream's own (MaxRecordSizeInKiB)
    max_call_bytes = 5 * 1024 * 1024

    def __init__(self, name: str, settings: KinesisSink) -> None:
        super().__init__(name, "kinesis", settings)
        self._stream = settings.stream_name
        self.what = f"stream {self._stream!r}"

    def _describe(self) -> None:
        summary = self._client.describe_stream_summary(StreamName=self._stream)
        kib = summary["StreamDescriptionSummary"].get("MaxRecordSizeInKiB")
        if kib:
            self.limit = int(kib) * 1024

    def _size(self, record: Record, data: bytes) -> int:
        return len(data) + len(partition_key(record).encode())

    def _call(self, records: list[Record], data: list[bytes]) -> list[Answer]:
        entries = [
            {"Data": d, "PartitionKey": partition_key(r)}
            for d, r in zip(data, records, strict=True)
        ]
        answer = self._client.put_records(StreamName=self._stream, Records=entries)
        return _per_record(answer["Records"])


class CloudWatchLogsStreamSink(BatchAwsSink):
    kind = "cloudwatch_logs"
    max_records = 10_000
    max_call_bytes = 1_048_576
    overhead = 26
    limit = max_call_bytes - overhead  # "no larger than 1 MB", and it must fit in a call

    def __init__(
        self, name: str, settings: CloudWatchLogsSink, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(name, "logs", settings)
        self._group, self._stream = settings.log_group, settings.log_stream
        self.what = f"log group {self._group!r}"
        self._clock = clock

    def _describe(self) -> None:
        groups = self._client.describe_log_groups(logGroupNamePrefix=self._group)["logGroups"]
        if not any(g["logGroupName"] == self._group for g in groups):
            raise ClientError(
                {"Error": {"Code": "ResourceNotFoundException", "Message": self._group}},
                "DescribeLogGroups",
            )
        try:
            self._client.create_log_stream(logGroupName=self._group, logStreamName=self._stream)
        except ClientError as exc:
            if error_code(exc)[0] != "ResourceAlreadyExistsException":
                raise

    def _data(self, record: Record) -> bytes:
        return encode(record)

    def _call(self, records: list[Record], data: list[bytes]) -> list[Answer]:
        # The log event's time is when it was shipped (a batch must be in time order and
        # recent); the record keeps the event's own timestamps.
        now = int(self._clock() * 1000)
        events = [{"timestamp": now, "message": d.decode()} for d in data]
        answer = self._client.put_log_events(
            logGroupName=self._group, logStreamName=self._stream, logEvents=events
        )
        rejected = answer.get("rejectedLogEventsInfo")
        if not rejected:
            return [None] * len(data)
        # Too old, too new or expired: the clock, not the record (the events carry the time
        # they are shipped, so all of a call's go or none), and the others were taken.
        too_old = max(
            rejected.get("tooOldLogEventEndIndex", 0), rejected.get("expiredLogEventEndIndex", 0)
        )
        too_new = rejected.get("tooNewLogEventStartIndex", len(data))
        why = ("RejectedLogEvents", str(rejected))
        return [why if i < too_old or i >= too_new else None for i in range(len(data))]


class SnsStreamSink(AwsSink):
    """Publishes one message per record, in order; a FIFO topic keeps it per endpoint."""

    kind = "sns"
    limit = 262_144  # until `check` reads the topic's own (MaximumMessageSize)

    def __init__(self, name: str, settings: SnsSink) -> None:
        super().__init__(name, "sns", settings)
        self._topic = settings.topic_arn
        self._fifo = settings.topic_arn.endswith(".fifo")
        self.what = f"topic {self._topic!r}"

    def _describe(self) -> None:
        attributes = self._client.get_topic_attributes(TopicArn=self._topic)["Attributes"]
        if attributes.get("MaximumMessageSize"):
            self.limit = int(attributes["MaximumMessageSize"])

    def _put(self, records: Sequence[Record]) -> Shipped:
        taken: list[int] = []
        dead: dict[int, str] = {}
        for position, record in enumerate(records):
            message = self._message(encode(record), record)
            size = _message_size(message)
            if size > self.limit:
                dead[position] = self._too_large(size)
                continue
            try:
                self._client.publish(**message)
            except (ClientError, BotoCoreError) as exc:
                code, reason = self._failure(exc, "the message")
                if code not in REFUSED:
                    return Shipped(tuple(taken), reason, dead)
                dead[position] = reason
                continue
            taken.append(position)
        return Shipped(tuple(taken), None, dead)

    def _message(self, data: bytes, record: Record) -> dict[str, Any]:
        message: dict[str, Any] = {
            "TopicArn": self._topic,
            "Message": data.decode(),
            "MessageAttributes": {
                "event_type": {"DataType": "String", "StringValue": record["event_type"]}
            },
        }
        if self._fifo:
            message["MessageGroupId"] = partition_key(record)[:128]
            message["MessageDeduplicationId"] = str(record["event_id"])[:128]
        return message


def _message_size(message: dict[str, Any]) -> int:
    """What SNS counts against MaximumMessageSize: the body and each attribute's name, type
    and value, in UTF-8."""
    size = len(message["Message"].encode())
    for name, value in message["MessageAttributes"].items():
        size += len(name.encode()) + len(value["DataType"].encode())
        size += len(str(value.get("StringValue", "")).encode())
    return size
