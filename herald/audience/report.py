"""What an import did: counts, the first problems, the segment it made."""

from __future__ import annotations

from herald.models.base import HeraldModel

# Problems kept in the report; every one goes to the import's problem handler as it happens.
MAX_REPORTED = 100


class RowProblem(HeraldModel):
    line: int
    reason: str

    def describe(self, source: str) -> str:
        return f"{source}: line {self.line}: {self.reason}"


class ImportReport(HeraldModel):
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    users: int = 0
    rejected: int = 0
    problems: list[RowProblem] = []
    segment: str | None = None
    segment_version: int | None = None
    segment_changed: bool | None = None
    members: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged
