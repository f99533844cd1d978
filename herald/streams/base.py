"""What every event-stream sink is: checked at start, then handed batches in order.

SinkConfigError   the sink cannot work as configured (found at start): names the sink
SinkError         a batch did not (fully) go; the shipper backs off and tries again
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Record = dict[str, Any]


class SinkConfigError(Exception):
    """A sink that cannot work as configured; the message names it and what to change."""


@dataclass(frozen=True)
class Shipped:
    """How many records, from the first, the sink took; the error that stopped the rest."""

    count: int
    error: str | None = None


class StreamSink(Protocol):
    name: str
    kind: str

    async def check(self) -> None:
        """Raise SinkConfigError if the destination does not exist or cannot be reached."""

    async def put(self, records: Sequence[Record]) -> Shipped: ...

    async def aclose(self) -> None: ...


def encode(record: Record) -> bytes:
    return json.dumps(record, separators=(",", ":"), sort_keys=True).encode()


def fitting(records: Sequence[Record], max_bytes: int, overhead: int = 0) -> list[bytes]:
    """The records, encoded, from the first while their total stays within a call's limit
    (always at least one: a single record larger than the limit is the sink's to refuse)."""
    found: list[bytes] = []
    total = 0
    for record in records:
        data = encode(record) + b"\n"
        total += len(data) + overhead
        if found and total > max_bytes:
            break
        found.append(data)
    return found
