"""Limits on attribute and metric names and values, so every one can be stored and indexed.

Pinpoint allows 50-character names and 100-character values; Herald allows twice and three
times that. Data read back from the store skips these checks (validation context
`{"stored": True}`), so a limit that tightens later never makes stored endpoints unreadable.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

MAX_NAME = 100
MAX_VALUE = 300


def _stored(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get("stored"))


def _check_name(name: str) -> None:
    if not name or len(name) > MAX_NAME or "\x00" in name:
        raise ValueError(f"attribute name {name[:40]!r}: use 1 to {MAX_NAME} characters, no NUL")


def _check_attributes(
    attributes: dict[str, list[str]], info: ValidationInfo
) -> dict[str, list[str]]:
    if _stored(info):
        return attributes
    for name, values in attributes.items():
        _check_name(name)
        for value in values:
            if len(value) > MAX_VALUE or "\x00" in value:
                raise ValueError(
                    f"{name}: value {value[:40]!r}... is longer than {MAX_VALUE} characters"
                    if len(value) > MAX_VALUE
                    else f"{name}: value {value!r} contains a NUL character"
                )
    return attributes


def _check_metrics(metrics: dict[str, float], info: ValidationInfo) -> dict[str, float]:
    if _stored(info):
        return metrics
    for name, value in metrics.items():
        _check_name(name)
        if not math.isfinite(value):
            raise ValueError(f"{name}: {value} is not a finite number")
    return metrics


AttributeMap = Annotated[dict[str, list[str]], AfterValidator(_check_attributes)]
MetricMap = Annotated[dict[str, float], AfterValidator(_check_metrics)]
