"""The plan and the air agree: an item planned for the length its segment airs for.

A segment rarely airs for exactly its item's planned length: a voiced link
fits under its budget, a liner standing in runs its own length, and a link
planned over an intro that turned out too short airs straight before the
song. Each time the difference is more than a tenth of a second, or the
segment airs straight where the plan talks over a song (or the other way
round), the scheduler is asked to plan the item for what airs, and re-times
the hour to its post. A dropped segment airs nothing and is left to
playout's stand-in. A straight link whose plan still talks over a song
that opens cold would air over the vocal: it is held back instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from onair.agents.errors import PlanNotCorrected
from onair.agents.ports import PlanCorrections
from onair.domain.programming import ItemKind
from onair.domain.schedule import ScheduledItem
from onair.domain.segments import Segment, SegmentStatus

__all__ = ["AGREE_MS", "Agreed", "Correction", "agree", "correction_for", "over_vocal"]

AGREE_MS = 100  # a plan within this of what airs is left as it is


@dataclass(frozen=True)
class Correction:
    length_ms: int
    straight: bool
    reason: str


@dataclass(frozen=True)
class Agreed:
    note: str  # what the scheduler changed, or why it would not
    corrected: bool


def over_vocal(item: ScheduledItem, segment: Segment) -> bool:
    """Whether ``segment`` runs straight but ``item`` is planned over the next song's start."""
    talks_up = item.kind is ItemKind.VOICE and item.overlap_next_ms >= item.duration_ms
    return talks_up and segment.post_ms is None and segment.status is not SegmentStatus.DROPPED


def correction_for(item: ScheduledItem, segment: Segment) -> Correction | None:
    """What ``item``'s plan must say for ``segment`` to air as planned; None when it does."""
    if segment.status is SegmentStatus.DROPPED or segment.duration_ms <= 0:
        return None
    straight = segment.post_ms is None  # a talk-up segment ends before the song's post
    planned_straight = item.kind is not ItemKind.VOICE or item.overlap_next_ms < item.duration_ms
    length = segment.duration_ms
    if straight == planned_straight and abs(length - item.duration_ms) <= AGREE_MS:
        return None
    if segment.status is SegmentStatus.FALLBACK:
        reason = f"the liner standing in runs {length / 1000:.1f} s"
    else:
        reason = f"voiced {length / 1000:.1f} s of the {segment.planned_ms / 1000:.1f} s planned"
    if straight and not planned_straight:
        reason += "; the next song's intro is too short to talk over, so it airs before it"
    return Correction(length, straight, reason)


def agree(
    corrections: PlanCorrections, station: str, item: ScheduledItem, segment: Segment
) -> Agreed | None:
    """Ask the scheduler to plan ``item`` for what ``segment`` airs; None when it does already."""
    wanted = correction_for(item, segment)
    if wanted is None:
        return None
    try:
        note = corrections.correct(station, item.id, wanted.length_ms,
                                   straight=wanted.straight, reason=wanted.reason)  # fmt: skip
    except PlanNotCorrected as exc:
        return Agreed(f"plan not corrected ({wanted.reason}): {exc}", corrected=False)
    return Agreed(note, corrected=True)
