"""Twilio webhooks, signed by the `twilio` package's own RequestValidator."""

from __future__ import annotations

from typing import Any

from twilio.request_validator import RequestValidator

from herald.inbound.settings import NumberKeywords
from herald.models import Endpoint, MessageChannel, MessageStatus
from herald.store.messages import claim_message, finish_message
from herald.store.suppressions import find_suppression
from tests.inbound.conftest import TWILIO_TOKEN, TwoWay, call, sms_endpoint

ANN = "+15555550101"
OUR_NUMBER = "+15555550000"
STATUS = "/v1/webhooks/twilio/status"


def post(two_way: TwoWay, path: str, form: dict[str, str], signature: str | None = None) -> Any:
    url = f"{two_way.http.base_url}{path}".replace("//v1", "/v1")
    signed = signature or RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    return two_way.http.post(path, data=form, headers={"X-Twilio-Signature": signed})


def sms(sid: str, body: str, sender: str = ANN) -> dict[str, str]:
    return {"MessageSid": sid, "From": sender, "To": OUR_NUMBER, "Body": body, "AccountSid": "AC1"}


def test_stop_opts_out_answers_once_and_start_opts_back_in(two_way: TwoWay) -> None:
    settings = two_way.settings
    call(settings, lambda h: h.upsert_endpoints([sms_endpoint("ann-sms", ANN)]))

    first = post(two_way, "/v1/webhooks/twilio/sms", sms("SM1", "stop"))
    retried = post(two_way, "/v1/webhooks/twilio/sms", sms("SM1", "stop"))  # Twilio retries

    assert (first.status_code, retried.status_code) == (200, 200)
    assert "<Response>" in first.text
    ann = call(settings, lambda h: h.get_endpoint("ann-sms"))
    assert ann is not None and ann.opt_out == "ALL"
    answers = call(settings, lambda h: h.outbox(endpoint_id="ann-sms"))
    assert [(m.address, m.content.body) for m in answers] == [
        (ANN, settings.two_way.keywords.opt_out_text)
    ]
    assert answers[0].content.sms is not None
    assert answers[0].content.sms.origination_number == OUR_NUMBER
    assert [e.event_type for e in call(settings, lambda h: h.events("ann-sms"))] == ["_SMS.OPTOUT"]
    assert [(r.outcome, r.keyword) for r in call(settings, lambda h: h.inbound())] == [
        ("OPTED_OUT", "STOP")
    ]

    assert post(two_way, "/v1/webhooks/twilio/sms", sms("SM2", "START")).status_code == 200
    ann = call(settings, lambda h: h.get_endpoint("ann-sms"))
    assert ann is not None and ann.opt_out == "NONE"
    assert call(settings, lambda h: _suppressed(h, ANN)) is None


async def _suppressed(herald: Any, number: str) -> Any:
    async with herald.database.session() as session:
        return await find_suppression(session, MessageChannel.SMS, number)


def test_help_answers_with_the_numbers_own_text(two_way: TwoWay) -> None:
    settings = two_way.settings
    # The served app reads these settings: a number of our own with its own HELP text.
    settings.two_way.numbers[OUR_NUMBER] = NumberKeywords(help_text="Acme alerts. Reply STOP.")
    assert post(two_way, "/v1/webhooks/twilio/sms", sms("SM3", "Help")).status_code == 200
    [answer] = call(settings, lambda h: h.outbox())
    assert answer.content.body == "Acme alerts. Reply STOP."


def test_forged_unsigned_oversized_and_malformed_requests_record_nothing(two_way: TwoWay) -> None:
    path = "/v1/webhooks/twilio/sms"
    forged = post(two_way, path, sms("SM4", "STOP"), signature="bm90IGEgc2lnbmF0dXJl")
    unsigned = two_way.http.post(path, data=sms("SM4", "STOP"))
    huge = post(two_way, path, sms("SM5", "x" * 20_000))
    malformed = post(two_way, path, {"From": ANN, "Body": "hi"})

    assert (forged.status_code, unsigned.status_code, huge.status_code) == (401, 401, 413)
    assert malformed.status_code == 422
    assert "MessageSid" in malformed.text
    assert call(two_way.settings, lambda h: h.inbound()) == []
    assert two_way.http.get("/health").status_code == 200


