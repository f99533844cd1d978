"""The audience benchmarks end to end: generate a Pinpoint CSV and a year of events, import
the CSV into SQLite (timed), load the events, copy everything to PostgreSQL, then count and
page five segments on both databases (timed against hand-written SQL)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import audience_postgres, endpoint_import, segments
from bench.audience_data import load_events_sqlite, write_endpoint_csv
from bench.timing import Result


def run(endpoints: int, events: int, repeats: int) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="herald-bench-") as directory:
        folder = Path(directory)
        csv_path, sqlite_path = folder / "endpoints.csv", folder / "herald.db"
        _step(f"writing {endpoints:,} endpoints as CSV", write_endpoint_csv, csv_path, endpoints)
        results = [endpoint_import.run(csv_path, sqlite_path, endpoints)]
        _step(f"loading {events:,} events", load_events_sqlite, sqlite_path, events, endpoints)
        results += segments.run(f"sqlite:///{sqlite_path}", "SQLite", repeats)
        if not audience_postgres.available():
            print(f"  PostgreSQL at {audience_postgres.ADMIN_URL} not reachable: skipped")
            return results
        with audience_postgres.fresh_schema() as url:
            _step("copying to PostgreSQL", audience_postgres.copy_from_sqlite, sqlite_path, url)
            results += segments.run(url, "PostgreSQL", repeats)
    return results


def _step(what: str, work: Callable[..., object], *args: object) -> None:
    start = time.perf_counter()
    print(f"  {what} ...", end="", flush=True)
    work(*args)
    print(f" {time.perf_counter() - start:.1f}s", flush=True)
