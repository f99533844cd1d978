"""`herald endpoints import` of a Pinpoint CSV into SQLite, against a bare load of the same rows.

The baseline reads the CSV with the csv module and inserts every row, unvalidated, into a table
without indexes: what a load costs before Herald normalises addresses, validates fields,
skips unchanged endpoints and writes the rows segments query.
"""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import time
from pathlib import Path

from bench.timing import Result
from herald.audience import import_endpoints
from herald.store import Database, upgrade


def run(csv_path: Path, database_path: Path, rows: int) -> Result:
    herald_seconds = _timed_import(csv_path, database_path)
    baseline_seconds = _bare_load(csv_path, database_path.with_name("bare.db"))
    return Result(
        "endpoint import (CSV, SQLite)",
        "csv + sqlite3 executemany",
        rows,
        herald_seconds,
        baseline_seconds,
    )


def _timed_import(csv_path: Path, database_path: Path) -> float:
    url = f"sqlite:///{database_path}"
    upgrade(url)

    async def go() -> float:
        database = Database(url)
        try:
            start = time.perf_counter()
            report = await import_endpoints(database, csv_path)
            elapsed = time.perf_counter() - start
        finally:
            await database.dispose()
        if report.rejected:
            raise RuntimeError(f"benchmark rows were rejected: {report.problems[:3]}")
        return elapsed

    return asyncio.run(go())


def _bare_load(csv_path: Path, database_path: Path) -> float:
    database_path.unlink(missing_ok=True)
    connection = sqlite3.connect(database_path)
    try:
        start = time.perf_counter()
        with csv_path.open(newline="", encoding="utf-8") as file:
            reader = csv.reader(file)
            header = next(reader)
            columns = ", ".join(f"c{i} TEXT" for i in range(len(header)))
            connection.execute(f"CREATE TABLE bare ({columns})")
            marks = ", ".join("?" * len(header))
            batch: list[list[str]] = []
            for row in reader:
                batch.append(row)
                if len(batch) == 1000:
                    connection.executemany(f"INSERT INTO bare VALUES ({marks})", batch)
                    connection.commit()
                    batch = []
            connection.executemany(f"INSERT INTO bare VALUES ({marks})", batch)
            connection.commit()
        return time.perf_counter() - start
    finally:
        connection.close()
        database_path.unlink(missing_ok=True)
