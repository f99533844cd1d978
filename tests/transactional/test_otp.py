"""One-time passwords: sent through the outbox by the worker, verified once, with an attempt
limit, expiry, replacement by a newer code, and only a hash kept. A code belongs to its
destination and reference id, as Pinpoint's VerifyOTPMessage names it; a destination no code
can go to is refused when the request is made."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.models.otp import (
    OTP_WORKFLOW,
    OtpDestinationError,
    OtpRequest,
    OtpResponse,
    OtpVerification,
    otp_workflow_id,
)
from herald.models.transactional import RequestState
from herald.store import Database, make_sync_engine, upgrade
from herald.store.transactional_tables import OtpCodeRow
from herald.transactional.otp_codes import code_hash, keep_code, new_code, verify_code
from tests.transactional.conftest import Running
from tests.transactional.test_api import _api, _call, _served

PHONE = "+15555550123"
OTHER_PHONE = "+15555550124"
PEPPER = b"pepper"


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
        row = await session.get(OtpCodeRow, {"destination": PHONE, "reference_id": "r"})
        assert row is not None and code not in (row.code_hash, row.salt)
        late = now + timedelta(minutes=15, seconds=1)
        assert not await verify_code(session, _check("r", code), pepper=b"pepper", now=late)
        other_pepper = await verify_code(session, _check("r", code), pepper=b"x", now=now)
    async with database.session() as session:
        assert not other_pepper
        assert await verify_code(session, _check("r", code), pepper=b"pepper", now=now)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


async def test_a_code_for_one_destination_does_not_kill_anothers_code(
    database: Database,
) -> None:
    """Pinpoint scopes a code by DestinationIdentity and ReferenceId (AWS's own examples use one
    ReferenceId per flow, e.g. "login"). Bob asking for a login code must not void the code Ann
    was just sent under the same reference id."""
    now = datetime.now(UTC)
    ann_code, bob_code = new_code(6), new_code(6)
    for destination, code, key in ((PHONE, ann_code, "k1"), (OTHER_PHONE, bob_code, "k2")):
        async with database.session() as session:
            request = _otp("login", destination_identity=destination)
            await keep_code(
                session, request, destination, code, message_key=key, pepper=PEPPER, now=now
            )
    verdicts = []
    for destination, code in ((PHONE, ann_code), (OTHER_PHONE, bob_code)):
        async with database.session() as session:
            check = _check("login", code, destination)
            verdicts.append(await verify_code(session, check, pepper=PEPPER, now=now))

    assert verdicts == [True, True]


async def test_anothers_wrong_guesses_do_not_use_up_my_attempts(database: Database) -> None:
    """Attempts belong to the code a destination was sent: guesses made against another
    destination (an attacker entering a victim's reference id) must not lock the owner out."""
    now = datetime.now(UTC)
    code = new_code(6)
    async with database.session() as session:
        await keep_code(
            session, _otp("login-ann"), PHONE, code, message_key="k", pepper=PEPPER, now=now
        )
    for _ in range(3):  # allowed_attempts defaults to 3
        async with database.session() as session:
            guess = _check("login-ann", _wrong(code), OTHER_PHONE)
            await verify_code(session, guess, pepper=PEPPER, now=now)
    async with database.session() as session:
        ok = await verify_code(session, _check("login-ann", code), pepper=PEPPER, now=now)

    assert ok


async def test_a_code_is_kept_under_the_canonical_destination(database: Database) -> None:
    """However the number or address was written on send and on verify, one code: E.164 for
    a phone, the normalised address (domain lower-cased) for email."""
    now = datetime.now(UTC)
    sms, email = new_code(6), new_code(6)
    async with database.session() as session:
        await keep_code(
            session, _otp("c"), "+1 (555) 555-0123", sms, message_key="k1", pepper=PEPPER, now=now
        )
        mail = _otp("c", channel="EMAIL", destination_identity="Ann@EXAMPLE.com")
        await keep_code(
            session, mail, "Ann@EXAMPLE.com", email, message_key="k2", pepper=PEPPER, now=now
        )
    async with database.session() as session:
        kept = (await session.execute(select(OtpCodeRow.destination))).scalars().all()
    verdicts = []
    for check in (_check("c", sms, " +15555550123"), _check("c", email, "Ann@example.com")):
        async with database.session() as session:
            verdicts.append(await verify_code(session, check, pepper=PEPPER, now=now))

    assert sorted(kept) == ["+15555550123", "Ann@example.com"]
    assert verdicts == [True, True]


async def test_an_otp_to_an_invalid_number_is_refused_at_once(herald_running: Running) -> None:
    """SendMessages answers an invalid raw address at once. SendOTPMessage to a number that is
    not a phone number must not answer PENDING while the worker retries an activity that can
    never succeed, for the code's whole validity: the client refuses it, saying why."""
    async with herald_running(None) as herald:
        request = _otp("login-x", destination_identity="12345")
        with pytest.raises(OtpDestinationError) as refused:
            await herald.send_otp(request, wait=8)
        outbox = await herald.outbox()

    message = str(refused.value)
    assert message.startswith("destination_identity: ")
    assert "12345" in message and "E.164" in message
    assert outbox == []


async def test_the_api_refuses_an_invalid_destination_naming_the_field(
    herald_running: Running, dev_env: WorkflowEnvironment, sqlite_database: Database,
    task_queue: str,
) -> None:  # fmt: skip
    bodies = [
        {"destination_identity": "12345", "reference_id": "a", "brand_name": "Acme"},
        {"destination_identity": "ann@example", "channel": "EMAIL", "reference_id": "b",
         "brand_name": "Acme"},
    ]  # fmt: skip
    async with herald_running(None) as herald:
        async with _served(herald, _api(dev_env, sqlite_database, task_queue)) as api:
            answers = [await _call(api, "POST", "/v1/otp?wait=8", json=b) for b in bodies]
        outbox = await herald.outbox()

    assert [a.status_code for a in answers] == [422, 422], [a.text for a in answers]
    [sms], [email] = (a.json()["detail"] for a in answers)
    assert sms["loc"] == email["loc"] == ["body", "destination_identity"]
    assert "E.164" in sms["msg"] and "12345" in sms["msg"]
    assert "email address" in email["msg"]
    assert outbox == []


async def test_a_send_to_an_unusable_address_fails_at_once(
    herald_running: Running, dev_env: WorkflowEnvironment, task_queue: str
) -> None:
    """The worker's safety net, for a workflow started without the client's check (before it
    existed): the send fails for good at once, it is not retried for the code's validity."""
    request = _otp("login-y", destination_identity="12345")
    async with herald_running(None) as herald:
        handle = await dev_env.client.start_workflow(
            OTP_WORKFLOW, request, id=otp_workflow_id(uuid.uuid4().hex), task_queue=task_queue,
            result_type=OtpResponse,
        )  # fmt: skip
        try:
            sent = await asyncio.wait_for(handle.result(), timeout=8)
        except TimeoutError:
            await handle.terminate("the send is still being retried")
            raise
        outbox = await herald.outbox()

    assert sent.state is RequestState.COMPLETE, sent
    assert sent.result is not None and sent.result.status == "FAILED"
    reason = sent.result.reason or ""
    assert "invalid address: " in reason and "12345" in reason and "E.164" in reason
    assert outbox == []


async def test_codes_kept_before_the_destination_key_stay_valid(database_url: str) -> None:
    """Migration 0020 keys codes by destination and reference id: a code kept under the old
    key (the reference id alone) still verifies after it, and a new send under its reference
    id to another destination leaves it alone."""
    upgrade(database_url, "0006")
    now = datetime.now(UTC)
    old_code, new = new_code(6), new_code(6)
    salt = "00" * 16
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(OtpCodeRow).values(
                    reference_id="login", destination=PHONE, channel="SMS",
                    code_hash=code_hash(old_code, salt, PEPPER), salt=salt, attempts_left=3,
                    expires_at=now + timedelta(minutes=5), message_key="k1", created_at=now,
                )
            )  # fmt: skip
    finally:
        engine.dispose()
    upgrade(database_url)
    database = Database(database_url)
    try:
        async with database.session() as session:
            request = _otp("login", destination_identity=OTHER_PHONE)
            await keep_code(
                session, request, OTHER_PHONE, new, message_key="k2", pepper=PEPPER, now=now
            )
        verdicts = []
        for destination, code in ((PHONE, old_code), (OTHER_PHONE, new)):
            async with database.session() as session:
                check = _check("login", code, destination)
                verdicts.append(await verify_code(session, check, pepper=PEPPER, now=now))
    finally:
        await database.dispose()

    assert verdicts == [True, True]
