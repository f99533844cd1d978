"""One-time password codes: made with `secrets`, kept only as a salted, peppered scrypt hash,
one live code per destination and reference id (as Pinpoint's VerifyOTPMessage names a code:
DestinationIdentity, ReferenceId), dead after its validity or its allowed wrong attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.otp import OtpRequest, OtpVerification, otp_destination, verified_destination
from herald.store.clock import aware
from herald.store.dialect import insert_for
from herald.store.transactional_tables import OtpCodeRow


def new_code(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def code_hash(code: str, salt: str, pepper: bytes) -> str:
    # scrypt makes each guess against a stolen table cost; the pepper (a server secret)
    # makes the table alone useless.
    digest = hashlib.scrypt(
        code.encode(), salt=bytes.fromhex(salt) + pepper, n=2**14, r=8, p=1, dklen=32
    )
    return digest.hex()


async def keep_code(
    session: AsyncSession,
    request: OtpRequest,
    destination: str,
    code: str,
    *,
    message_key: str,
    pepper: bytes,
    now: datetime,
) -> None:
    """Store `code` for the destination (put in canonical form) and the reference id,
    replacing any code sent before to that destination under that reference id.
    OtpDestinationError if no code can go to `destination` on the request's channel."""
    salt = secrets.token_hex(16)
    key = {
        "destination": otp_destination(request.channel, destination),
        "reference_id": request.reference_id,
    }
    values = key | {
        "channel": request.channel,
        "code_hash": code_hash(code, salt, pepper),
        "salt": salt,
        "attempts_left": request.allowed_attempts,
        "expires_at": now + timedelta(minutes=request.validity_minutes),
        "message_key": message_key,
        "created_at": now,
    }
    stmt = insert_for(session, OtpCodeRow).values(**values)
    replace = {k: v for k, v in values.items() if k not in key}
    await session.execute(stmt.on_conflict_do_update(index_elements=list(key), set_=replace))


async def verify_code(
    session: AsyncSession, check: OtpVerification, *, pepper: bytes, now: datetime
) -> bool:
    """True once for the right code before it expires; each wrong try uses an attempt of the
    code sent to that destination under that reference id. A destination with no code under
    the reference id (or no destination at all) finds nothing and uses no one's attempt."""
    destination = verified_destination(check.destination_identity)
    if destination is None:
        return False
    key = {"destination": destination, "reference_id": check.reference_id}
    row = await session.get(OtpCodeRow, key, with_for_update=True)
    if row is None or aware(row.expires_at) <= now or row.attempts_left <= 0:
        return False
    if hmac.compare_digest(code_hash(check.otp.strip(), row.salt, pepper), row.code_hash):
        await session.delete(row)  # single use
        return True
    row.attempts_left -= 1
    return False
