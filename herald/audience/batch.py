"""One import's pending rows, written a batch per transaction."""

from __future__ import annotations

import asyncio
import contextlib
import re

from sqlalchemy.ext.asyncio import AsyncSession

from herald.audience.prepare import Chunk
from herald.audience.records import FileFormatError
from herald.audience.report import ImportReport
from herald.models.names import NAME_PATTERN
from herald.store import Database
from herald.store.endpoints import WriteCounts, write_prepared
from herald.store.segments import (
    drop_generation,
    finish_import,
    get_segment,
    new_generation,
    stage_members,
)
from herald.store.sqlite_batch import Staging, write_batch
from herald.store.users import merge_users


class Batch:
    def __init__(
        self, database: Database, report: ImportReport, *, segment: str | None, source: str
    ) -> None:
        self.database, self.report, self.segment, self.source = database, report, segment, source
        self.generation = new_generation() if segment else None
        self.writing: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Refuse a segment name that is not allowed or belongs to a dynamic segment."""
        if self.segment is None:
            return
        if not re.fullmatch(NAME_PATTERN, self.segment):
            raise FileFormatError(
                f"--segment {self.segment!r}: use lower-case letters, digits, '-', '_' and '.', "
                "starting with a letter or digit"
            )
        async with self.database.session() as session:
            existing = await get_segment(session, self.segment)
        if existing is not None and not existing.is_static:
            raise FileFormatError(
                f"--segment {self.segment!r} is a dynamic segment; an import makes a static "
                "one, so pick another name"
            )

    async def write(self, chunk: Chunk) -> None:
        """Write a prepared chunk in the background: the database works (SQLite in its own
        thread, PostgreSQL in its process) while the next chunk is read and prepared."""
        await self.wait()
        self.report.rows += chunk.rows
        if chunk.endpoints or chunk.users:
            self.writing = asyncio.create_task(self._write(chunk))

    async def wait(self) -> None:
        if self.writing is not None:
            writing, self.writing = self.writing, None
            await writing

    async def _write(self, chunk: Chunk) -> None:
        if self.database.dialect == "sqlite":
            staging = (
                Staging(self.segment, self.generation) if self.segment and self.generation else None
            )
            counts = await write_batch(self.database, chunk.endpoints, chunk.users, staging)
        else:
            async with self.database.session() as session:
                counts = await self._write_statements(session, chunk)
        self.report.created += counts.created
        self.report.updated += counts.updated
        self.report.unchanged += counts.unchanged
        self.report.users += len(chunk.users)

    async def _write_statements(self, session: AsyncSession, chunk: Chunk) -> WriteCounts:
        counts = await write_prepared(session, chunk.endpoints)
        if chunk.users:
            await merge_users(session, chunk.users)
        if self.segment and self.generation:
            ids = [e.id for e in chunk.endpoints]
            await stage_members(session, self.segment, self.generation, "endpoint", ids)
            users = [u.user_id for u in chunk.users if u.user_id]
            await stage_members(session, self.segment, self.generation, "user", users)
        return counts

    async def finish(self) -> None:
        await self.wait()
        if not (self.segment and self.generation):
            return
        async with self.database.session() as session:
            version, changed = await finish_import(
                session,
                self.segment,
                self.generation,
                description=f"imported from {self.source}",
                source=self.source,
            )
            found = await get_segment(session, self.segment)
        self.report.segment_version, self.report.segment_changed = version, changed
        if found is not None and found.imported is not None:
            self.report.members = found.imported.endpoints + found.imported.users

    async def abandon(self) -> None:
        """Drop what an interrupted import staged for its segment (its endpoints stay)."""
        if self.writing is not None:
            self.writing.cancel()
            with contextlib.suppress(BaseException):
                await self.writing
        if self.segment and self.generation:
            async with self.database.session() as session:
                await drop_generation(session, self.segment, self.generation)
