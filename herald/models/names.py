"""Constraints shared by resource names, so a name is safe in a workflow id and a URL."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,99}$"

ResourceName = Annotated[
    str,
    Field(
        pattern=NAME_PATTERN,
        description="lower-case letters, digits, '-', '_' and '.', starting with a letter or digit",
    ),
]
