"""What the timeline works with: an airing on the sample clock, what happens to it, its settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from onair.domain.playout import AirItem, EndedBy, samples_of

__all__ = ["Airing", "Happening", "HappeningKind", "TimelineSettings", "planned_length", "span_of"]


@dataclass(frozen=True)
class TimelineSettings:
    """How the engine bends time and sound; every figure a station engineer may tune."""

    duck_db: float = 12.0  # music under a talk-up voice
    duck_ramp_s: float = 0.3
    early_fade_s: float = 2.0  # a song faded early for a hard post fades this long
    skip_fade_s: float = 1.0
    hard_tolerance_s: float = 0.5  # a hard item this close to its post starts where it is
    retime_s: float = 1.0  # the air this far off the schedule wins the time back (back-timing)
    min_play_s: float = 10.0  # a soft item that would air less than this before a post is dropped
    link_early_s: float = 30.0  # a voice link reached this far early is dropped (see back_timing)
    fill_early_s: float = 30.0  # the air this far early, and no song to win it back: fill airs
    cold_cut_s: float = 0.01  # the de-click on a hard cut into a cold open
    lead_s: float = 3.0  # how long before its start an item is placed on the mixer
    silence_dbfs: float = -50.0
    silence_s: float = 5.0


class HappeningKind(StrEnum):
    STARTED = "started"
    ENDED = "ended"
    TRANSITION = "transition"
    FAILOVER = "failover"
    ERROR = "error"


@dataclass
class Airing:
    """An item placed on the mixer: where it starts, where the next starts, how it ended."""

    item: AirItem
    start: int
    length: int
    next_at: int
    ended_by: EndedBy = EndedBy.NATURAL
    adjustments: list[str] = field(default_factory=list)
    started: bool = False
    joined_at: int | None = None  # where this run joined it part way (no saved state said so)

    @property
    def first_heard(self) -> int:
        """The sample it was first heard from in this run."""
        return self.start if self.joined_at is None else self.joined_at


@dataclass(frozen=True)
class Happening:
    """Something that happened at a station sample (the engine turns these into events)."""

    kind: HappeningKind
    sample: int
    airing: Airing | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def planned_length(item: AirItem, length: int) -> tuple[int, int]:
    """How long ``item`` (``length`` samples of audio) airs, and its overlap with the next.

    The schedule's length and overlap when it gave them (a planned early fade, a
    substitute in a scheduled item's time), else the whole item and its natural
    overlap from the segue point to cue-out.
    """
    if item.planned_ms is not None and item.overlap_next_ms is not None:
        planned = min(length, samples_of(item.planned_ms / 1000))
        return planned, min(samples_of(item.overlap_next_ms / 1000), planned)
    return length, min(item.natural_overlap_samples, length)


def span_of(item: AirItem, length: int) -> int:
    """Samples from ``item``'s start to where the next item starts."""
    planned, overlap = planned_length(item, length)
    return planned - overlap
