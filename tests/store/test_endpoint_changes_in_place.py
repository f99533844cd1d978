"""Statements that change endpoint rows in place (a keyword opting an address out or back in,
a provider refusing an address), on SQLite and PostgreSQL: the app's next write of such an
endpoint must be stored, not skipped as unchanged by a checksum that describes the endpoint
as it was before."""

from __future__ import annotations

from typing import Literal

from herald.models import AddressProblem, Endpoint
from herald.models.channel import MessageChannel
from herald.store import Database
from herald.store.endpoints import get_endpoint, write_endpoints
from herald.store.inbound import set_opt_out
from herald.store.suppressions import lift_suppression, mark_unreachable

PHONE = "+14155550101"


def _phone(
    opt_out: Literal["ALL", "NONE"] = "NONE",
    status: Literal["ACTIVE", "INACTIVE"] = "ACTIVE",
) -> Endpoint:
    return Endpoint.model_validate(
        {
            "Id": "phone",
            "ChannelType": "SMS",
            "Address": PHONE,
            "OptOut": opt_out,
            "EndpointStatus": status,
        }
    )


async def test_an_opt_out_written_after_a_keyword_opt_in_is_kept(database: Database) -> None:
    """OptOut ALL, then START opts the phone back in, then the app's preference centre writes
    OptOut ALL again: the phone is opted out."""
    async with database.session() as session:
        await write_endpoints(session, [_phone("ALL")])
    async with database.session() as session:
        await set_opt_out(session, MessageChannel.SMS, PHONE, ["phone"], out=False)
        opted_in = await get_endpoint(session, "phone")
    async with database.session() as session:
        counts = await write_endpoints(session, [_phone("ALL")])
        found = await get_endpoint(session, "phone")
    assert opted_in is not None and opted_in.opt_out == "NONE"
    assert found is not None and found.opt_out == "ALL"
    assert (counts.updated, counts.unchanged) == (1, 0)
    async with database.session() as session:
        again = await write_endpoints(session, [_phone("ALL")])
    assert again.unchanged == 1, "the write stored a checksum that describes the row again"


async def test_an_endpoint_written_active_after_a_bounce_is_active(database: Database) -> None:
    """A bounce makes the endpoint INACTIVE; once the address is lifted from the suppression
    list, the app writing the endpoint ACTIVE again makes it active."""
    async with database.session() as session:
        await write_endpoints(session, [_phone()])
    async with database.session() as session:
        await mark_unreachable(
            session,
            endpoint_id="phone",
            channel=MessageChannel.SMS,
            address=PHONE,
            problem=AddressProblem.INVALID,
            detail="carrier said no such number",
        )
        await lift_suppression(session, MessageChannel.SMS, PHONE)
    async with database.session() as session:
        await write_endpoints(session, [_phone()])
        found = await get_endpoint(session, "phone")
    assert found is not None and found.endpoint_status == "ACTIVE"
