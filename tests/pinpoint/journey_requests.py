"""Pinpoint journey requests as the import tests write them, and the two ways a translation
ends: the Herald journey, or the refusal's text."""

from __future__ import annotations

from typing import Any

import pytest

from herald.models import Journey
from herald.pinpoint import PinpointImportError, translate

ONE_EMAIL = {"hi": {"EMAIL": {"TemplateName": "Hi"}}}


def request(activities: dict[str, Any], **top: Any) -> dict[str, Any]:
    first = next(iter(activities))
    return {"Name": "Imported", "StartActivity": first, "Activities": activities, **top}


def imported(document: dict[str, Any]) -> Journey:
    [journey] = translate("journey", document, "imported")
    assert isinstance(journey, Journey)
    return journey


def refused(document: dict[str, Any]) -> str:
    with pytest.raises(PinpointImportError) as raised:
        translate("journey", document, "imported")
    return str(raised.value)
