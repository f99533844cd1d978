"""The HTTP API served by uvicorn on loopback, over a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from herald.definition_files import UnreadableFile, read_documents

ENDPOINT = {"kind": "Endpoint", "Id": "ann", "ChannelType": "EMAIL", "Address": "a@example.com"}
HELLO = {"kind": "Template", "name": "hello", "channel": "EMAIL", "subject": "hi", "text": "hi"}


def journey(name: str, **settings: object) -> dict[str, object]:
    steps = {"hi": {"type": "send", "template": "hello", "next": "done"}, "done": {"type": "exit"}}
    return {"kind": "Journey", "name": name, "start": "hi", "steps": steps, "settings": settings}


def test_definitions_apply_all_or_nothing(api: httpx.Client) -> None:
    bad = {"kind": "Journey", "name": "j", "start": "a", "steps": {"a": {"type": "exit"}, "b": 1}}
    refused = api.post("/v1/definitions", json=[ENDPOINT, bad])
    assert refused.status_code == 422
    assert refused.json()["applied"] is False
    assert any("steps.b" in p for p in refused.json()["detail"])
    assert api.post("/v1/events", json={"EndpointId": "ann", "EventType": "x"}).status_code == 404

    applied = api.post("/v1/definitions", json=[ENDPOINT])
    assert applied.status_code == 200
    assert applied.json() == [
        {
            "kind": "Endpoint",
            "name": "ann",
            "version": None,
            "changed": True,
            "state": None,
            "note": None,
        }
    ]
    accepted = api.post("/v1/events", json={"EndpointId": "ann", "EventType": "purchase"})
    assert accepted.status_code == 202


def test_definitions_answer_422_for_a_list_where_one_word_goes(api: httpx.Client) -> None:
    # `herald apply`'s TypeError on a list in a set of tags was a 500 here.
    posted = api.post("/v1/definitions", json=[{"kind": ["Journey"], "name": "j"}])
    assert posted.status_code == 422, posted.text
    [problem] = posted.json()["detail"]
    assert "kind: expected one word, got a list; allowed: Template, Journey," in problem


def test_put_endpoint_and_read_outbox(api: httpx.Client) -> None:
    body = {"ChannelType": "SMS", "Address": "+15555550100", "Id": "sms-1"}
    put = api.put("/v1/endpoints/sms-1", json=body)
    assert put.status_code == 200
    assert put.json()["Id"] == "sms-1"
    assert api.get("/v1/outbox").json() == []
    assert api.get("/health").json() == {"status": "ok"}
    assert api.get("/openapi.json").status_code == 200


def test_put_endpoint_takes_its_id_from_the_path(api: httpx.Client) -> None:
    # Pinpoint's UpdateEndpoint body has no Id: the path names the endpoint.
    body = {"ChannelType": "SMS", "Address": "+1 555-555-0100"}
    put = api.put("/v1/endpoints/sms-1", json=body)
    assert put.status_code == 200, put.text
    assert (put.json()["Id"], put.json()["Address"]) == ("sms-1", "+15555550100")
    assert api.get("/v1/endpoints/sms-1").json()["Address"] == "+15555550100"

    other = api.put("/v1/endpoints/sms-2", json=body | {"Id": "sms-3"})
    assert other.status_code == 422
    assert "Id 'sms-3'" in other.json()["detail"]
    assert [api.get(f"/v1/endpoints/{e}").status_code for e in ("sms-2", "sms-3")] == [404, 404]


def test_put_endpoint_keeps_what_the_update_leaves_out(api: httpx.Client) -> None:
    """Pinpoint's UpdateEndpoint changes what it names: an app syncing one attribute must not
    wipe the others, nor set OptOut back to NONE (re-subscribing a person who opted out)."""
    created = {
        "ChannelType": "SMS",
        "Address": "+14155550101",
        "OptOut": "ALL",
        "Attributes": {"Interests": ["jazz"]},
        "Location": {"Country": "US"},
        "Metrics": {"visits": 3},
        "User": {"UserId": "u1", "UserAttributes": {"FirstName": ["Ann"]}},
    }
    assert api.put("/v1/endpoints/sms-1", json=created).status_code == 200
    update = {
        "ChannelType": "SMS",
        "Address": "+14155550101",
        "Attributes": {"Plan": ["pro"]},
        "Location": {"City": "Oakland"},
        "User": {"UserId": "u1", "UserAttributes": {"LastName": ["Lee"]}},
    }
    put = api.put("/v1/endpoints/sms-1", json=update)
    assert put.status_code == 200, put.text

    stored = api.get("/v1/endpoints/sms-1").json()
    assert stored == put.json()
    assert (stored["OptOut"], stored["Metrics"]) == ("ALL", {"visits": 3.0})
    assert stored["Attributes"] == {"Interests": ["jazz"], "Plan": ["pro"]}
    assert (stored["Location"]["Country"], stored["Location"]["City"]) == ("US", "Oakland")
    assert stored["User"]["UserAttributes"] == {"FirstName": ["Ann"], "LastName": ["Lee"]}

    # User attributes alone add to the stored user's.
    more = update | {"User": {"UserAttributes": {"Plan": ["gold"]}}}
    assert api.put("/v1/endpoints/sms-1", json=more).json()["User"] == {
        "UserId": "u1",
        "UserAttributes": {"FirstName": ["Ann"], "LastName": ["Lee"], "Plan": ["gold"]},
    }

    # Another user is another person: their attributes only.
    moved = update | {"User": {"UserId": "u2", "UserAttributes": {"FirstName": ["Bo"]}}}
    assert api.put("/v1/endpoints/sms-1", json=moved).json()["User"] == {
        "UserId": "u2",
        "UserAttributes": {"FirstName": ["Bo"]},
    }


def test_campaign_run_route_is_reached_beside_the_control_actions(api: httpx.Client) -> None:
    started = api.post("/v1/campaigns/nope/runs", json={"run": "r1"})
    assert started.status_code == 409, started.text
    assert "campaign 'nope' does not exist" in started.json()["detail"]
    # The control actions still answer on their own route, and still refuse other words.
    refused = api.post("/v1/campaigns/nope/restart")
    assert refused.status_code == 422
    assert "pause" in refused.text and "action" in refused.text


def test_enter_refusals_name_the_body_fields_not_cli_flags(api: httpx.Client) -> None:
    users = journey("by-user", entry={"participant": "user"})
    assert api.post("/v1/definitions", json=[ENDPOINT, HELLO, journey("by-ep"), users]).is_success

    def refusal(name: str, body: dict[str, str]) -> str:
        answer = api.post(f"/v1/journeys/{name}/participants", json=body)
        assert answer.status_code == 422, answer.text
        assert "--" not in answer.text, answer.text
        return str(answer.json()["detail"])

    assert "give endpoint_id, not user_id" in refusal("by-ep", {"user_id": "u1"})
    assert "give user_id, not endpoint_id" in refusal("by-user", {"endpoint_id": "ann"})
    for body in ({}, {"endpoint_id": "ann", "user_id": "u1"}):
        assert "endpoint_id" in refusal("by-ep", body) and "user_id" in refusal("by-ep", body)
    assert "endpoint_id" in refusal("by-ep", {"endpoint_id": ""})


def test_definitions_refuse_a_key_given_twice_as_apply_does(
    api: httpx.Client, tmp_path: Path
) -> None:
    body = (
        '[{"kind": "Endpoint", "Id": "ann", "ChannelType": "EMAIL",\n'
        ' "Address": "a@example.com", "Address": "b@example.com"}]'
    )
    posted = api.post("/v1/definitions", content=body, headers={"Content-Type": "application/json"})
    assert posted.status_code == 422, posted.text
    assert posted.json()["applied"] is False
    assert api.get("/v1/endpoints/ann").status_code == 404

    file = tmp_path / "ann.json"
    file.write_text(body)
    with pytest.raises(UnreadableFile) as refused:
        read_documents(file)
    assert [p.replace(str(file), "request body") for p in refused.value.problems] == (
        posted.json()["detail"]
    )
    assert "duplicate key 'Address'" in posted.json()["detail"][0]


def test_event_naming_an_endpoint_and_an_unknown_user_is_refused(api: httpx.Client) -> None:
    ann = ENDPOINT | {"User": {"UserId": "u-ann"}}
    bob = ENDPOINT | {"Id": "bob", "Address": "b@example.com", "User": {"UserId": "u-bob"}}
    assert api.post("/v1/definitions", json=[ann, bob]).is_success
    ghost = {"EndpointId": "ann", "UserId": "ghost", "EventType": "purchase"}

    refused = api.post("/v1/events", json=ghost)
    assert refused.status_code == 404
    assert "user 'ghost' does not exist" in refused.json()["detail"]
    [batch] = api.post("/v1/events/batch", json=[ghost | {"Id": "e1"}]).json()
    assert (batch["status"], batch["reason"]) == ("REJECTED", refused.json()["detail"])
    # A user with endpoints of their own is still taken, as Pinpoint takes it.
    for user in ("u-ann", "u-bob"):
        event = ghost | {"UserId": user}
        assert api.post("/v1/events", json=event).status_code == 202
