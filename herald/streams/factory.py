"""Sinks from `StreamSettings`, each checked at start so a misconfigured one is named then."""

from __future__ import annotations

import asyncio

from herald.streams.aws_sinks import (
    CloudWatchLogsStreamSink,
    FirehoseStreamSink,
    KinesisStreamSink,
    SnsStreamSink,
)
from herald.streams.base import SinkConfigError, StreamSink
from herald.streams.config import (
    CloudWatchLogsSink,
    FileSink,
    FirehoseSink,
    KinesisSink,
    SnsSink,
    StreamSettings,
    WebhookSink,
)
from herald.streams.local_sinks import FileStreamSink, WebhookStreamSink


def build_sinks(settings: StreamSettings) -> list[StreamSink]:
    return [_build(name, configured) for name, configured in settings.sinks.items()]


def _build(name: str, configured: object) -> StreamSink:
    match configured:
        case FirehoseSink():
            return FirehoseStreamSink(name, configured)
        case KinesisSink():
            return KinesisStreamSink(name, configured)
        case SnsSink():
            return SnsStreamSink(name, configured)
        case CloudWatchLogsSink():
            return CloudWatchLogsStreamSink(name, configured)
        case WebhookSink():
            return WebhookStreamSink(name, configured)
        case FileSink():
            return FileStreamSink(name, configured)
    raise TypeError(f"no event stream sink is built from {type(configured).__name__}")


async def check_sinks(sinks: list[StreamSink]) -> None:
    """Every sink's destination, checked together; all problems in one error, by sink name."""
    results = await asyncio.gather(*(s.check() for s in sinks), return_exceptions=True)
    problems = [str(r) for r in results if isinstance(r, SinkConfigError)]
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, SinkConfigError):
            raise result
    if problems:
        raise SinkConfigError("; ".join(problems))
