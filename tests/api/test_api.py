"""The HTTP API served by uvicorn on loopback, over a real SQLite database."""

from __future__ import annotations

import httpx

ENDPOINT = {"kind": "Endpoint", "Id": "ann", "ChannelType": "EMAIL", "Address": "a@example.com"}


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


def test_put_endpoint_and_read_outbox(api: httpx.Client) -> None:
    body = {"ChannelType": "SMS", "Address": "+15555550100", "Id": "ignored"}
    put = api.put("/v1/endpoints/sms-1", json=body)
    assert put.status_code == 200
    assert put.json()["Id"] == "sms-1"
    assert api.get("/v1/outbox").json() == []
    assert api.get("/health").json() == {"status": "ok"}
    assert api.get("/openapi.json").status_code == 200
