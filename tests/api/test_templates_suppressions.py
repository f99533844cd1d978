"""Template and suppression routes over HTTP, served by uvicorn on loopback."""

from __future__ import annotations

import httpx

DOCS = [
    {"kind": "Endpoint", "Id": "ann", "ChannelType": "SMS", "Address": "+15555550100"},
    {"kind": "Template", "name": "ping", "channel": "SMS", "body": "v1 {{ Id }}"},
]


def test_templates_are_listed_read_rolled_back_and_previewed(api: httpx.Client) -> None:
    assert api.post("/v1/definitions", json=DOCS).status_code == 200
    changed = DOCS[1] | {"body": "v2 {{ Id }} {{ who }}"}
    assert api.post("/v1/definitions", json=[changed]).status_code == 200

    [listed] = api.get("/v1/templates").json()
    assert (listed["name"], listed["active_version"], listed["latest_version"]) == ("ping", 2, 2)
    assert api.get("/v1/templates/ping", params={"version": 1}).json()["template"]["body"] == (
        "v1 {{ Id }}"
    )
    assert [v["version"] for v in api.get("/v1/templates/ping/versions").json()] == [1, 2]

    missing = api.post("/v1/templates/ping/render", json={"endpoint_id": "ann"})
    assert missing.status_code == 422 and "who" in missing.json()["detail"]
    preview = api.post(
        "/v1/templates/ping/render", json={"endpoint_id": "ann", "substitutions": {"who": "x"}}
    )
    assert preview.json()["content"]["body"] == "v2 ann x"

    rolled = api.post("/v1/templates/ping/active-version", json={"version": 1})
    assert rolled.json() == {"active_version": 1, "previous_version": 2}
    assert (
        api.post("/v1/templates/ping/render", json={"endpoint_id": "ann"}).json()["content"]["body"]
        == "v1 ann"
    )
    assert api.get("/v1/templates/nope").status_code == 404
    # A version no database integer holds is refused by name, not a server error.
    huge = api.get("/v1/templates/nope", params={"version": 2**63})
    assert huge.status_code == 422 and huge.json()["detail"][0]["loc"] == ["query", "version"]
    assert api.post("/v1/templates/ping/active-version", json={"version": 9}).status_code == 404


def test_suppressions_are_added_listed_and_lifted(api: httpx.Client) -> None:
    added = api.post("/v1/suppressions", json={"channel": "SMS", "address": "+1 555 555 0100"})
    assert added.status_code == 201 and added.json()["address"] == "+15555550100"
    bad = api.post("/v1/suppressions", json={"channel": "EMAIL", "address": "nope"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("address:")

    [listed] = api.get("/v1/suppressions", params={"channel": "SMS"}).json()
    assert (listed["address"], listed["reason"]) == ("+15555550100", "OPTED_OUT")
    assert api.get("/v1/suppressions", params={"channel": "EMAIL"}).json() == []

    assert api.delete("/v1/suppressions/SMS/+15555550100").status_code == 204
    assert api.get("/v1/suppressions").json() == []
    assert api.delete("/v1/suppressions/SMS/+15555550100").status_code == 404