def test_status_callbacks_become_events_once_and_unsubscribed_suppresses(two_way: TwoWay) -> None:
    settings = two_way.settings
    call(settings, lambda h: h.upsert_endpoints([sms_endpoint("ann-sms", ANN)]))
    call(settings, lambda h: _sent(h, "key-1"))
    call(settings, lambda h: _sent(h, "key-2"))
    delivered = {"MessageSid": "SMa", "MessageStatus": "delivered"}
    failed = {"MessageSid": "SMb", "MessageStatus": "undelivered", "ErrorCode": "21610"}

    for _ in range(2):  # Twilio retries a callback it got no answer to
        assert post(two_way, "/v1/webhooks/twilio/status?herald_key=key-1", delivered).is_success
    assert post(two_way, "/v1/webhooks/twilio/status?herald_key=key-2", failed).is_success
    sent = {"MessageSid": "SMc", "MessageStatus": "sent"}
    assert post(two_way, "/v1/webhooks/twilio/status?herald_key=key-1", sent).is_success

    events = call(settings, lambda h: h.events("ann-sms"))
    assert [e.event_type for e in events] == ["_SMS.SUCCESS", "_SMS.FAILURE"]
    suppressed = call(settings, lambda h: _suppressed(h, ANN))
    assert suppressed is not None and suppressed.reason == "OPTED_OUT"


def test_a_reply_names_the_last_message_sent_to_the_endpoint_on_its_channel(
    two_way: TwoWay,
) -> None:
    settings = two_way.settings
    call(settings, lambda h: h.upsert_endpoints([sms_endpoint("ann-sms", ANN)]))
    call(settings, lambda h: _sent(h, "older", sent_as="SM-older"))
    call(settings, lambda h: _sent(h, "question", sent_as="SM-question"))
    call(settings, lambda h: _sent(h, "not-yet-sent"))  # still PENDING: not what she answers

    assert post(two_way, "/v1/webhooks/twilio/sms", sms("SMr", "sounds good")).is_success

    [reply] = call(settings, lambda h: h.events("ann-sms"))
    assert reply.event_type == "_SMS.RECEIVED"
    assert (reply.attributes["message_key"], reply.attributes["message_id"]) == (
        "question",
        "SM-question",
    )


def call_status(sid: str, status: str) -> dict[str, str]:
    """A voice call's status callback: CallSid and CallStatus, no MessageSid."""
    return {
        "AccountSid": "AC1",
        "CallSid": sid,
        "CallStatus": status,
        "To": ANN,
        "From": OUR_NUMBER,
    }


def test_voice_call_status_callbacks_become_voice_receipts(two_way: TwoWay) -> None:
    # The voice provider gives Twilio's Calls API the same status URL; a call's callback
    # was refused (422 `MessageSid is missing`), so no call outcome ever reached Herald.
    settings = two_way.settings
    voice = Endpoint.model_validate({"Id": "ann-voice", "ChannelType": "VOICE", "Address": ANN})
    call(settings, lambda h: h.upsert_endpoints([voice]))
    call(settings, _calls_placed)

    ringing = post(two_way, f"{STATUS}?herald_key=call-1", call_status("CA1", "ringing"))
    assert ringing.status_code == 200
    assert call(settings, lambda h: h.events("ann-voice")) == []  # nothing final yet
    # Found by the key on the URL, or else by the CallSid the provider logged for the call.
    assert post(two_way, f"{STATUS}?herald_key=call-1", call_status("CA1", "completed")).is_success
    assert post(two_way, STATUS, call_status("CA2", "busy")).is_success
    assert post(two_way, STATUS, call_status("CA3", "no-answer")).is_success

    events = call(settings, lambda h: h.events("ann-voice"))
    assert sorted((e.event_type, e.attributes["message_id"]) for e in events) == [
        ("_voice.delivered", "CA1"),
        ("_voice.failure", "CA2"),
        ("_voice.failure", "CA3"),
    ]


async def _calls_placed(herald: Any) -> None:
    """Three calls the Twilio voice provider placed: its message log keeps each CallSid."""
    for key, sid in (("call-1", "CA1"), ("call-2", "CA2"), ("call-3", "CA3")):
        await _sent(herald, key, sid, MessageChannel.VOICE, "ann-voice")


async def _sent(
    herald: Any,
    key: str,
    sent_as: str | None = None,
    channel: MessageChannel = MessageChannel.SMS,
    endpoint_id: str = "ann-sms",
) -> None:
    async with herald.database.session() as session:
        await claim_message(session, idempotency_key=key, channel=channel, endpoint_id=endpoint_id)
        if sent_as is not None:
            await finish_message(
                session, key, MessageStatus.SENT, provider="twilio", provider_message_id=sent_as
            )
