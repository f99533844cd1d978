"""Shared pieces of the `herald` commands: running a client call, printing, errors."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from herald.audience import FileFormatError
from herald.campaigns.errors import CampaignError
from herald.client import HeraldClient, NotFoundError
from herald.definitions import DefinitionError
from herald.journeys.entry import EntryError
from herald.journeys.lifecycle import LifecycleError
from herald.metrics import MetricsNotFound
from herald.segments import SegmentError
from herald.settings import Settings
from herald.settings_errors import BadSettings, load_settings
from herald.store import DatabaseUnavailable
from herald.temporal import TemporalUnavailable

# No markup: what these print holds user text (names, reasons, a reply pattern such as
# `([/a-z]+`), which rich would read as tags, dropping it or failing on it. Colour goes
# through `style` and `labelled`.
out = Console(markup=False)
err = Console(stderr=True, markup=False)
T = TypeVar("T")
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def run(work: Callable[[HeraldClient], Awaitable[T]]) -> T:
    """Run one client call; user errors exit 2 with the message, never a traceback."""
    settings = checked_settings()

    async def go() -> T:
        async with await HeraldClient.connect(settings) as client:
            return await work(client)

    try:
        return asyncio.run(go())
    except DefinitionError as exc:
        for problem in exc.problems:
            err.print(labelled("error:", problem), highlight=False, soft_wrap=True)
        err.print("nothing was applied", highlight=False)
        raise typer.Exit(2) from None
    except (
        NotFoundError,
        LifecycleError,
        EntryError,
        FileFormatError,
        SegmentError,
        MetricsNotFound,
        TemporalUnavailable,
        DatabaseUnavailable,
        CampaignError,
    ) as exc:
        fail(str(exc))


def checked_settings() -> Settings:
    """The command's settings; bad ones exit 2, one line per variable, never a traceback."""
    try:
        return load_settings()
    except BadSettings as exc:
        for problem in exc.problems:
            err.print(labelled("error:", problem), highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def fail(message: str) -> NoReturn:
    """Print a user error and exit 2."""
    err.print(labelled("error:", message), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def labelled(label: str, message: str, style: str = "red") -> Text:
    """`label` in `style`, then `message` as written."""
    return Text.assemble((label, style), " ", message)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def key_values(option: str, pairs: list[str], expected: str = "KEY=VALUE") -> list[tuple[str, str]]:
    """Repeated `--option KEY=VALUE` arguments as pairs; a malformed one exits 2."""
    found = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"{option} {pair!r}: expected {expected}")
        found.append((key, value))
    return found
