"""The audience routes of the HTTP API, served by uvicorn on loopback over SQLite."""

from __future__ import annotations

import httpx


def _endpoint(endpoint_id: str, plan: str, user: str = "u1") -> dict[str, object]:
    return {
        "Id": endpoint_id,
        "ChannelType": "EMAIL",
        "Address": f"{endpoint_id}@Example.com",
        "User": {"UserId": user},
        "Attributes": {"Plan": [plan]},
    }


def test_endpoints_and_users(api: httpx.Client) -> None:
    written = api.post("/v1/endpoints", json=[_endpoint("a", "pro"), _endpoint("b", "free")])
    assert written.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert api.get("/v1/endpoints/a").json()["Address"] == "a@example.com"
    bad = api.post("/v1/endpoints", json=[{"Id": "x", "ChannelType": "EMAIL", "Address": "x"}])
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "Address"
    assert [e["Id"] for e in api.get("/v1/users/u1/endpoints").json()] == ["a", "b"]
    assert api.delete("/v1/endpoints/a").status_code == 204
    assert api.get("/v1/endpoints/a").status_code == 404
    assert api.delete("/v1/users/u1").json() == {"deleted_endpoints": ["b"]}
    assert api.get("/v1/users/u1").status_code == 404


def test_event_batches_accept_and_reject_each_event(api: httpx.Client) -> None:
    api.post("/v1/endpoints", json=[_endpoint("a", "pro")])
    results = api.post(
        "/v1/events/batch",
        json=[
            {"Id": "e1", "EndpointId": "a", "EventType": "purchase", "Metrics": {"total": 3}},
            {"Id": "e2", "UserId": "u1", "EventType": "login"},
            {"Id": "e3", "EndpointId": "ghost", "EventType": "purchase"},
        ],
    ).json()
    assert [(r["id"], r["status"]) for r in results] == [
        ("e1", "ACCEPTED"),
        ("e2", "ACCEPTED"),
        ("e3", "REJECTED"),
    ]
    assert api.post("/v1/events/batch", json=[{"EventType": "x"}]).status_code == 422


def test_segments_count_and_page(api: httpx.Client) -> None:
    api.post(
        "/v1/endpoints", json=[_endpoint(f"e{i}", "pro" if i % 2 else "free") for i in range(5)]
    )
    segment = {"kind": "Segment", "name": "pros", "rules": [
        {"type": "attribute", "name": "Plan", "values": ["pro"]}]}  # fmt: skip
    assert api.post("/v1/definitions", json=[segment]).status_code == 200
    assert api.get("/v1/segments/pros/count").json() == {"segment": "pros", "endpoints": 2}
    first = api.get("/v1/segments/pros/members", params={"limit": 1}).json()
    second = api.get("/v1/segments/pros/members", params={"limit": 1, "after": first["next"]})
    assert sorted(first["ids"] + second.json()["ids"]) == ["e1", "e3"]
    assert api.get("/v1/segments/nope/count").status_code == 404
    assert [s["name"] for s in api.get("/v1/segments").json()] == ["pros"]


def test_import_a_csv_body(api: httpx.Client) -> None:
    body = "Id,ChannelType,Address\nx1,EMAIL,x1@example.com\nx2,EMAIL,broken\n"
    report = api.post(
        "/v1/endpoints/import",
        params={"format": "csv", "segment": "imported"},
        content=body.encode(),
        headers={"content-type": "text/csv"},
    ).json()
    assert (report["created"], report["rejected"], report["members"]) == (1, 1, 1)
    assert report["problems"][0]["line"] == 3
    assert api.get("/v1/segments/imported/count").json()["endpoints"] == 1
    refused = api.post("/v1/endpoints/import", params={"format": "csv"}, content=b"Nope\n1\n")
    assert refused.status_code == 422 and "unknown column 'Nope'" in refused.json()["detail"]
