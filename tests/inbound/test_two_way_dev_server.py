"""End to end on the Temporal dev server: a journey asks by SMS, a signed webhook answers
YES and the journey takes the YES branch; then STOP opts the endpoint out and the journey's
later send is skipped with the reason recorded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from herald.api.app import create_app
from herald.client import HeraldClient
from herald.inbound.settings import TwoWaySettings
from herald.models import (
    DEFINITION_ADAPTER,
    JourneyResult,
    MessageRecord,
    MessageStatus,
    journey_workflow_id,
)
from tests.helpers import eventually
from tests.inbound.conftest import WEBHOOK_SECRET, signed_post
from tests.inbound.dev_herald import dev_herald
from tests.loopback_http import serve_app
from tests.workflows.engine import endpoint, journey, template

pytestmark = pytest.mark.devserver
NUMBER = "+15555550177"
STEPS = {
    "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
    "answer": {
        "type": "wait_for_reply",
        "after_step": "ask",
        "branches": [{"keywords": ["YES"], "next": "glad"}],
        "on_other_reply": "done",
        "timeout": "P1D",
        "on_timeout": "done",
    },
    "glad": {"type": "send", "channel": "SMS", "template": "glad", "next": "pause"},
    "pause": {"type": "wait", "duration": "PT3S", "next": "later"},
    "later": {"type": "send", "channel": "SMS", "template": "later", "next": "done"},
    "done": {"type": "exit"},
}


@pytest.fixture
async def herald(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> AsyncIterator[HeraldClient]:
    async with dev_herald(
        dev_env, tmp_path, task_queue, TwoWaySettings(webhook_secret=WEBHOOK_SECRET)
    ) as client:
        yield client


async def test_yes_takes_its_branch_and_stop_skips_the_later_send(herald: HeraldClient) -> None:
    docs = [
        endpoint("dana", ChannelType="SMS", Address=NUMBER),
        template("ask", "SMS"),
        template("glad", "SMS"),
        template("later", "SMS"),
        journey("two-way", "ask", STEPS),
    ]
    await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])
    await herald.enter("two-way", "dana")
    await eventually(lambda: herald.messages(journey="two-way"), lambda m: len(m) == 1)

    with serve_app(create_app(herald.settings)) as http:
        # Posted from a thread: the worker runs on this test's event loop and must keep going.
        yes = await asyncio.to_thread(
            signed_post, http, {"id": "r1", "channel": "SMS", "from": NUMBER, "text": "yes!"}
        )
        assert (yes.status_code, yes.json()["outcome"]) == (200, "ROUTED")
        await eventually(
            lambda: herald.messages(journey="two-way"), lambda m: _steps(m)[-1:] == ["glad"]
        )
        stop = await asyncio.to_thread(
            signed_post, http, {"id": "r2", "channel": "SMS", "from": NUMBER, "text": "STOP"}
        )
        assert stop.json()["outcome"] == "OPTED_OUT"

    handle = (await herald.temporal()).get_workflow_handle(
        journey_workflow_id("two-way", "dana"), result_type=JourneyResult
    )
    result = await handle.result()
    assert [v.step_id for v in result.visits] == ["ask", "answer", "glad", "pause", "later", "done"]
    later = [m for m in await herald.messages(journey="two-way") if m.step_id == "later"]
    assert [(m.status, m.reason) for m in later] == [(MessageStatus.SKIPPED, "endpoint opted out")]
    replies = [e.event_type for e in await herald.events("dana") if e.event_type.startswith("_SMS")]
    assert "_SMS.RECEIVED" in replies and "_SMS.OPTOUT" in replies


def _steps(messages: list[MessageRecord]) -> list[str | None]:
    return [m.step_id for m in messages]
