"""Event-stream sinks on AWS: Firehose, Kinesis Data Streams, SNS, CloudWatch Logs.

boto3 retries nothing (the shipper backs off, one place deciding retries); calls run in a
thread since boto3 blocks. A batch call that takes some records and refuses others counts
the records taken up to the first refused: the rest go again, in order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from herald.analytics.stream_record import partition_key
from herald.channels.aws import error_code, make_client
from herald.streams.base import Record, Shipped, SinkConfigError, encode, fitting
from herald.streams.config import CloudWatchLogsSink, FirehoseSink, KinesisSink, SnsSink

MISSING = frozenset({"ResourceNotFoundException", "NotFound", "NotFoundException"})


class AwsSink:
    kind = ""
    what = ""

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
        except ClientError as exc:
            code, text, status = error_code(exc)
            return Shipped(0, f"{self.kind} refused the batch ({status} {code}): {text}")
        except BotoCoreError as exc:
            return Shipped(0, f"{self.kind} unreachable: {exc}")

    def _put(self, records: Sequence[Record]) -> Shipped:
        raise NotImplementedError

    async def aclose(self) -> None:
        await asyncio.to_thread(self._client.close)


def _taken(results: list[dict[str, Any]], sent: int) -> Shipped:
    for index, result in enumerate(results):
        if result.get("ErrorCode"):
            error = f"{result['ErrorCode']}: {result.get('ErrorMessage', '')}"
            return Shipped(index, error)
    return Shipped(sent)


class FirehoseStreamSink(AwsSink):
    kind = "firehose"

    def __init__(self, name: str, settings: FirehoseSink) -> None:
        super().__init__(name, "firehose", settings)
        self._stream = settings.delivery_stream
        self.what = f"delivery stream {self._stream!r}"

    def _describe(self) -> None:
        self._client.describe_delivery_stream(DeliveryStreamName=self._stream)

    def _put(self, records: Sequence[Record]) -> Shipped:
        batch = fitting(records, 4 * 1024 * 1024)
        answer = self._client.put_record_batch(
            DeliveryStreamName=self._stream, Records=[{"Data": data} for data in batch]
        )
        return _taken(answer["RequestResponses"], len(batch))


class KinesisStreamSink(AwsSink):
    kind = "kinesis"

    def __init__(self, name: str, settings: KinesisSink) -> None:
        super().__init__(name, "kinesis", settings)
        self._stream = settings.stream_name
        self.what = f"stream {self._stream!r}"

    def _describe(self) -> None:
        self._client.describe_stream_summary(StreamName=self._stream)

    def _put(self, records: Sequence[Record]) -> Shipped:
        batch = fitting(records, 5 * 1024 * 1024)
        entries = [
            {"Data": data, "PartitionKey": partition_key(record)}
            for data, record in zip(batch, records, strict=False)
        ]
        answer = self._client.put_records(StreamName=self._stream, Records=entries)
        return _taken(answer["Records"], len(batch))


class SnsStreamSink(AwsSink):
    kind = "sns"

    def __init__(self, name: str, settings: SnsSink) -> None:
        super().__init__(name, "sns", settings)
        self._topic = settings.topic_arn
        self._fifo = settings.topic_arn.endswith(".fifo")
        self.what = f"topic {self._topic!r}"

    def _describe(self) -> None:
        self._client.get_topic_attributes(TopicArn=self._topic)

    def _put(self, records: Sequence[Record]) -> Shipped:
        for index, record in enumerate(records):
            try:
                self._client.publish(**self._message(encode(record), record))
            except (ClientError, BotoCoreError) as exc:
                if index == 0:
                    raise
                return Shipped(index, f"sns: {exc}")
        return Shipped(len(records))

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


class CloudWatchLogsStreamSink(AwsSink):
    kind = "cloudwatch_logs"

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

    def _put(self, records: Sequence[Record]) -> Shipped:
        # The log event's time is when it was shipped (a batch must be in time order and
        # recent); the record keeps the event's own timestamps.
        now = int(self._clock() * 1000)
        batch = fitting(records[:10_000], 1_048_576, overhead=26)
        events = [{"timestamp": now, "message": data.decode().rstrip("\n")} for data in batch]
        answer = self._client.put_log_events(
            logGroupName=self._group, logStreamName=self._stream, logEvents=events
        )
        rejected = answer.get("rejectedLogEventsInfo")
        if rejected:
            return Shipped(0, f"cloudwatch logs rejected the batch: {rejected}")
        return Shipped(len(batch))
