"""The demo: apply the example definitions and enter the example participants."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from herald.client import HeraldClient
from herald.definitions import load_files
from herald.models import EndpointDefinition, Journey, SendStep


async def load_demo(client: HeraldClient, journeys: Path, console: Console) -> None:
    """Apply every definition under `journeys`, then enter each example endpoint (or, in a
    journey of users, each example user) into each direct-entry journey whose first send step
    uses its channel (event- and segment-entry journeys admit their participants themselves)."""
    definitions = load_files([journeys])
    for result in await client.apply(definitions):
        console.print(f"  {result.describe()}")
    endpoints = [d for d in definitions if isinstance(d, EndpointDefinition)]
    for journey in (d for d in definitions if isinstance(d, Journey)):
        entry = journey.settings.entry
        if entry.event:
            console.print(f"  {journey.name} enters on `{entry.event.event_type}` events")
            continue
        if entry.segment:
            continue
        for participant in _participants(journey, endpoints):
            if entry.participant == "user":
                entered = await client.enter(journey.name, user_id=participant)
            else:
                entered = await client.enter(journey.name, participant)
            verb = f"did not enter ({entered.refused})" if entered.refused else "entered"
            console.print(f"  {participant} {verb} {journey.name}")


def _participants(journey: Journey, endpoints: list[EndpointDefinition]) -> list[str]:
    """The endpoints on the journey's first channel, or in a journey of users, the users who
    have an endpoint on it (each once)."""
    channel = _first_channel(journey)
    reachable = [e for e in endpoints if e.channel_type.family.value == channel]
    if journey.settings.entry.participant == "user":
        return list(dict.fromkeys(e.user_id for e in reachable if e.user_id))
    return [e.id for e in reachable]


def _first_channel(journey: Journey) -> str | None:
    step_id: str | None = journey.start
    while step_id is not None:
        step = journey.steps[step_id]
        if isinstance(step, SendStep):
            return step.channel.value
        step_id = getattr(step, "next", None)
    return None
