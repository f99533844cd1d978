"""Turning rows of a file into what the store writes, in worker processes when it pays.

Validating a row (addresses, fields) and building its rows costs more Python than the
database spends storing them, and Python runs one thread at a time. A big import therefore
reads the file in this process, prepares chunks of rows in worker processes, and writes the
prepared chunks here, in file order, so the last row for an id still wins.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from pydantic import ValidationError

from herald.audience.csv_fast import fast_rows
from herald.audience.records import Document, Header, Record, RowError, row_document
from herald.audience.report import RowProblem
from herald.models import Endpoint, EndpointUser
from herald.store.bulk import stamp_for
from herald.store.clock import utcnow
from herald.store.endpoint_rows import PreparedEndpoint, prepare, prepare_content

# Below this size an import is done before worker processes would have started.
POOL_MIN_BYTES = 4_000_000
MIN_POOL_CPUS = 4
# Rows prepared between two looks at the event loop: a few milliseconds' work.
INLINE_SLICE = 100


@dataclass
class Chunk:
    """One chunk of a file, prepared: the endpoints and user-only rows to write, the problems."""

    endpoints: list[PreparedEndpoint] = field(default_factory=list)
    users: list[EndpointUser] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


def prepare_chunk(records: list[Record], dialect: str, header: Header = ()) -> Chunk:
    """Validate and prepare a chunk of records (runs in a worker process, or inline). CSV
    records are cells under `header`: plain rows take the fast path, the others the model."""
    stamp = stamp_for(dialect)
    now = stamp(utcnow())
    chunk = Chunk()
    fast = fast_rows(header) if header else None
    for line, record in records:
        if isinstance(record, list):
            found = fast.content(record) if fast else None
            if found is not None:
                chunk.rows += 1
                chunk.endpoints.append(prepare_content(found, now, stamp))
                continue
            record = row_document(record, header)
        item = _item(line, record)
        if isinstance(item, RowProblem):
            chunk.problems.append(item)
            continue
        chunk.rows += 1
        if isinstance(item, Endpoint):
            chunk.endpoints.append(prepare(item, now, stamp))
        else:
            chunk.users.append(item)
    return chunk


def _item(line: int, document: Document | RowError) -> Endpoint | EndpointUser | RowProblem:
    if isinstance(document, RowError):
        return RowProblem(line=line, reason=str(document))
    document.pop("RequestId", None)
    if _user_only(document):
        try:
            return EndpointUser.model_validate(document["User"])
        except ValidationError as exc:
            return RowProblem(line=line, reason=_explain(exc, prefix="User."))
    derive = "Id" not in document
    try:
        endpoint = Endpoint.model_validate({"Id": "-", **document} if derive else document)
    except ValidationError as exc:
        return RowProblem(line=line, reason=_explain(exc))
    if derive:
        endpoint = endpoint.model_copy(update={"id": derived_id(endpoint)})
    return endpoint


def _user_only(document: Document) -> bool:
    user = document.get("User")
    return isinstance(user, dict) and set(document) == {"User"} and bool(user.get("UserId"))


def derived_id(endpoint: Endpoint) -> str:
    """An id for a row without one, the same on every import: channel and address."""
    readable = f"{endpoint.channel_type.value.lower()}:{endpoint.address}"
    if len(readable) <= 200:
        return readable
    return f"{endpoint.channel_type.value.lower()}:" + hashlib.sha256(readable.encode()).hexdigest()


def _explain(exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for error in exc.errors(include_url=False):
        field_path = prefix + ".".join(str(p) for p in error["loc"]) if error["loc"] else "(row)"
        parts.append(f"{field_path}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def default_workers(size: int) -> int:
    """Worker processes for a file of `size` bytes. This process reads the file and drives
    the writes, and SQLite writes in a thread of its own: that takes two CPUs, so workers
    start at four (on two, measured, a worker competing for them made imports slower)."""
    cpus = os.cpu_count() or 1
    return 0 if size < POOL_MIN_BYTES or cpus < MIN_POOL_CPUS else min(cpus - 2, 4)


async def prepared(
    chunks: Iterable[list[Record]], dialect: str, workers: int, header: Header = ()
) -> AsyncIterator[Chunk]:
    """Prepared chunks in file order; with workers, a few chunks are prepared ahead."""
    if workers <= 0:
        for records in chunks:
            yield await _prepare_inline(records, dialect, header)
        return
    context = multiprocessing.get_context("spawn")  # fork would copy the event loop's threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        async for chunk in _pooled(pool, chunks, dialect, header, workers + 1):
            yield chunk


async def _prepare_inline(records: list[Record], dialect: str, header: Header) -> Chunk:
    """Prepare a chunk here, a slice at a time. The batch being written runs on this event
    loop, which hands its statements to the database (on SQLite, the whole transaction in one
    call to its thread): looking at the loop between slices lets the whole batch be written
    while this chunk is prepared, instead of one hand-over per chunk (the rest then waited
    for, with nothing prepared meanwhile)."""
    chunk = Chunk()
    for start in range(0, len(records), INLINE_SLICE):
        part = prepare_chunk(records[start : start + INLINE_SLICE], dialect, header)
        chunk.endpoints += part.endpoints
        chunk.users += part.users
        chunk.problems += part.problems
        chunk.rows += part.rows
        await asyncio.sleep(0)
    return chunk


async def _pooled(
    pool: Executor, chunks: Iterable[list[Record]], dialect: str, header: Header, ahead: int
) -> AsyncIterator[Chunk]:
    pending: deque[Future[Chunk]] = deque()
    try:
        for records in chunks:
            pending.append(pool.submit(prepare_chunk, records, dialect, header))
            if len(pending) > ahead:
                yield await asyncio.wrap_future(pending.popleft())
        while pending:
            yield await asyncio.wrap_future(pending.popleft())
    finally:
        for future in pending:
            future.cancel()
