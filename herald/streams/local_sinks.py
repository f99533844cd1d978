"""Event-stream sinks Herald talks to directly: an HTTPS webhook and a JSON Lines file."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from herald.channels import http
from herald.channels.webhook import signature
from herald.streams.base import Record, Shipped, SinkConfigError, encode
from herald.streams.config import FileSink, WebhookSink


class WebhookStreamSink:
    """POSTs {"records": [...]} signed like the custom channel's webhook. `Idempotency-Key`
    is the first and last event id of the batch: a retried batch carries the same key."""

    kind = "webhook"

    def __init__(
        self, name: str, settings: WebhookSink, clock: Callable[[], float] = time.time
    ) -> None:
        self.name = name
        self._settings = settings
        self._secret = settings.secret.get_secret_value().encode()
        self._client = http.make_client(settings.timeout, ca_file=settings.ca_file)
        self._clock = clock

    async def check(self) -> None:
        """The URL was checked with the settings; a receiver that is down now is only late."""

    async def put(self, records: Sequence[Record]) -> Shipped:
        body = json.dumps({"records": list(records)}, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"{records[0]['event_id']}..{records[-1]['event_id']}",
            self._settings.signature_header: signature(self._secret, int(self._clock()), body),
        }
        try:
            response = await self._client.post(self._settings.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Shipped(error=f"webhook unreachable: {type(exc).__name__}: {exc}")
        if response.is_success:
            return Shipped.first(len(records))
        return Shipped(error=f"webhook answered {response.status_code}: {response.text[:200]}")

    async def aclose(self) -> None:
        await self._client.aclose()


class FileStreamSink:
    """Appends one JSON record per line and syncs the file before the batch counts as shipped."""

    kind = "file"

    def __init__(self, name: str, settings: FileSink) -> None:
        self.name = name
        self._path = settings.path

    async def check(self) -> None:
        try:
            await asyncio.to_thread(self._open_for_append)
        except OSError as exc:
            raise SinkConfigError(
                f"event stream sink {self.name!r} (file): cannot append to {self._path}: "
                f"{exc.strerror}"
            ) from None

    def _open_for_append(self) -> None:
        with self._path.open("ab"):
            pass

    async def put(self, records: Sequence[Record]) -> Shipped:
        try:
            await asyncio.to_thread(_append, self._path, [encode(r) + b"\n" for r in records])
        except OSError as exc:
            return Shipped(error=f"cannot append to {self._path}: {exc.strerror}")
        return Shipped.first(len(records))

    async def aclose(self) -> None:
        return None


def _append(path: Path, lines: list[bytes]) -> None:
    with path.open("ab") as file:
        file.write(b"".join(lines))
        file.flush()
        os.fsync(file.fileno())
