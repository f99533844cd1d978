"""A journey and a campaign that ran end to end, with some engagement and conversions, for
the dashboard and end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass

from herald.models import Event
from tests.campaigns.harness import SEGMENT, TEMPLATE, campaign, finished, unique
from tests.workflows.engine import Engine, endpoint, journey, template

PEOPLE = ("ann", "bob", "cy", "dee", "eve", "fay")
STEPS = {
    "welcome": {"type": "send", "channel": "EMAIL", "template": "hi", "next": "done"},
    "done": {"type": "exit"},
}


@dataclass(frozen=True)
class Ran:
    journey: str
    campaign: str


async def run_journey_and_campaign(engine: Engine) -> Ran:
    """Six people: each goes through a journey of one email; the campaign splits them into
    treatments `default` and `b` and a holdout. Some open and click; some buy."""
    ran = Ran(journey=unique("welcome"), campaign=unique("spring"))
    await engine.apply(template("hi"), *(endpoint(p) for p in PEOPLE))
    await engine.apply(journey(ran.journey, "welcome", STEPS))
    for person in PEOPLE:
        await engine.herald.enter(ran.journey, person)
    for person in PEOPLE:
        await engine.finish(ran.journey, person)
    b_message = {"channel": "EMAIL", "inline": {"subject": "B for {{ Id }}", "text": "b"}}
    b = {"name": "b", "size_percent": 40, "messages": [b_message]}
    await engine.apply(
        SEGMENT, TEMPLATE, campaign(ran.campaign, holdout_percent=30, treatments=[b])
    )
    await finished(engine, ran.campaign)
    await _engage(engine, ran)
    return ran


async def _engage(engine: Engine, ran: Ran) -> None:
    sent = {m.endpoint_id: m for m in await engine.herald.messages(journey=ran.journey)}
    for person, kinds in {"ann": ("delivered", "open", "click"), "bob": ("open",)}.items():
        for kind in kinds:
            key = sent[person].idempotency_key
            opened = Event(
                endpoint_id=person, event_type=f"_email.{kind}", attributes={"message_key": key}
            )
            await engine.herald.put_event(opened, route=False)
    campaign_sends = [
        e
        for e in await engine.herald.events(event_type="_email.send")
        if e.attributes.get("campaign_id") == ran.campaign
    ]
    for send in campaign_sends[:2]:
        message_id = send.attributes["message_id"]
        opened = Event(
            endpoint_id=send.endpoint_id,
            event_type="_email.open",
            attributes={"message_id": message_id},
        )
        await engine.herald.put_event(opened, route=False)
    for person in PEOPLE[::2]:  # every other person buys, members of any treatment or not
        await engine.herald.put_event(Event(endpoint_id=person, event_type="purchase"), route=False)
