"""API keys: hashed, read and write scopes, revocation; `herald api-keys` on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.auth.keys import Scope
from herald.cli import app
from tests.inbound.conftest import TwoWay, call

SMS = {"Id": "e1", "ChannelType": "SMS", "Address": "+15555550100"}


def test_keys_gate_the_management_api_by_scope(two_way: TwoWay) -> None:
    http, settings = two_way.http, two_way.settings
    reader = call(settings, lambda h: h.create_api_key("reader", Scope.READ)).key
    writer = call(settings, lambda h: h.create_api_key("writer")).key

    def status(method: str, key: str | None) -> int:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return http.request(method, "/v1/endpoints/e1", json=SMS, headers=headers).status_code

    assert (status("PUT", None), status("PUT", "hk_nope_nope"), status("PUT", reader)) == (
        401, 401, 403
    )  # fmt: skip
    assert (status("PUT", writer), status("GET", reader)) == (200, 200)
    assert http.get("/health").status_code == 200
    call(settings, lambda h: h.revoke_api_key(writer))
    assert status("PUT", writer) == 401


def test_cli_creates_lists_and_revokes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERALD_DATABASE_URL", f"sqlite:///{tmp_path}/k.db")
    runner = CliRunner()
    made = runner.invoke(app, ["api-keys", "create", "backend", "--scope", "read", "--json"])
    assert made.exit_code == 0, made.output
    key = json.loads(made.output)
    assert key["key"].startswith("hk_") and key["scope"] == "read"
    listed = runner.invoke(app, ["api-keys", "list", "--json"])
    assert [(k["name"], k["scope"]) for k in json.loads(listed.output)] == [("backend", "read")]
    assert "hk_" not in listed.output  # the secret is never shown again
    assert runner.invoke(app, ["api-keys", "revoke", key["id"]]).exit_code == 0
    again = runner.invoke(app, ["api-keys", "revoke", key["id"]])
    assert again.exit_code == 2 and "no live API key" in again.output
