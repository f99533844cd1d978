"""`herald apply`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from herald.cli.common import JsonFlag, out, print_json, run


def apply(
    files: Annotated[list[Path], typer.Argument(help="YAML/JSON files or directories.")],
    as_json: JsonFlag = False,
) -> None:
    """Validate definition files, then apply them all (or, on any problem, none)."""
    results = run(lambda c: c.apply_files(files))
    if as_json:
        print_json([r.model_dump() for r in results])
        return
    for result in results:
        out.print(result.describe(), highlight=False)
