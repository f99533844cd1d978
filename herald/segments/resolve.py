"""The segments a segment is built on, loaded once before it compiles."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Segment
from herald.models.segment_rules import segment_references
from herald.segments.errors import SegmentError
from herald.store.segments import get_segment


async def resolve(session: AsyncSession, segment: Segment) -> dict[str, Segment]:
    """Every segment `segment` refers to, directly or not, by name. Raises SegmentError for a
    reference to a missing segment or a loop, naming the field path."""
    found: dict[str, Segment] = {}
    done: set[str] = set()

    async def visit(current: Segment, path: tuple[str, ...]) -> None:
        for where, name in segment_references(current.rules):
            if name in path:
                loop = " -> ".join([*path[path.index(name) :], name])
                raise SegmentError(
                    f"Segment {current.name!r}: {where}.name: segments refer to each other in "
                    f"a loop ({loop})"
                )
            if name not in found:
                loaded = await get_segment(session, name)
                if loaded is None:
                    raise SegmentError(
                        f"Segment {current.name!r}: {where}.name: segment {name!r} does not "
                        "exist; apply it first or with this one"
                    )
                found[name] = loaded
            if name not in done:
                await visit(found[name], (*path, name))
                done.add(name)

    await visit(segment, (segment.name,))
    return found


async def reference_problems(session: AsyncSession, segment: Segment) -> list[str]:
    """What `herald apply` reports for a segment's references, after applying everything."""
    try:
        await resolve(session, segment)
    except SegmentError as exc:
        return [str(exc)]
    return []
