"""When a campaign runs (`CampaignSchedule`) and when, within each run, a treatment with a
schedule of its own sends (`TreatmentSchedule`). Shaped on Pinpoint's Schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from herald.models.base import HeraldModel
from herald.models.cron import cron_problem
from herald.models.journey_settings import QuietTime
from herald.models.zones import known_timezone, temporal_zone, zone_of

Frequency = Literal["ONCE", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "CRON", "EVENT"]
RECURRING = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "CRON")
# The shortest gap between two runs of each fixed frequency (a month is at least 28 days).
PERIODS = {
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(days=7),
    "MONTHLY": timedelta(days=28),
}


def parsed_cron(value: str | None) -> str | None:
    if value is not None and (problem := cron_problem(value)):
        raise ValueError(problem)
    return value


def with_offset(value: datetime | None, info: ValidationInfo) -> datetime | None:
    """A pydantic validator: a time must say its UTC offset, since the schedules and
    timers would read one without in the server's own timezone (an hour apart on two
    servers). A campaign stored before this check stays readable."""
    stored = isinstance(info.context, dict) and bool(info.context.get("stored"))
    if value is not None and value.tzinfo is None and not stored:
        raise ValueError(
            "needs a UTC offset, e.g. 2030-01-31T09:00:00Z or 2030-01-31T10:00:00+01:00"
        )
    return value


class CampaignEvent(HeraldModel):
    """An event-triggered campaign's event: its type, and attributes that must all match."""

    event_type: str = Field(min_length=1)
    attributes: dict[str, str] = Field(default_factory=dict)


class CampaignSchedule(HeraldModel):
    start_time: datetime | None = Field(default=None, description="None: immediately.")
    end_time: datetime | None = Field(default=None, description="No run starts after it.")
    frequency: Frequency = "ONCE"
    cron: str | None = Field(default=None, description="frequency CRON: 5 fields, m h dom mon dow")
    timezone: str = Field(
        default="UTC", description="An IANA name (Europe/Paris) or a fixed offset (UTC+05:30)."
    )
    local_time: bool = Field(
        default=False, description="start_time's wall time in each endpoint's own timezone."
    )
    event: CampaignEvent | None = Field(default=None, description="frequency EVENT: the event.")

    _zone = field_validator("timezone")(known_timezone)
    _cron = field_validator("cron")(parsed_cron)
    _offsets = field_validator("start_time", "end_time")(with_offset)

    @model_validator(mode="after")
    def _consistent(self) -> CampaignSchedule:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError("end_time: must be after start_time")
        if (self.frequency == "CRON") != (self.cron is not None):
            raise ValueError("cron: required with frequency CRON and allowed only with it")
        if (self.frequency == "EVENT") != (self.event is not None):
            raise ValueError("event: required with frequency EVENT and allowed only with it")
        if self.local_time and self.frequency == "EVENT":
            raise ValueError("local_time: not with frequency EVENT (events are sent at once)")
        if problem := self._utc_calendar_problem():
            raise ValueError(problem)
        return self

    def _utc_calendar_problem(self) -> str | None:
        """Why this schedule, in an offset with minutes, has no exact Temporal calendar in
        UTC (herald.models.zones.temporal_zone): a cron's fields, or a monthly day that
        falls on a day in UTC that not every month has."""
        if self.local_time or temporal_zone(self.timezone) is not None:
            return None
        zone = self.timezone
        iana = "an IANA zone such as America/St_Johns (which keeps daylight saving time)"
        if self.frequency == "CRON":
            return f"timezone: {zone} has minutes; a CRON schedule needs {iana} or UTC+HH"
        if self.frequency != "MONTHLY":
            return None
        if self.start_time is None:
            return f"start_time: a MONTHLY schedule in {zone} needs one; or use {iana}"
        local, utc = self.start_time.astimezone(zone_of(zone)), self.start_time.astimezone(UTC)
        # A day moved by the offset is the same day of every month only if neither day is
        # past the 28th (some months lack it) and the move stays inside the month.
        moved = local.day != utc.day
        if moved and (local.month != utc.month or max(local.day, utc.day) > 28):
            return (
                f"start_time: day {local.day} at {local:%H:%M} in {zone} is day {utc.day} in "
                f"UTC, which no monthly calendar follows; choose another day or time, or {iana}"
            )
        return None


