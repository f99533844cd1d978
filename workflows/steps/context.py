"""What every step function gets: the workflow input, the participant's live state, and the
signals received so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import JourneyInput, JourneyState
    from herald.models.journey_progress import JourneyProgress
    from herald.models.journey_run import EventSignal, MigrateSignal, ReplySignal
    from herald.models.journey_settings import ParticipantKind


class Stopped(Exception):
    """The participant was cancelled while on a step."""


class Migrating(Exception):
    """A migration to a new journey version arrived while the participant waited."""


@dataclass
class Inbox:
    """Signals as they arrive. Lists only grow, so a step remembers where it started."""

    events: list[EventSignal] = field(default_factory=list)
    replies: list[ReplySignal] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    paused: bool = False
    # Whether a pause or resume reached this run: it outranks a pause carried from the last.
    pause_signalled: bool = False
    cancel_reason: str | None = None
    migrate: MigrateSignal | None = None

    def interrupted(self) -> bool:
        return self.paused or self.cancel_reason is not None or self.migrate is not None


@dataclass
class StepContext:
    inp: JourneyInput
    state: JourneyState
    inbox: Inbox
    # Progress a send step carries to the store with its outcome (set by the journey loop),
    # and whether the send's outcome, so the progress, was recorded.
    progress: JourneyProgress | None = None
    progress_recorded: bool = False
    # A migration: how long the participant had waited when it left its wait (carried to
    # the new version), and, in the new version's run, the time its first step's duration or
    # timeout counts as already waited.
    waited: timedelta | None = None
    credit: timedelta = timedelta()
    # Where the inbox stood (events, replies) when the current waiting step began, and, in
    # a migrated run, whether its first step counts what the inbox holds from the start.
    inbox_mark: tuple[int, int] | None = None
    from_start: bool = False
    # Where the inbox stood when the participant reached the current step, before a pause
    # could hold it there: the hold is part of the step, so its wait counts what came since.
    reached_mark: tuple[int, int] = (0, 0)
    # The key of the send that quiet time (open hours, a closed day) holds: its claim stays
    # PENDING until the send goes, so a participant leaving meanwhile settles it.
    held_key: str | None = None
    # Where the replies stood when each send step's message went, and how many replies waits
    # have taken: a wait for the reply to a message counts from the message, not from the
    # wait, less what an earlier wait took.
    reply_marks: dict[str, int] = field(default_factory=dict)
    replies_taken: int = 0

    def mark_reached(self) -> None:
        """The participant reaches a step (a migrated run's first counts all it was given)."""
        here = (len(self.inbox.events), len(self.inbox.replies))
        self.reached_mark = (0, 0) if self.from_start else here

    def mark_inbox(self) -> tuple[int, int]:
        """The step begins waiting: what it counts starts here (events, replies)."""
        here = (len(self.inbox.events), len(self.inbox.replies))
        self.inbox_mark = (0, 0) if self.from_start else here
        return self.inbox_mark

    def deadline(self, length: timedelta) -> datetime:
        """When a wait of `length` starting now ends, less any credit from a migration."""
        return workflow.now() + max(length - self.credit, timedelta())

    def migration_step(self, target: MigrateSignal) -> str:
        """Where a migration to `target` would resume: the current step, mapped."""
        current = self.state.current_step or self.inp.journey.start
        return target.step_map.get(current, current)

    @property
    def participant(self) -> str:
        return self.inp.participant_id

    @property
    def participant_kind(self) -> ParticipantKind:
        return self.inp.journey.settings.entry.participant
