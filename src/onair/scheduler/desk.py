"""What planning an hour works with: the program, rotations, checks and the history so far.

Also the draft of an item while the hour is planned, before it gets its id and
final instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import Playable
from onair.scheduler.air_history import AirHistory, Play
from onair.scheduler.checks import Check, Moment
from onair.scheduler.rotation import Rotation, Turn

__all__ = ["Desk", "Draft"]


@dataclass
class Draft:
    """An item being planned: its slot, its song or asset, its length and overlap."""

    kind: ItemKind
    category: str
    slot: int | None
    hard: bool = False
    nominal_ms: int | None = None
    song: Playable | None = None
    length_ms: int = 0
    planned_ms: int = 0  # the category's planned length, for an item filled later
    overlap_ms: int = 0
    start_ms: int = 0
    why: dict[str, Any] = field(default_factory=dict)
    relaxed: tuple[str, ...] = ()
    unscheduled: str | None = None  # why nothing could go here
    turn: Turn | None = None

    @property
    def advance_ms(self) -> int:
        """From this item's start to the next item's start."""
        return self.length_ms - self.overlap_ms

    @property
    def is_music(self) -> bool:
        return self.kind is ItemKind.MUSIC


def natural_overlap(song: Playable) -> int:
    """How long the next item overlaps this one's end when it starts at the segue."""
    return max(0, song.length_ms - song.segue_ms)


@dataclass
class Desk:
    program: StationProgram
    rotations: dict[str, Rotation]
    checks: dict[str, list[Check]]
    history: AirHistory
    zone: ZoneInfo
    # Per category: the shortest and longest a song of it can advance the hour.
    spans: dict[str, tuple[int, int]]

    def moment(self, at_ms: int) -> Moment:
        local = datetime.fromtimestamp(at_ms / 1000, self.zone)
        return Moment(at_ms, local.date(), local.time())

    def place(self, draft: Draft, song: Playable, at_ms: int) -> None:
        """Put ``song`` in ``draft`` at ``at_ms``: the rotation and the history learn it."""
        draft.song = song
        draft.start_ms = at_ms
        draft.length_ms = song.length_ms
        if draft.is_music:
            draft.overlap_ms = natural_overlap(song)
        draft.turn = self.rotations[draft.category].place(song, at_ms)
        if draft.is_music:
            moment = self.moment(at_ms)
            self.history.push(Play(song, at_ms, moment.local_day, moment.quarter, draft.category))

    def unplace(self, draft: Draft) -> None:
        """Undo the latest :meth:`place`."""
        assert draft.turn is not None
        if draft.is_music:
            self.history.pop()
        self.rotations[draft.category].undo(draft.turn)
        draft.song, draft.turn, draft.relaxed = None, None, ()
