"""One-time passwords: sent through the outbox by the worker, verified once, with an attempt
limit, expiry, replacement by a newer code, and only a hash kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from herald.client import HeraldClient
from herald.models.otp import OtpRequest, OtpVerification
from herald.store import Database
from herald.store.transactional_tables import OtpCodeRow
from herald.transactional.otp_codes import keep_code, new_code, verify_code
from tests.transactional.conftest import Running

PHONE = "+15555550123"


def _otp(reference: str, **fields: object) -> OtpRequest:
    return OtpRequest.model_validate(
        {"destination_identity": PHONE, "reference_id": reference, "brand_name": "Acme"} | fields
    )


def _check(reference: str, code: str, destination: str = PHONE) -> OtpVerification:
    return OtpVerification(destination_identity=destination, reference_id=reference, otp=code)


async def _last_code(herald: HeraldClient) -> str:
    [message] = (await herald.outbox())[-1:]
    found = re.search(r"code: (\d+)\.", message.content.body or "")
    assert found, message.content.body
    return found.group(1)


async def test_a_code_is_sent_and_valid_once(herald_running: Running) -> None:
    async with herald_running(None) as herald:
        sent = await herald.send_otp(_otp("login-1", code_length=8))
        code = await _last_code(herald)
        wrong = "0" * 8 if code != "0" * 8 else "1" * 8
        verdicts = [
            await herald.verify_otp(_check("login-1", wrong)),
            await herald.verify_otp(_check("login-1", code, "+1 555 555 0199")),
            await herald.verify_otp(_check("login-1", code, "+1 (555) 555-0123")),
            await herald.verify_otp(_check("login-1", code)),
        ]
        async with herald.database.session() as session:
            rows = (await session.execute(select(OtpCodeRow))).scalars().all()

    assert sent.result is not None and sent.result.status == "ACCEPTED"
    assert len(code) == 8
    assert verdicts == [False, False, True, False]  # used once, then gone
    assert rows == []


async def test_attempts_run_out_and_a_new_code_replaces_the_old(herald_running: Running) -> None:
    async with herald_running(None) as herald:
        await herald.send_otp(_otp("login-2", allowed_attempts=2, channel="SMS"))
        first = await _last_code(herald)
        await herald.send_otp(_otp("login-2", allowed_attempts=2))
        second = await _last_code(herald)
        old_refused = first != second and not await herald.verify_otp(_check("login-2", first))
        wrong = "x"
        dead = [await herald.verify_otp(_check("login-2", c)) for c in (wrong, second)]

    assert old_refused
    assert dead == [False, False]  # two wrong tries (the old code, "x") used both attempts


async def test_codes_expire_and_only_a_hash_is_kept(database: Database) -> None:
    now = datetime.now(UTC)
    code = new_code(6)
    async with database.session() as session:
        await keep_code(session, _otp("r"), PHONE, code, message_key="k", pepper=b"pepper", now=now)
    async with database.session() as session:
        row = await session.get(OtpCodeRow, "r")
        assert row is not None and code not in (row.code_hash, row.salt)
        late = now + timedelta(minutes=15, seconds=1)
        assert not await verify_code(session, _check("r", code), pepper=b"pepper", now=late)
        other_pepper = await verify_code(session, _check("r", code), pepper=b"x", now=now)
    async with database.session() as session:
        assert not other_pepper
        assert await verify_code(session, _check("r", code), pepper=b"pepper", now=now)