class TreatmentSchedule(HeraldModel):
    """A treatment's own time within each run of its campaign.

    The run stays the campaign's: it starts at the campaign's time, copies the segment and
    assigns every treatment then; the members of a treatment with its own schedule wait in
    the run (a durable timer of the run's workflow) until the treatment's time, and are sent
    with the treatment's local-time delivery and quiet time instead of the campaign's.

    - ONCE: `start_time` is when the treatment sends. Recurring: the treatment keeps, in
      every run, the distance its `start_time` has from the campaign's `start_time`
      (campaign daily at 09:00, treatment at 15:00: each run sends the treatment at 15:00);
      that distance is under one period and the campaign needs a `start_time`.
    - A treatment never sends before its run: `start_time` is not before the campaign's.
    - `frequency` (and `cron`) may only repeat the campaign's: a treatment has no runs of
      its own. Not allowed at all in an EVENT campaign, whose messages go at once.
    - `end_time`: none of the treatment's messages goes out at or after it; its members
      not sent by then are skipped with that reason (in every later run too).
    - `timezone`, `local_time`: as the campaign's, for this treatment; unset, the campaign's.
    - `quiet_time`: replaces the campaign's for this treatment's members.
    - `limits.maximum_duration` counts from the run's start; a treatment starting after the
      run's time is up is refused.
    """

    start_time: datetime | None = Field(default=None, description="None: the run's own time.")
    end_time: datetime | None = Field(default=None, description="Nothing sent at or after it.")
    frequency: Frequency | None = Field(default=None, description="Only the campaign's.")
    cron: str | None = Field(default=None, description="Only the campaign's.")
    timezone: str | None = Field(default=None, description="None: the campaign's.")
    local_time: bool | None = Field(default=None, description="None: the campaign's.")
    quiet_time: QuietTime | None = Field(default=None, description="None: the campaign's.")

    _cron = field_validator("cron")(parsed_cron)
    _offsets = field_validator("start_time", "end_time")(with_offset)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else known_timezone(value)

    @model_validator(mode="after")
    def _ordered(self) -> TreatmentSchedule:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError("end_time: must be after start_time")
        return self


def treatment_schedule_problem(
    campaign: CampaignSchedule, own: TreatmentSchedule, maximum: timedelta | None, path: str
) -> str | None:
    """Why a treatment's schedule `own` (at `path`) cannot run inside `campaign`'s runs."""
    freq = campaign.frequency
    if freq == "EVENT":
        return f"{path}: not with frequency EVENT (an event's message is sent at once)"
    if own.frequency is not None and own.frequency != freq:
        return (
            f"{path}.frequency: {own.frequency} is not schedule.frequency {freq}; a treatment "
            f"is sent in its campaign's runs (leave it out or give {freq})"
        )
    if own.cron is not None and own.cron != campaign.cron:
        return f"{path}.cron: must be schedule.cron ({campaign.cron}) or left out"
    if own.start_time is None:
        return None
    if campaign.start_time is None:
        if freq in RECURRING:
            return (
                f"{path}.start_time: needs schedule.start_time (a recurring treatment's time "
                "is its distance from the campaign's)"
            )
        return None
    return _offset_problem(campaign, own.start_time - campaign.start_time, maximum, path)


def _offset_problem(
    campaign: CampaignSchedule, offset: timedelta, maximum: timedelta | None, path: str
) -> str | None:
    if offset < timedelta(0):
        return (
            f"{path}.start_time: before schedule.start_time; a treatment sends within its "
            "campaign's run (give the campaign the earliest time)"
        )
    period = PERIODS.get(campaign.frequency)
    if period is not None and offset >= period:
        return (
            f"{path}.start_time: {offset} after schedule.start_time; must be less than one "
            f"{campaign.frequency} period ({period})"
        )
    if maximum is not None and offset >= maximum:
        return (
            f"{path}.start_time: {offset} after the run starts, but limits.maximum_duration "
            f"({maximum}) ends the run before"
        )
    return None
