"""Options of the audience commands that collect several values per key."""

from __future__ import annotations

from herald.cli.common import key_values


def parse_pairs(option: str, pairs: list[str]) -> dict[str, list[str]]:
    """KEY=VALUE options, a repeated key collecting several values."""
    found: dict[str, list[str]] = {}
    for key, value in key_values(option, pairs):
        found.setdefault(key, []).append(value)
    return found
