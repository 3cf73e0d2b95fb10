"""What the schedule's routes answer, field by field, for the OpenAPI document and the
clients made from it: the export's object (docs/scheduler.md, "The export") with each
item's why, an edited hour with the rules it was forced past, a lock's outcome.

Instants are strings as the export writes them (``2027-02-01T06:00:00.000Z``), not
re-parsed: a client compares them as the export's other readers do.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["EditedHour", "HourLock", "ScheduleWindow"]


class _Answer(BaseModel):
    # Every key the export writes is named below: a key added there and not here fails
    # the tests (the schema conformance check) instead of vanishing from the answer.
    model_config = ConfigDict(extra="forbid")


class RuleView(_Answer):
    enabled: bool
    breakable: bool
    params: dict[str, Any] = Field(description="The rule's own settings from the station file.")


class RightsView(_Answer):
    territories: list[str]
    valid_from: str | None
    valid_until: str | None


class ScheduledAssetView(_Answer):
    id: str
    title: str
    artist: str | None
    artists: list[str] = Field(description="Every credited artist.")
    album: str | None
    isrc: str | None
    category: str | None
    explicit: bool
    gender: str | None
    tempo: float | None
    energy: float | None
    rights: RightsView = Field(description="The deal that lets it air that day.")


class ScheduleItemView(_Answer):
    id: str
    start: str = Field(description="When it starts, UTC with milliseconds.")
    duration_s: float = Field(description="Its air length, cue-in to cue-out.")
    overlap_next_s: float = Field(description="How long the next item overlaps its end.")
    kind: str = Field(description="music, id, jingle, promo, voice, spot, news or fill.")
    hard: bool = Field(description="Whether it starts exactly on its post.")
    nominal_start: str | None = Field(description="The clock's time for its slot.")
    slot: int | None
    category: str | None
    asset: ScheduledAssetView | None = Field(description="null for a planned item.")
    why: dict[str, Any] = Field(
        description="Why it is there: its rank in rotation, the rules it met or broke."
    )


class UnscheduledView(_Answer):
    hour: str
    slot: int | None
    category: str | None
    nominal_start: str | None
    reason: str


class RelaxationView(_Answer):
    hour: str
    slot: int | None
    item_id: str
    rule: str
    candidates: int
    rejected: int


class ShowView(_Answer):
    name: str
    hosts: list[str]


class HourView(_Answer):
    start: str
    local: str = Field(description="The hour as the station's listeners name it.")
    clock: str
    show: ShowView | None
    under_over_s: float = Field(description="How far the hour runs over (+) or under (-).")
    locked: bool
    notes: list[str]


class ScheduleWindow(_Answer):
    station: str
    timezone: str
    call_letters: str | None
    generated_at: str
    from_: str | None = Field(alias="from", description="The first hour's start.")
    to: str | None = Field(description="The last hour's end.")
    rules: dict[str, RuleView]
    items: list[ScheduleItemView]
    unscheduled: list[UnscheduledView]
    relaxations: list[RelaxationView]
    hours: list[HourView]


class ForcedRule(_Answer):
    item_id: str
    rule: str
    message: str


class EditedHour(ScheduleWindow):
    forced: list[ForcedRule] = Field(description="The rules a program director forced past.")


class HourLock(_Answer):
    hour: str
    locked: bool
    changed: bool = Field(description="False when the hour was already so.")
