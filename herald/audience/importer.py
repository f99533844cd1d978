"""`herald endpoints import`: stream an endpoint file into the store in batches.

Memory stays constant whatever the file size: rows are read one at a time and written a batch
per transaction. Endpoints are upserted by id, so importing a file again changes nothing.
A bad row is reported with its line and reason and skipped; the good rows are kept. With a
segment name, the file's endpoints (and the users of rows that hold only a `User.UserId`)
become that static segment's members, switched to in one step when the file is done.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from pydantic import ValidationError

from herald.audience.batch import Batch
from herald.audience.records import (
    Document,
    FileFormatError,
    Record,
    RowError,
    csv_records,
    ndjson_records,
)
from herald.audience.report import MAX_REPORTED, ImportReport, RowProblem
from herald.models import Endpoint, EndpointUser
from herald.store import Database

Format = Literal["csv", "ndjson"]
SUFFIXES: dict[str, Format] = {".csv": "csv", ".json": "ndjson", ".jsonl": "ndjson"}
SUFFIXES[".ndjson"] = "ndjson"
BATCH_SIZE = 1000
YIELD_EVERY = 32


ProblemHandler = Callable[[RowProblem], None]
ProgressHandler = Callable[[int], None]


async def import_endpoints(
    database: Database,
    path: Path,
    *,
    file_format: Format | None = None,
    segment: str | None = None,
    source: str | None = None,
    batch_size: int = BATCH_SIZE,
    on_problem: ProblemHandler | None = None,
    on_progress: ProgressHandler | None = None,
) -> ImportReport:
    """Import `path`. Raises FileFormatError (nothing imported) when the file as a whole
    cannot be read: missing, unknown format or column. `on_progress` gets bytes read."""
    name = source or str(path)
    chosen = file_format or _format_of(path)
    try:
        binary = path.open("rb")
    except OSError as exc:
        raise FileFormatError(f"{name}: cannot be read ({exc.strerror})") from None
    with binary:
        report = ImportReport(source=name, segment=segment)
        batch = Batch(database, report, segment=segment, source=name)
        await batch.start()
        try:
            for count, (_, item) in enumerate(_items(_records(binary, chosen, name))):
                if count % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # let a batch being written send its next statement
                if isinstance(item, RowProblem):
                    _problem(report, item, on_problem)
                elif await batch.add(item, batch_size) and on_progress:
                    on_progress(binary.tell())
            await batch.finish()
        except BaseException:
            await batch.abandon()
            raise
        if on_progress:
            on_progress(binary.tell())
    return report


def _format_of(path: Path) -> Format:
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        allowed = ", ".join(SUFFIXES)
        raise FileFormatError(f"{path}: unknown file type; allowed: {allowed} (or --format)")
    return found


def _records(binary: BinaryIO, file_format: Format, source: str) -> Iterator[Record]:
    # surrogateescape keeps bytes that are not UTF-8 as markers, so a bad row is reported on
    # its own instead of stopping the file.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
    records = csv_records(text, source) if file_format == "csv" else ndjson_records(text, source)
    yield from records
    text.detach()


Item = Endpoint | EndpointUser | RowProblem


def _items(records: Iterator[Record]) -> Iterator[tuple[int, Item]]:
    for line, document in records:
        if isinstance(document, RowError):
            yield line, RowProblem(line=line, reason=str(document))
        else:
            yield line, _item(line, document)


def _item(line: int, document: Document) -> Item:
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
        field = prefix + ".".join(str(p) for p in error["loc"]) if error["loc"] else "(row)"
        parts.append(f"{field}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def _problem(report: ImportReport, problem: RowProblem, handler: ProblemHandler | None) -> None:
    report.rejected += 1
    if len(report.problems) < MAX_REPORTED:
        report.problems.append(problem)
    if handler:
        handler(problem)
