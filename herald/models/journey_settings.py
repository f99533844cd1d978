"""Journey settings: how participants enter, when the journey runs, and sending limits."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from herald.models.base import HeraldModel
from herald.models.channel import MessageChannel
from herald.models.journey_steps import Weekday
from herald.models.names import ResourceName
from herald.models.zones import known_timezone


class SegmentEntry(HeraldModel):
    segment: ResourceName
    # Zero or less would re-walk the segment with no pause between walks.
    refresh: timedelta | None = Field(
        default=None, gt=timedelta(0), description="Admit new members this often."
    )
    page_size: int = Field(default=500, ge=1, le=10_000, description="Members admitted per page.")


class EventEntry(HeraldModel):
    event_type: str = Field(min_length=1)
    attributes: dict[str, str] = Field(default_factory=dict, description="All must match.")
    segment: ResourceName | None = Field(default=None, description="Only members may enter.")


ParticipantKind = Literal["endpoint", "user"]


class Entry(HeraldModel):
    """No segment and no event: participants enter only directly (client, CLI, API)."""

    participant: ParticipantKind = Field(
        default="endpoint",
        description="Who moves through the journey: one endpoint, or a user with all of their "
        "endpoints (a send reaches each of the user's endpoints on the step's channel).",
    )
    segment: SegmentEntry | None = None
    event: EventEntry | None = None

    @model_validator(mode="after")
    def _one_start(self) -> Entry:
        if self.segment and self.event:
            raise ValueError("entry takes `segment` or `event`, not both")
        return self


class ReEntry(HeraldModel):
    allowed: bool = False
    max_entries: int | None = Field(default=None, ge=1, description="Per participant, ever.")
    # Zero is no minimum (Pinpoint exports carry EndpointReentryInterval PT0S); negative is
    # a mistake.
    min_interval: timedelta | None = Field(
        default=None, ge=timedelta(0), description="Between two entries; unset: no minimum."
    )


class Schedule(HeraldModel):
    start: datetime | None = None
    end: datetime | None = None
    timezone: str = Field(
        default="UTC",
        description="Participants without a timezone of their own: an IANA name or UTC±HH[:MM].",
    )

    # An unknown name would otherwise fall back to UTC at send time, moving quiet time silently.
    _zone = field_validator("timezone")(known_timezone)

    @model_validator(mode="after")
    def _ordered(self) -> Schedule:
        for field in ("start", "end"):
            value = getattr(self, field)
            if value is not None and value.tzinfo is None:  # cannot be compared with now
                raise ValueError(f"schedule `{field}` needs a UTC offset, e.g. 2030-01-31T09:00Z")
        if self.start and self.end and self.end <= self.start:
            raise ValueError("schedule `end` must be after `start`")
        return self


class TimeframeCap(HeraldModel):
    count: int = Field(ge=1)
    window: timedelta = Field(gt=timedelta(0))


class Limits(HeraldModel):
    daily_cap: int | None = Field(default=None, ge=1, description="Messages per participant/day.")
    total_cap: int | None = Field(default=None, ge=1, description="Messages per participant.")
    timeframe_cap: TimeframeCap | None = None
    messages_per_second: int | None = Field(default=None, ge=1)


def _wall_clock(at: time) -> time:
    return at.replace(tzinfo=None)


# A time on the participant's own clock. An offset written on it ("22:00Z") is dropped, as
# sending reads it in the participant's timezone; kept, it could not be compared with a
# local time at all.
WallTime = Annotated[time, AfterValidator(_wall_clock)]


class QuietTime(HeraldModel):
    """Local hours (in the participant's timezone) when nothing is sent."""

    start: WallTime
    end: WallTime
    mode: Literal["wait", "skip"] = Field(
        default="wait", description="Hold until it ends, or skip."
    )


class Window(HeraldModel):
    """One day's opening, `start` to `end` on that day. Unlike quiet time it does not wrap
    past midnight: a night is two windows, one on each day."""

    start: WallTime
    end: WallTime

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: time, info: ValidationInfo) -> time:
        start = info.data.get("start")
        # An end at or before the start would be a window that is never open, so every
        # message on the channel would be deferred until it is given up.
        if start is not None and end <= start:
            raise ValueError(
                f"`end` {end.isoformat()} must be after `start` {start.isoformat()}: a window "
                "ends after it starts on the same day; to cover a night, use two windows on the "
                "two days, e.g. MON 22:00-23:59:59 and TUE 00:00-06:00"
            )
        return end


class OpenHours(HeraldModel):
    """Per channel and weekday, the local windows when sending is allowed."""

    channels: dict[MessageChannel, dict[Weekday, list[Window]]] = Field(default_factory=dict)


class ClosedDay(HeraldModel):
    """Closed from `start` to `end`; without a UTC offset both are the participant's local time."""

    name: str = ""
    start: datetime
    end: datetime

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is None:
            return end
        # A local and an absolute time cannot be ordered without the participant's timezone;
        # sending reads each in it, so such a day works and is accepted as it always was.
        if (start.tzinfo is None) != (end.tzinfo is None):
            return end
        # An end at or before the start is a closure that never holds anything.
        if end <= start:
            raise ValueError(f"`end` {end.isoformat()} must be after `start` {start.isoformat()}")
        return end


class JourneySettings(HeraldModel):
    entry: Entry = Field(default_factory=Entry)
    re_entry: ReEntry = Field(default_factory=ReEntry)
    schedule: Schedule = Field(default_factory=Schedule)
    limits: Limits = Field(default_factory=Limits)
    quiet_time: QuietTime | None = None
    open_hours: OpenHours | None = None
    closed_days: dict[MessageChannel, list[ClosedDay]] = Field(default_factory=dict)
