"""An endpoint's User: its UserAttributes are the user's, kept per user id, so attributes
without a `User.UserId` are refused (by the model, an import and the API) instead of being
answered 'created' and thrown away."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from herald.audience import import_endpoints
from herald.models import Endpoint
from herald.models.endpoint import STORED
from herald.store import Database
from herald.store.endpoints import get_endpoint, write_endpoints

PHONE: dict[str, Any] = {"Id": "phone", "ChannelType": "SMS", "Address": "+14155550101"}
NO_USER_ID = {"UserAttributes": {"FirstName": ["Ann"]}}


def test_user_attributes_without_a_user_id_are_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"User.UserId is required with User.UserAttr"):
        Endpoint.model_validate(PHONE | {"User": NO_USER_ID})
    # A user id alone, or an empty User, is still an endpoint's user as Pinpoint has it.
    alone = Endpoint.model_validate(PHONE | {"User": {"UserId": "u1"}})
    empty = Endpoint.model_validate(PHONE | {"User": {}})
    assert (alone.user_id, empty.user_id) == ("u1", None)


async def test_stored_endpoints_still_read(database: Database) -> None:
    """Stored endpoints never hold such a user (it was dropped on the way in), and a rule
    that tightens later does not judge what is read back."""
    stored = Endpoint.model_validate(PHONE | {"User": NO_USER_ID}, context=STORED)
    assert stored.user is not None and stored.user.user_id is None
    tablet = PHONE | {"Id": "tablet", "User": {"UserId": "u1", "UserAttributes": {"A": ["b"]}}}
    async with database.session() as session:
        await write_endpoints(session, [Endpoint.model_validate(PHONE | {"User": {}})])
        await write_endpoints(session, [Endpoint.model_validate(tablet)])
    async with database.session() as session:
        phone = await get_endpoint(session, "phone")
        with_user = await get_endpoint(session, "tablet")
    assert phone is not None and phone.user is None
    assert with_user is not None and with_user.user is not None
    assert with_user.user.user_attributes == {"A": ["b"]}


async def test_an_import_reports_user_attributes_without_a_user_id_by_line(
    database: Database, tmp_path: Path
) -> None:
    lines = [
        PHONE | {"User": NO_USER_ID},
        PHONE | {"Id": "tablet", "User": {"UserId": "u1", **NO_USER_ID}},
    ]
    path = tmp_path / "e.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = await import_endpoints(database, path)
    assert (report.created, report.rejected) == (1, 1)
    assert [(p.line, p.reason.split(":")[0]) for p in report.problems] == [(1, "User")]
    assert "User.UserId is required" in report.problems[0].reason
    async with database.session() as session:
        assert await get_endpoint(session, "phone") is None


async def test_a_csv_import_reports_user_attributes_without_a_user_id_by_line(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "Id,ChannelType,Address,User.UserId,User.UserAttributes.FirstName\n"
        "phone,SMS,+14155550101,,Ann\n"
        "tablet,SMS,+14155550102,u1,Ann\n",
        encoding="utf-8",
    )
    report = await import_endpoints(database, path)
    assert [(p.line, p.reason.split(":")[0]) for p in report.problems] == [(2, "User")]
    assert report.created == 1


def test_the_api_answers_422_naming_the_field(api: httpx.Client) -> None:
    refused = api.post("/v1/endpoints", json=[PHONE | {"User": NO_USER_ID}])
    assert refused.status_code == 422, refused.text
    (problem,) = refused.json()["detail"]
    assert problem["loc"][-1] == "User"
    assert "User.UserId is required" in problem["msg"]
    assert api.get("/v1/endpoints/phone").status_code == 404
