"""End to end on the Temporal dev server, the campaign half of issue 7: a STOP texted back
(Twilio's signed form POST) opts the number out, and a campaign applied afterwards sends
nothing to it. The opted-out endpoint is in the run and skipped as opted out; a record of the
same number the CRM imports afterwards is caught by the suppression list, which the STOP
filled. Both are skipped with their reason in the message log and in the campaign's status."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment
from twilio.request_validator import RequestValidator

from herald.api.app import create_app
from herald.client import HeraldClient
from herald.inbound.settings import TwoWaySettings
from herald.models import DEFINITION_ADAPTER, MessageRecord, MessageStatus
from tests.helpers import eventually
from tests.inbound.conftest import TWILIO_TOKEN
from tests.inbound.dev_herald import dev_herald
from tests.loopback_http import serve_app
from tests.workflows.engine import endpoint

pytestmark = pytest.mark.devserver
DANA, ELI, OUR_NUMBER = "+15555550181", "+15555550182", "+15555550100"
BODY = "Flash sale today. Reply STOP to opt out."
SEGMENT = {"kind": "Segment", "name": "texters", "rules": [{"type": "channel", "values": ["SMS"]}]}
CAMPAIGN = {
    "kind": "Campaign",
    "name": "flash-sale",
    "segment": "texters",
    "messages": [{"channel": "SMS", "inline": {"body": BODY}}],
}
SUPPRESSED = "address suppressed on SMS: OPTED_OUT"
OPTED_OUT = "endpoint opted out"


def twilio_post(http: httpx.Client, form: dict[str, str]) -> httpx.Response:
    """Twilio's incoming-message webhook, signed as Twilio signs it (its own validator)."""
    path = "/v1/webhooks/twilio/sms"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(f"{http.base_url}{path}", form)
    return http.post(path, data=form, headers={"X-Twilio-Signature": signature})


@pytest.fixture
async def herald(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> AsyncIterator[HeraldClient]:
    async with dev_herald(
        dev_env, tmp_path, task_queue, TwoWaySettings(twilio_auth_token=TWILIO_TOKEN)
    ) as client:
        yield client


async def _apply(herald: HeraldClient, *docs: Mapping[str, object]) -> None:
    await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])


async def _campaign_messages(herald: HeraldClient) -> dict[str, list[MessageRecord]]:
    found = {}
    for endpoint_id in ("dana", "dana-crm", "eli"):
        messages = await herald.messages(endpoint_id=endpoint_id)
        found[endpoint_id] = [m for m in messages if m.campaign == CAMPAIGN["name"]]
    return found


async def test_stop_reply_then_a_campaign_skips_the_number(herald: HeraldClient) -> None:
    sms = {"ChannelType": "SMS"}
    await _apply(herald, endpoint("dana", **sms, Address=DANA), endpoint("eli", **sms, Address=ELI))
    stop = {"MessageSid": "SM-stop-1", "From": DANA, "To": OUR_NUMBER, "Body": "Stop"}
    with serve_app(create_app(herald.settings)) as http:
        # Posted from a thread: the worker runs on this test's event loop and must keep going.
        answered = await asyncio.to_thread(twilio_post, http, stop)
    assert answered.status_code == 200 and "<Response>" in answered.text
    dana = await herald.get_endpoint("dana")
    assert dana is not None and dana.opt_out == "ALL"

    # The CRM imports the same person again under its own id, opted in as far as it knows.
    await _apply(herald, endpoint("dana-crm", **sms, Address=DANA), SEGMENT, CAMPAIGN)
    status = await eventually(
        lambda: herald.campaign_status("flash-sale"),
        lambda s: bool(s.runs) and s.runs[0].state.value == "COMPLETED",
        deadline_s=60,
        what="the campaign run to complete",
    )
    [run] = status.runs
    assert (run.members, run.sent, run.skipped, run.failed) == (3, 1, 2, 0), run
    assert run.skipped_reasons == {OPTED_OUT: 1, SUPPRESSED: 1}, run

    messages = await _campaign_messages(herald)
    assert [(m.status, m.reason) for m in messages["dana"]] == [(MessageStatus.SKIPPED, OPTED_OUT)]
    assert [(m.status, m.reason) for m in messages["dana-crm"]] == [
        (MessageStatus.SKIPPED, SUPPRESSED)
    ]
    assert [m.status for m in messages["eli"]] == [MessageStatus.SENT]
    sent = await herald.outbox(endpoint_id="eli")
    assert [m.content.body for m in sent] == [BODY]
    # Nothing of the campaign went to the number that said STOP (its one answer is the
    # keyword's confirmation).
    to_dana = [m for m in await herald.outbox() if m.address == DANA]
    assert [m.content.body for m in to_dana] == [herald.settings.two_way.keywords.opt_out_text]
