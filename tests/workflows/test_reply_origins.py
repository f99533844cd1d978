"""Replies reach the journeys that texted from the number they were sent to, and only those;
when either number is unknown, every waiting journey of the sender takes the reply."""

from __future__ import annotations

from typing import Any

import pytest

from herald.inbound.models import InboundMessage, InboundOutcome, InboundResult
from herald.journeys.reply_origin import comparable
from tests.workflows.engine import Engine, endpoint, journey

PAT = "+15555550140"
NUMBER_A, NUMBER_B = "+15555550101", "+15555550102"
WAITING = {"outcome": "timed out"}


def asking(name: str, origination_number: str | None) -> dict[str, Any]:
    """An SMS template, sent from `origination_number` (None: the provider's default)."""
    doc = {"kind": "Template", "name": name, "channel": "SMS", "body": "Coming? Y/N"}
    return doc | ({"origination_number": origination_number} if origination_number else {})


def survey(name: str, template: str) -> dict[str, Any]:
    return journey(
        name,
        "ask",
        {
            "ask": {"type": "send", "channel": "SMS", "template": template, "next": "answer"},
            "answer": {
                "type": "wait_for_reply",
                "after_step": "ask",
                "branches": [{"keywords": ["Y"], "next": "yes"}],
                "on_other_reply": "other",
                "timeout": "P2D",
                "on_timeout": "other",
            },
            "yes": {"type": "exit"},
            "other": {"type": "exit"},
        },
    )


async def _waiting_in(engine: Engine, *journeys: str) -> None:
    for name in journeys:
        await engine.herald.enter(name, "pat")
    for name in journeys:
        await engine.waiting(name, "pat", on="answer")


async def _reply(engine: Engine, n: int, to: str | None) -> InboundResult:
    return await engine.herald.receive(
        InboundMessage(
            provider="twilio",
            provider_message_id=f"SM-{n}",
            channel="SMS",
            from_address=PAT,
            to_address=to,
            text="Y",
        )
    )


async def test_a_reply_reaches_only_the_journey_that_texted_from_its_number(
    engine: Engine,
) -> None:
    await engine.apply(
        endpoint("pat", ChannelType="SMS", Address=PAT),
        # Written as people write it: compared in E.164 with the number the reply came to.
        asking("from-a", "+1 (555) 555-0101"),
        asking("from-b", NUMBER_B),
        survey("rsvp-a", "from-a"),
        survey("rsvp-b", "from-b"),
    )
    await _waiting_in(engine, "rsvp-a", "rsvp-b")
    logged = await engine.herald.messages(endpoint_id="pat")
    assert sorted((m.journey, m.origin) for m in logged) == [
        ("rsvp-a", "+1 (555) 555-0101"),
        ("rsvp-b", NUMBER_B),
    ]

    to_b = await _reply(engine, 1, NUMBER_B)
    assert (to_b.outcome, to_b.routed_to) == (InboundOutcome.ROUTED, 1)
    assert engine.path(await engine.finish("rsvp-b", "pat")) == ["ask", "answer", "yes"]
    still = await engine.state("rsvp-a", "pat")
    assert still is not None and (still.current_step, still.waiting_for) == ("answer", "reply")

    to_a = await _reply(engine, 2, NUMBER_A)
    assert (to_a.outcome, to_a.routed_to) == (InboundOutcome.ROUTED, 1)
    assert engine.path(await engine.finish("rsvp-a", "pat")) == ["ask", "answer", "yes"]


async def test_a_reply_to_a_number_no_journey_texted_from_is_stored_not_routed(
    engine: Engine,
) -> None:
    await engine.apply(
        endpoint("pat", ChannelType="SMS", Address=PAT),
        asking("from-a", NUMBER_A),
        survey("rsvp-lone", "from-a"),
    )
    await _waiting_in(engine, "rsvp-lone")

    stranger = await _reply(engine, 1, "+15555550199")
    assert (stranger.outcome, stranger.routed_to) == (InboundOutcome.STORED, 0)
    state = await engine.state("rsvp-lone", "pat")
    assert state is not None and state.current_step == "answer"


async def test_an_unknown_origin_or_destination_takes_the_reply_by_address(
    engine: Engine,
) -> None:
    await engine.apply(
        endpoint("pat", ChannelType="SMS", Address=PAT),
        asking("from-a", NUMBER_A),
        asking("from-default", None),  # the outbox sends it from no number it knows
        survey("rsvp-mixed", "from-a"),
        survey("rsvp-default", "from-default"),
    )
    await _waiting_in(engine, "rsvp-mixed", "rsvp-default")
    logged = {m.journey: m.origin for m in await engine.herald.messages(endpoint_id="pat")}
    assert logged == {"rsvp-mixed": NUMBER_A, "rsvp-default": None}

    # Sent to B: rsvp-mixed texted from A and does not take it; rsvp-default's origin is unknown.
    to_b = await _reply(engine, 1, NUMBER_B)
    assert to_b.routed_to == 1
    assert engine.path(await engine.finish("rsvp-default", "pat")) == ["ask", "answer", "yes"]

    # The provider did not say where the reply went: the sender's address decides, as before.
    nowhere = await _reply(engine, 2, None)
    assert nowhere.routed_to == 1
    assert engine.path(await engine.finish("rsvp-mixed", "pat")) == ["ask", "answer", "yes"]


@pytest.mark.parametrize(
    ("channel", "origin", "to"),
    [
        ("SMS", "+1 (555) 555-0101", "+15555550101"),
        ("SMS", "+15555550101", "15555550101"),  # a provider that drops the +
        ("SMS", "12345", "12345"),  # a short code
        ("EMAIL", "Help Desk <Help@Example.COM>", "help@example.com"),
    ],
)
def test_origins_compare_as_e164_numbers_and_case_folded_addresses(
    channel: str, origin: str, to: str
) -> None:
    assert comparable(channel, origin) == comparable(channel, to) is not None


@pytest.mark.parametrize(
    ("channel", "origin"),
    [
        ("SMS", "HERALD"),
        ("SMS", "pool-0123456789abcdef"),
        ("EMAIL", "not an address"),
        ("SMS", None),
    ],
)
def test_sender_ids_pools_and_nothing_are_unknown(channel: str, origin: str | None) -> None:
    assert comparable(channel, origin) is None
