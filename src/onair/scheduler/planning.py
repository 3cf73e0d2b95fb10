"""What planning an hour works with: the program, rotations, checks and the history so far.

Also the draft of an item while the hour is planned, before it gets its id and
final instant.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import Playable
from onair.scheduler.air_history import AirHistory, Play
from onair.scheduler.checks import Check, Moment
from onair.scheduler.rotation import Rotation, Turn

__all__ = ["Draft", "PlanningState", "Reach"]


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
    # A playlist's item: its asset and instant are set, the search leaves it as it is.
    pinned: bool = False

    @property
    def advance_ms(self) -> int:
        """From this item's start to the next item's start."""
        return self.length_ms - self.overlap_ms

    @property
    def is_music(self) -> bool:
        """A song position the stretch's search fills (a playlist's songs are set already)."""
        return self.kind is ItemKind.MUSIC and not self.pinned


@dataclass(frozen=True)
class Reach:
    """The lengths of time a category's songs can fill up to a post, as merged intervals.

    A song fills anything from its length less its natural overlap and the early
    fade allowed, to its full length. Songs whose intro a voice link may talk up
    are kept apart: a straight link before the others adds its own length.
    """

    talk_up: tuple[tuple[int, int], ...]
    straight: tuple[tuple[int, int], ...]
    talk_up_share: float  # of the category's songs, those with an intro to talk up

    @classmethod
    def of(cls, songs: list[Playable], fade_ms: int, talkup_min_ms: int, least_ms: int) -> Reach:
        talk: tuple[list[int], list[int]] = ([], [])
        straight: tuple[list[int], list[int]] = ([], [])
        for s in songs:
            lows, highs = talk if s.intro_ms >= talkup_min_ms else straight
            # The advance (length less natural overlap) is the shorter of length and segue.
            length, segue = s.length_ms, s.segue_ms
            low = (segue if segue < length else length) - fade_ms
            lows.append(low if low > least_ms else least_ms)
            highs.append(length)
        share = len(talk[0]) / len(songs) if songs else 0.0
        return cls(_merged(*talk), _merged(*straight), share)

    def fills(self, left_ms: int, voice_ms: int | None) -> bool:
        """Whether some song (after a voice link of ``voice_ms``, if any) fills ``left_ms``."""
        straight = left_ms - voice_ms if voice_ms is not None else left_ms
        return _within(self.talk_up, left_ms) or _within(self.straight, straight)


def _merged(lows: list[int], highs: list[int]) -> tuple[tuple[int, int], ...]:
    """The intervals ``[lows[i], highs[i]]`` merged where they touch or overlap."""
    out: list[tuple[int, int]] = []
    # By low only: intervals of one low merge whatever their order (an index sort of
    # ints is quicker than sorting 90,000 pairs).
    for i in sorted(range(len(lows)), key=lows.__getitem__):
        low, high = lows[i], highs[i]
        if out and low <= out[-1][1]:
            if high > out[-1][1]:
                out[-1] = (out[-1][0], high)
        else:
            out.append((low, high))
    return tuple(out)


def _within(spans: tuple[tuple[int, int], ...], value: int) -> bool:
    index = bisect_right(spans, (value, 1 << 62)) - 1
    return index >= 0 and spans[index][0] <= value <= spans[index][1]


def natural_overlap(song: Playable) -> int:
    """How long the next item overlaps this one's end when it starts at the segue."""
    return max(0, song.length_ms - song.segue_ms)


@dataclass
class PlanningState:
    """What planning an hour works with: the program, rotations, checks and history so far."""

    program: StationProgram
    rotations: dict[str, Rotation]
    checks: dict[str, list[Check]]
    history: AirHistory
    zone: ZoneInfo
    # Per category: the shortest and longest a song of it advances the hour, all but
    # the 5% extremes on each side (spans) and the middle half (usual).
    spans: dict[str, tuple[int, int]]
    usual: dict[str, tuple[int, int]]
    # Per category: the advances its songs can land a post with (see Reach).
    reach: dict[str, Reach]
    # Per category: the longest natural overlap of its songs.
    longest_overlap: dict[str, int]
    # Each playlist the program airs: its items' asset ids, with the asset (None: gone).
    playlists: dict[str, tuple[tuple[str, Playable | None], ...]] = field(default_factory=dict)
    # Each playlist's next item and where the last one aired ended, for it to carry on.
    playlist_at: dict[str, tuple[int, int]] = field(default_factory=dict)

    def moment(self, at_ms: int) -> Moment:
        return Moment.at(at_ms, self.zone)

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
        if draft.is_music:  # an empty position takes no time
            draft.length_ms = draft.overlap_ms = 0
