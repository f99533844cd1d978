"""One-time password codes: made with `secrets`, kept only as a salted, peppered scrypt hash,
one live code per reference id, dead after its validity or its allowed wrong attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import ChannelType
from herald.models.addresses import AddressError, normalise_address
from herald.models.otp import OtpRequest, OtpVerification
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
    """Store `code` for the reference id, replacing any code sent before under it."""
    salt = secrets.token_hex(16)
    values = {
        "reference_id": request.reference_id,
        "destination": destination,
        "channel": request.channel,
        "code_hash": code_hash(code, salt, pepper),
        "salt": salt,
        "attempts_left": request.allowed_attempts,
        "expires_at": now + timedelta(minutes=request.validity_minutes),
        "message_key": message_key,
        "created_at": now,
    }
    stmt = insert_for(session, OtpCodeRow).values(**values)
    replace = {k: v for k, v in values.items() if k != "reference_id"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["reference_id"], set_=replace))


async def verify_code(
    session: AsyncSession, check: OtpVerification, *, pepper: bytes, now: datetime
) -> bool:
    """True once for the right code before it expires; each wrong try uses an attempt."""
    row = await session.get(OtpCodeRow, check.reference_id, with_for_update=True)
    if row is None or aware(row.expires_at) <= now or row.attempts_left <= 0:
        return False
    try:
        destination = normalise_address(ChannelType(row.channel), check.destination_identity)
    except AddressError:
        return False
    right = hmac.compare_digest(code_hash(check.otp.strip(), row.salt, pepper), row.code_hash)
    if right and destination == row.destination:
        await session.delete(row)  # single use
        return True
    row.attempts_left -= 1
    return False
