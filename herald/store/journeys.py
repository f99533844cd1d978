"""Journeys: publishing makes an immutable version; running participants keep theirs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Journey, JourneyVersion
from herald.store.checksum import checksum
from herald.store.clock import aware, utcnow
from herald.store.tables import JourneyRow, JourneyVersionRow


async def publish_journey(session: AsyncSession, journey: Journey) -> tuple[int, bool]:
    """Publish a journey. Returns (latest version, whether a new version was published)."""
    document = journey.model_dump(mode="json")
    digest = checksum(document)
    now = utcnow()
    row = await session.get(JourneyRow, journey.name, with_for_update=True)
    if row is not None:
        latest = await session.get(JourneyVersionRow, (journey.name, row.latest_version))
        if latest is not None and latest.checksum == digest:
            return row.latest_version, False
        row.latest_version += 1
        row.updated_at = now
        version = row.latest_version
    else:
        version = 1
        session.add(
            JourneyRow(
                name=journey.name, latest_version=1, state="ACTIVE", created_at=now, updated_at=now
            )
        )
    session.add(
        JourneyVersionRow(
            name=journey.name,
            version=version,
            definition=document,
            checksum=digest,
            published_at=now,
        )
    )
    await session.flush()
    return version, True


async def get_journey(
    session: AsyncSession, name: str, version: int | None = None
) -> JourneyVersion | None:
    """The given version, or the latest published one."""
    if version is None:
        row = await session.get(JourneyRow, name)
        if row is None:
            return None
        version = row.latest_version
    stored = await session.get(JourneyVersionRow, (name, version))
    return _version(stored) if stored is not None else None


async def list_journeys(session: AsyncSession) -> list[JourneyVersion]:
    """Every journey at its latest version, in one query: every routed event reads this."""
    result = await session.execute(
        select(JourneyVersionRow)
        .join(
            JourneyRow,
            (JourneyRow.name == JourneyVersionRow.name)
            & (JourneyRow.latest_version == JourneyVersionRow.version),
        )
        .order_by(JourneyVersionRow.name)
    )
    return [_version(row) for row in result.scalars()]


# Published versions never change, so a definition parsed once (keyed by its content) is
# reused; this keeps re-validating every journey off the path of every routed event.
_PARSED: dict[str, Journey] = {}
_PARSED_LIMIT = 4096


def _version(stored: JourneyVersionRow) -> JourneyVersion:
    journey = _PARSED.get(stored.checksum)
    if journey is None:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        journey = _PARSED[stored.checksum] = Journey.model_validate(stored.definition)
    return JourneyVersion(
        journey=journey, version=stored.version, published_at=aware(stored.published_at)
    )


JOURNEY_STATES = ("ACTIVE", "PAUSED", "CLOSED", "CANCELLED", "COMPLETED")


async def get_state(session: AsyncSession, name: str) -> str | None:
    row = await session.get(JourneyRow, name)
    return row.state if row else None


async def set_state(session: AsyncSession, name: str, state: str) -> None:
    if state not in JOURNEY_STATES:
        raise ValueError(f"journey state {state!r}; allowed: {', '.join(JOURNEY_STATES)}")
    row = await session.get(JourneyRow, name, with_for_update=True)
    if row is None:
        raise LookupError(f"journey {name!r} is not published")
    row.state, row.updated_at = state, utcnow()
