"""Shared test helpers: waiting on conditions (never sleeping), sample definitions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, Definition, JourneyState

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    *,
    deadline_s: float = 20.0,
    what: str = "condition",
    interval_s: float = 0.05,
) -> T:
    """Poll `probe` until `until(value)` holds; fail with the last value at the deadline."""
    deadline = time.monotonic() + deadline_s
    while True:
        value = await probe()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {deadline_s}s; last: {value!r}")
        await asyncio.sleep(interval_s)


def definitions(
    wait: str = "P3D",
    journey: str = "onboarding",
    until: str | None = None,
    quiet_time: dict[str, str] | None = None,
) -> list[Definition]:
    """Ann, a template and a send-wait-send journey; `until` waits until that time instead
    of for `wait`; `quiet_time`, the journey's."""
    nap = {"until": until} if until else {"duration": wait}
    settings = {"settings": {"quiet_time": quiet_time}} if quiet_time else {}
    docs = [
        {
            "kind": "Endpoint",
            "Id": "ann",
            "ChannelType": "EMAIL",
            "Address": "ann@example.com",
            "User": {"UserId": "u-ann", "UserAttributes": {"FirstName": ["Ann"]}},
            "Attributes": {"Plan": ["pro"]},
        },
        {
            "kind": "Template",
            "name": "hello",
            "channel": "EMAIL",
            "subject": "Hello {{ User.UserAttributes.FirstName }}",
            "text": "Plan: {{ Attributes.Plan }}. {{ extra }}",
            "default_substitutions": {"extra": "Welcome!"},
        },
        {
            "kind": "Journey",
            "name": journey,
            "start": "first",
            "steps": {
                "first": {"type": "send", "template": "hello", "next": "nap"},
                "nap": {"type": "wait", **nap, "next": "second"},
                "second": {
                    "type": "send",
                    "template": "hello",
                    "substitutions": {"extra": "Still here?"},
                    "next": "bye",
                },
                "bye": {"type": "exit"},
            },
            **settings,
        },
    ]
    return [DEFINITION_ADAPTER.validate_python(d) for d in docs]


async def until_waiting(herald: HeraldClient, journey: str, endpoint_id: str) -> JourneyState:
    """Wait until the participant sits on a durable timer (so skipped time reaches it)."""

    async def state() -> JourneyState | None:
        return await herald.journey_state(journey, endpoint_id)

    found = await eventually(
        state, lambda s: s is not None and s.waiting_until is not None, what="a waiting timer"
    )
    assert found is not None
    return found
