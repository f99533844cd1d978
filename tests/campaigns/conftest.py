"""Fixtures of the campaign tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.store import Database


@pytest.fixture
def cli(sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """`herald` in process, on the engine's database."""
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HERALD_DATABASE_URL", sqlite_database.url)
    return CliRunner()
