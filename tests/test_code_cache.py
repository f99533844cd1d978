"""The worker's cache of compiled workflow modules: compiled once, compiled again when edited."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker import code_cache

PACKAGE = "herald_code_cache_probe"


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "steps.py").write_text("def answer() -> int:\n    return 1\n")
    sys.path.insert(0, str(tmp_path))
    code_cache.install(PACKAGE)
    try:
        yield folder
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def _fresh_import() -> object:
    """What the sandbox does for each workflow run: import the module anew."""
    sys.modules.pop(f"{PACKAGE}.steps", None)
    return importlib.import_module(f"{PACKAGE}.steps")


def test_a_module_imported_again_reuses_its_compiled_code(package: Path) -> None:
    first, second = _fresh_import(), _fresh_import()
    assert first is not second
    assert first.answer.__code__ is second.answer.__code__  # type: ignore[attr-defined]


def test_an_edited_module_is_compiled_again(package: Path) -> None:
    assert _fresh_import().answer() == 1  # type: ignore[attr-defined]
    (package / "steps.py").write_text("def answer() -> int:\n    return 22\n")
    assert _fresh_import().answer() == 22  # type: ignore[attr-defined]
