"""Event-stream settings: `Settings.streams`, sinks by name, as many as wanted at once.

    HERALD_STREAMS__APPLICATION_ID=my-app
    HERALD_STREAMS__SINKS__ARCHIVE__TYPE=firehose
    HERALD_STREAMS__SINKS__ARCHIVE__DELIVERY_STREAM=herald-events
    HERALD_STREAMS__SINKS__ARCHIVE__AWS__REGION=eu-west-1

or the whole model as JSON in HERALD_STREAMS. A sink's name is how its errors, its lag and
its place in the outbox are known; renaming a sink starts it afresh.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator

from herald.channels.config_aws import AwsSettings
from herald.channels.config_base import ChannelModel
from herald.channels.config_http import WebhookSettings

SINK_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class SinkSettings(ChannelModel):
    timeout: float = Field(default=15.0, gt=0, description="Seconds for one call to the sink.")


class FirehoseSink(SinkSettings):
    """Amazon Data Firehose, PutRecordBatch: one newline-terminated JSON record per event."""

    type: Literal["firehose"]
    delivery_stream: str = Field(min_length=1)
    aws: AwsSettings = Field(default_factory=AwsSettings)


class KinesisSink(SinkSettings):
    """Kinesis Data Streams, PutRecords, partitioned by endpoint (its events stay in order)."""

    type: Literal["kinesis"]
    stream_name: str = Field(min_length=1)
    aws: AwsSettings = Field(default_factory=AwsSettings)


class SnsSink(SinkSettings):
    """SNS Publish, one message per event; on a FIFO topic grouped by endpoint and
    deduplicated by the event id."""

    type: Literal["sns"]
    topic_arn: str = Field(pattern=r"^arn:aws[a-z-]*:sns:")
    aws: AwsSettings = Field(default_factory=AwsSettings)


class CloudWatchLogsSink(SinkSettings):
    """CloudWatch Logs PutLogEvents into a log group that exists; the stream is created."""

    type: Literal["cloudwatch_logs"]
    log_group: str = Field(min_length=1)
    log_stream: str = Field(default="herald-events", min_length=1)
    aws: AwsSettings = Field(default_factory=AwsSettings)


class WebhookSink(SinkSettings):
    """An HTTPS endpoint: each batch POSTed as {"records": [...]}, HMAC-SHA256 signed like
    the custom channel's webhook (`t=<unix time>,v1=<hex>` of "<t>.<body>")."""

    type: Literal["webhook"]
    url: str
    secret: SecretStr
    signature_header: str = "X-Herald-Signature"
    ca_file: Path | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, url: str) -> str:
        # The same rule as the custom channel's webhook: TLS, or loopback.
        return WebhookSettings._https(url)


class FileSink(SinkSettings):
    """A JSON Lines file, appended to and flushed to disk batch by batch."""

    type: Literal["file"]
    path: Path


Sink = Annotated[
    FirehoseSink | KinesisSink | SnsSink | CloudWatchLogsSink | WebhookSink | FileSink,
    Field(discriminator="type"),
]


class StreamSettings(ChannelModel):
    application_id: str = Field(
        default="herald", description="`application.app_id` of every record (Pinpoint's)."
    )
    batch_size: int = Field(default=100, ge=1, le=500, description="Events per call at most.")
    poll_interval: float = Field(
        default=1.0, gt=0, description="Seconds between looks at the outbox when it is empty."
    )
    retry_initial: float = Field(default=1.0, gt=0, description="First backoff, seconds.")
    retry_max: float = Field(default=300.0, gt=0, description="Longest backoff, seconds.")
    lease: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a shipper holds a sink between renewals (renewed every third of"
        " it while the sink has a batch): how soon another worker takes over a dead one's sinks.",
    )
    sinks: dict[Annotated[str, Field(pattern=SINK_NAME)], Sink] = Field(default_factory=dict)
