"""Pinpoint's UpdateEndpoint: what the request gives changes, what it leaves out is kept.

An app's SDK syncs the few attributes it knows about; a partial update that replaced the
whole endpoint wiped the others, its location and metrics, and set OptOut back to NONE,
re-subscribing a person who had opted out.
"""

from __future__ import annotations

from typing import Any

from herald.models import Endpoint

# Maps merged key by key: an attribute or metric the request names is replaced, the others kept.
_MAPS = ("Attributes", "Metrics")
# Objects merged field by field.
_OBJECTS = ("Demographic", "Location")


def updated(stored: Endpoint | None, given: dict[str, Any]) -> dict[str, Any]:
    """The endpoint document after the update. `given` holds, in Pinpoint's field names, only
    the fields the request set (`model_dump(by_alias=True, exclude_unset=True)`)."""
    if stored is None:
        return given
    document = stored.model_dump(by_alias=True, mode="json", exclude_none=True)
    for key, value in given.items():
        if key in _MAPS or key in _OBJECTS:
            document[key] = {**(document.get(key) or {}), **(value or {})}
        elif key == "User":
            document[key] = _user(document.get(key), value)
        else:
            document[key] = value
    return document


def _user(stored: dict[str, Any] | None, given: dict[str, Any] | None) -> dict[str, Any] | None:
    """The same user gains the attributes given; another user (or none) replaces it whole."""
    if not stored or not given or given.get("UserId", stored.get("UserId")) != stored["UserId"]:
        return given
    attributes = {**(stored.get("UserAttributes") or {}), **(given.get("UserAttributes") or {})}
    return {**stored, **given, "UserAttributes": attributes}
