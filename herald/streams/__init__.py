"""Event streams: recorded events shipped to Firehose, Kinesis, SNS, CloudWatch Logs, an HTTPS
webhook or a JSON Lines file, through the durable outbox (`herald.store.stream_outbox`)."""

from herald.streams.base import SinkConfigError
from herald.streams.config import StreamSettings
from herald.streams.shipper import StreamShipper

__all__ = ["SinkConfigError", "StreamSettings", "StreamShipper"]
