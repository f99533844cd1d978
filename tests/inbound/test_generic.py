"""The generic inbound webhook: JSON replies signed with the shared secret."""

from __future__ import annotations

from tests.inbound.conftest import TwoWay, call, signed_post, sms_endpoint

NUMBER = "+15555550123"


def sms_reply(message_id: str, sender: str, **more: str) -> dict[str, str]:
    return {"id": message_id, "channel": "SMS", "from": sender, "text": "hello", **more}


def test_received_at_without_an_offset_is_refused_naming_it(two_way: TwoWay) -> None:
    call(two_way.settings, lambda h: h.upsert_endpoints([sms_endpoint("ann-sms", NUMBER)]))
    naive = sms_reply("r1", NUMBER, received_at="2026-01-02T09:00:00")
    refused = signed_post(two_way.http, naive)
    assert refused.status_code == 422, refused.text
    assert "received_at" in refused.text and "timezone" in refused.text
    assert call(two_way.settings, lambda h: h.inbound()) == []

    aware = sms_reply("r1", NUMBER, received_at="2026-01-02T09:00:00+01:00")
    assert signed_post(two_way.http, aware).status_code == 200


def test_sms_reply_from_a_formatted_number_reaches_its_endpoint(two_way: TwoWay) -> None:
    call(two_way.settings, lambda h: h.upsert_endpoints([sms_endpoint("ann-sms", NUMBER)]))
    answered = signed_post(two_way.http, sms_reply("r2", "+1 555-555-0123"))
    assert answered.status_code == 200, answered.text
    assert answered.json()["endpoint_ids"] == ["ann-sms"]
    assert [e.event_type for e in call(two_way.settings, lambda h: h.events("ann-sms"))] == [
        "_SMS.RECEIVED"
    ]


def test_sms_reply_from_a_number_without_a_country_code_names_the_field(
    two_way: TwoWay,
) -> None:
    refused = signed_post(two_way.http, sms_reply("r3", "555-555-0123"))
    assert refused.status_code == 422, refused.text
    assert "from" in refused.text and "E.164" in refused.text
    assert call(two_way.settings, lambda h: h.inbound()) == []
