"""The kinds `herald pinpoint import --kind KIND` knows, and their translators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from herald.models import Definition

Translator = Callable[[Any, str], list[Definition]]


class PinpointImportError(ValueError):
    """Pinpoint JSON that cannot be translated; the message names the JSON path and why."""


# kind -> translator. Each room registers its kinds here (one line each).
TRANSLATORS: dict[str, Translator] = {}


def translate(kind: str, document: Any, name: str) -> list[Definition]:
    try:
        translator = TRANSLATORS[kind]
    except KeyError:
        allowed = ", ".join(sorted(TRANSLATORS)) or "none yet"
        raise PinpointImportError(f"--kind {kind!r} is not known; allowed: {allowed}") from None
    return translator(document, name)
