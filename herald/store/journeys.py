"""Journeys: publishing makes an immutable version; running participants keep theirs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Journey, JourneyVersion
from herald.store.checksum import checksum
from herald.store.clock import aware, utcnow
from herald.store.tables import JourneyRow, JourneyVersionRow


class DraftRefused(ValueError):
    """A changed definition marked DRAFT for a journey that has been activated."""


async def publish_journey(session: AsyncSession, journey: Journey) -> tuple[int, bool]:
    """Publish a journey. Returns (latest version, whether a new version was published).

    A new journey starts in the definition's state (DRAFT, or ACTIVE by default). A DRAFT
    journey applied without `state: DRAFT` becomes ACTIVE. Any other state is the lifecycle
    commands' to change: a new version of a paused journey stays paused, as before.
    """
    document = journey.model_dump(mode="json")
    digest = checksum(document)
    now = utcnow()
    row = await session.get(JourneyRow, journey.name, with_for_update=True)
    if row is None:
        session.add(
            JourneyRow(
                name=journey.name,
                latest_version=1,
                state=journey.state,
                created_at=now,
                updated_at=now,
            )
        )
        version = 1
    else:
        latest = await session.get(JourneyVersionRow, (journey.name, row.latest_version))
        unchanged = latest is not None and latest.checksum == digest
        if row.state == "DRAFT" and journey.state == "ACTIVE":
            row.state, row.updated_at = "ACTIVE", now
        elif journey.state == "DRAFT" and row.state != "DRAFT" and not unchanged:
            # A draft of a live journey's next version would need a version that is stored
            # but not the latest; versions are published in order, so it is refused.
            raise DraftRefused(
                f"Journey {journey.name!r}: state: DRAFT, but the journey is {row.state}; "
                "a journey cannot return to DRAFT: remove `state: DRAFT` "
                f"to publish version {row.latest_version + 1}"
            )
        if unchanged:
            return row.latest_version, False
        row.latest_version += 1
        row.updated_at = now
        version = row.latest_version
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


JOURNEY_STATES = ("DRAFT", "ACTIVE", "PAUSED", "CLOSED", "CANCELLED", "COMPLETED")


async def get_state(session: AsyncSession, name: str) -> str | None:
    row = await session.get(JourneyRow, name)
    return row.state if row else None


async def get_states(session: AsyncSession) -> dict[str, str]:
    """Every journey's stored state by name."""
    rows = await session.execute(select(JourneyRow.name, JourneyRow.state))
    return {str(name): str(state) for name, state in rows.all()}


async def set_state(
    session: AsyncSession, name: str, state: str, *, expected: str | None = None
) -> bool:
    """Set the state; with `expected`, only if the state still is that (False if not)."""
    if state not in JOURNEY_STATES:
        raise ValueError(f"journey state {state!r}; allowed: {', '.join(JOURNEY_STATES)}")
    row = await session.get(JourneyRow, name, with_for_update=True)
    if row is None:
        raise LookupError(f"journey {name!r} is not published")
    if expected is not None and row.state != expected:
        return False
    row.state, row.updated_at = state, utcnow()
    return True
