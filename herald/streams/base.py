"""What every event-stream sink is: checked at start, then handed batches in order.

SinkConfigError   the sink cannot work as configured (found at start): names the sink
Shipped           what the sink did with a batch: the records it took, those it refuses for
                  good (dead: never sent again), the error that stopped the others (they go
                  again after a backoff)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

Record = dict[str, Any]


class SinkConfigError(Exception):
    """A sink that cannot work as configured; the message names it and what to change."""


@dataclass(frozen=True)
class Shipped:
    """What a sink did with a batch, by the records' positions in it.

    taken   the records the sink has: they leave the outbox
    dead    the records it refuses for good (too large, invalid), with why: they leave the
            outbox unsent, counted and logged, never tried again
    error   what stopped the others, if anything did: they stay and go again after a
            backoff. Records neither taken, dead nor stopped by an error (a batch larger
            than one call takes) simply go in the next batch.
    """

    taken: tuple[int, ...] = ()
    error: str | None = None
    dead: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def first(cls, count: int, error: str | None = None) -> Shipped:
        """The sink took the first `count` records; `error` stopped the rest."""
        return cls(tuple(range(count)), error)


class StreamSink(Protocol):
    name: str
    kind: str

    async def check(self) -> None:
        """Raise SinkConfigError if the destination does not exist or cannot be reached."""

    async def put(self, records: Sequence[Record]) -> Shipped: ...

    async def aclose(self) -> None: ...


def encode(record: Record) -> bytes:
    return json.dumps(record, separators=(",", ":"), sort_keys=True).encode()


def fitting(sizes: Sequence[int], max_bytes: int, overhead: int = 0) -> int:
    """How many of the records (of these sizes), from the first, one call takes: their total
    stays within its limit (always at least one: each record was checked against the sink's
    limit for one record)."""
    total = 0
    for count, size in enumerate(sizes):
        total += size + overhead
        if count and total > max_bytes:
            return count
    return len(sizes)
