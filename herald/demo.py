"""The demo: apply the example definitions and enter the example participants."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from herald.client import HeraldClient
from herald.definitions import load_files
from herald.models import EndpointDefinition, Journey, SendStep


async def load_demo(client: HeraldClient, journeys: Path, console: Console) -> None:
    """Apply every definition under `journeys`, then enter each example endpoint into each
    direct-entry journey whose first send step uses the endpoint's channel (event- and
    segment-entry journeys admit their participants themselves)."""
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
        channel = _first_channel(journey)
        for endpoint in endpoints:
            if channel is None or endpoint.channel_type.family.value != channel:
                continue
            entered = await client.enter(journey.name, endpoint.id)
            verb = f"did not enter ({entered.refused})" if entered.refused else "entered"
            console.print(f"  {endpoint.id} {verb} {journey.name}")


def _first_channel(journey: Journey) -> str | None:
    step_id: str | None = journey.start
    while step_id is not None:
        step = journey.steps[step_id]
        if isinstance(step, SendStep):
            return step.channel.value
        step_id = getattr(step, "next", None)
    return None
