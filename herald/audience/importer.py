"""`herald endpoints import`: stream an endpoint file into the store in batches.

Memory stays constant whatever the file size: rows are read a chunk at a time, prepared
(validated, normalised, turned into rows; in worker processes for big files) and written a
chunk per transaction while the next chunks are read. Endpoints are upserted by id, so
importing a file again changes nothing. A bad row is reported with its line and reason and
skipped; the good rows are kept. With a segment name, the file's endpoints (and the users of
rows that hold only a `User.UserId`) become that static segment's members, switched to in one
step when the file is done.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Literal

from herald.audience.batch import Batch
from herald.audience.prepare import default_workers, prepared
from herald.audience.records import CsvFile, FileFormatError, Header, Record, ndjson_records
from herald.audience.report import MAX_REPORTED, ImportReport, RowProblem
from herald.audience.tuning import import_tuning
from herald.store import Database

Format = Literal["csv", "ndjson"]
SUFFIXES: dict[str, Format] = {".csv": "csv", ".json": "ndjson", ".jsonl": "ndjson"}
SUFFIXES[".ndjson"] = "ndjson"
BATCH_SIZE = 1000
# On SQLite a batch costs a transaction and a few statements per table whatever its size
# (see `bulk`), so bigger batches spend less per row; 5,000 rows stay a few megabytes.
SQLITE_BATCH_SIZE = 5000

ProblemHandler = Callable[[RowProblem], None]
ProgressHandler = Callable[[int], None]


async def import_endpoints(
    database: Database,
    path: Path,
    *,
    file_format: Format | None = None,
    segment: str | None = None,
    source: str | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    on_problem: ProblemHandler | None = None,
    on_progress: ProgressHandler | None = None,
) -> ImportReport:
    """Import `path`. Raises FileFormatError (nothing imported) when the file as a whole
    cannot be read: missing, unknown format or column. `on_progress` gets bytes read.
    `workers`: processes preparing rows (default: one per spare CPU for big files).
    `batch_size`: rows per transaction (default: by database)."""
    name = source or str(path)
    chosen = file_format or _format_of(path)
    try:
        binary = path.open("rb")
    except OSError as exc:
        raise FileFormatError(f"{name}: cannot be read ({exc.strerror})") from None
    with binary, import_tuning():
        size = os.fstat(binary.fileno()).st_size
        pool = default_workers(size) if workers is None else workers
        report = ImportReport(source=name, segment=segment)
        batch = Batch(database, report, segment=segment, source=name)
        await batch.start()
        records, header = _records(binary, chosen, name)
        if batch_size is None:
            batch_size = SQLITE_BATCH_SIZE if database.dialect == "sqlite" else BATCH_SIZE
        chunks = _chunks(records, batch_size)
        try:
            async for chunk in prepared(chunks, database.dialect, pool, header):
                for problem in chunk.problems:
                    _problem(report, problem, on_problem)
                await batch.write(chunk)
                if on_progress:
                    on_progress(binary.tell())
            await batch.finish()
        except BaseException:
            await batch.abandon()
            raise
    return report


def _format_of(path: Path) -> Format:
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        allowed = ", ".join(SUFFIXES)
        raise FileFormatError(f"{path}: unknown file type; allowed: {allowed} (or --format)")
    return found


def _records(binary: BinaryIO, file_format: Format, source: str) -> tuple[Iterator[Record], Header]:
    """The file's records, and a CSV file's header (read, and checked, here)."""
    # surrogateescape keeps bytes that are not UTF-8 as markers, so a bad row is reported on
    # its own instead of stopping the file.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
    if file_format == "csv":
        rows = CsvFile(text, source)
        return _detached(text, iter(rows)), rows.header
    return _detached(text, ndjson_records(text, source)), ()


def _detached(text: io.TextIOWrapper, records: Iterator[Record]) -> Iterator[Record]:
    yield from records
    text.detach()


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    while chunk := list(islice(records, size)):
        yield chunk


def _problem(report: ImportReport, problem: RowProblem, handler: ProblemHandler | None) -> None:
    report.rejected += 1
    if len(report.problems) < MAX_REPORTED:
        report.problems.append(problem)
    if handler:
        handler(problem)
