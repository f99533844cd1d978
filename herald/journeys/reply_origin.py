"""Whether a reply answers a journey's messages: the journey sent the endpoint a message on
the reply's channel from the number or address the reply came to.

Both sides are compared normalised: numbers as E.164 digits, email addresses case-folded.
When either is unknown (the provider named no destination, the message log has no origin,
or the origin is a sender id, pool or ARN no reply is addressed to) the reply is taken, as
it was before origins were recorded.
"""

from __future__ import annotations

import contextlib
import re
from email.utils import parseaddr

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.addresses import AddressError, normalise_phone
from herald.models.journey_run import ReplySignal
from herald.store.messages import sent_origins

_NUMBER = re.compile(r"\+?[0-9]{3,15}")
_PUNCTUATION = re.compile(r"[\s().-]")


def comparable(channel: str, value: str | None) -> str | None:
    """`value` in the form both sides compare in, or None when it cannot be compared."""
    if not value:
        return None
    if channel == "EMAIL":
        _, address = parseaddr(value)
        return address.strip().casefold() if "@" in address else None
    number = _PUNCTUATION.sub("", value)
    if not _NUMBER.fullmatch(number):
        return None  # a sender id, a pool id or an ARN
    if number.startswith("+"):
        with contextlib.suppress(AddressError):  # kept as given: still comparable
            number = normalise_phone(number, None)
    return number.lstrip("+")  # a short code has no +; some providers drop it from long ones


async def answers(
    session: AsyncSession, *, workflow_id: str, journey: str, endpoint_id: str, reply: ReplySignal
) -> bool:
    """Whether the participant workflow `workflow_id` of `journey` may take `reply`."""
    to = comparable(reply.channel, reply.to_address)
    if to is None:
        return True
    origins = await sent_origins(
        session,
        workflow_id=workflow_id,
        journey=journey,
        endpoint_id=endpoint_id,
        channel=reply.channel,
    )
    known = {comparable(reply.channel, origin) for origin in origins}
    return not known or None in known or to in known
