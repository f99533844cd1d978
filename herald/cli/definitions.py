"""`herald apply`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from herald.cli.common import JsonFlag, err, labelled, out, print_json, run


def apply(
    files: Annotated[list[Path], typer.Argument(help="YAML/JSON files or directories.")],
    as_json: JsonFlag = False,
) -> None:
    """Validate definition files, then apply them all (or, on any problem, none)."""
    results = run(lambda c: c.apply_files(files))
    if not results:
        _nothing_in(files)
    if as_json:
        print_json([r.model_dump() for r in results])
        return
    for result in results:
        out.print(result.describe(), highlight=False)


def _nothing_in(files: list[Path]) -> None:
    """Warn that `files` held no definitions (empty, or comments only): not an error, but
    an apply that silently did nothing looks like one that did what was asked."""
    named = ", ".join(str(f) for f in files)
    warning = labelled("warning:", f"no definitions found in {named}", "yellow")
    err.print(warning, highlight=False, soft_wrap=True)
