"""Playout's model: what airs, how it ended, what operators asked, where the engine stands.

Audio time inside playout is counted in samples at :data:`SAMPLE_RATE`, never
in wall-clock reads; instants are UTC. An item is an *airing*: the same
schedule item that is substituted or resumed gets a new ``play_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from onair.domain.errors import DomainError
from onair.domain.library import Ending
from onair.domain.programming import ItemKind

__all__ = [
    "CHANNELS",
    "SAMPLE_RATE",
    "AirItem",
    "AsRunEntry",
    "AssetSound",
    "EndedBy",
    "OnAirState",
    "OperatorAction",
    "PlayoutEvent",
    "Trigger",
    "UnknownTrigger",
    "samples_of",
    "seconds_of",
]

SAMPLE_RATE = 48_000
CHANNELS = 2


def samples_of(seconds: float) -> int:
    """Whole samples in ``seconds`` at the engine's rate."""
    return round(seconds * SAMPLE_RATE)


def seconds_of(samples: int) -> float:
    return samples / SAMPLE_RATE


class EndedBy(StrEnum):
    """How an airing ended, as the as-run log reports it."""

    NATURAL = "natural"  # played to its cue-out with nothing over its end
    CROSSFADE = "crossfade"  # the next item started over its end at the segue
    FADE_EARLY = "fade_early"  # faded before its end so a hard item starts on time
    SKIP = "skip"  # an operator skipped it (or a break jumped over it)
    FAILOVER = "failover"  # its audio failed, or silence made the engine jump


class Trigger(StrEnum):
    """What an operator can ask of the running engine (``onair playout ...``)."""

    SKIP = "skip"  # fade the item on air now and go to the next
    INSERT_NOW = "insert_now"  # air an asset now, over the item on air
    INSERT_NEXT = "insert_next"  # air an asset after the item on air
    HOLD = "hold"  # stop after the item on air (the next waits for resume)
    BREAK_NOW = "break_now"  # jump to the next spot break
    RESUME = "resume"  # leave a hold and carry on with the schedule


class UnknownTrigger(DomainError):
    """A trigger name that is not one of :class:`Trigger`."""


class PlayoutEvent(StrEnum):
    """The event types playout publishes."""

    ITEM_STARTED = "playout.item_started"
    ITEM_ENDED = "playout.item_ended"
    TRANSITION = "playout.transition"
    STATE_CHANGED = "playout.state_changed"
    FAILOVER = "playout.failover"
    ERROR = "playout.error"
    ACTION_TAKEN = "playout.action_taken"
    LINEUP_TIMED = "playout.lineup_timed"  # the next items, and the air's time to the next post
    PROGRAM_METERED = "playout.program_metered"  # broadcast: peak and momentary loudness


@dataclass(frozen=True)
class OperatorAction:
    """One operator trigger, with who asked and when (the compliance trail keeps these)."""

    id: str
    station: str
    trigger: Trigger
    who: str
    at: datetime
    asset_id: str | None = None  # what insert_now / insert_next air
    note: str | None = None
    correlation_id: str | None = None


@dataclass(frozen=True)
class AirItem:
    """One airing: the schedule's place for it and the asset's sound.

    Seconds are from the start of the master file, as ingest measured them:
    audio airs from ``cue_in_s`` to ``cue_out_s``; ``intro_s`` is the post
    (where the vocal starts); ``segue_s`` is where the next item may start.
    """

    play_id: str
    asset_id: str
    kind: ItemKind
    category: str
    title: str
    artist: str | None
    master_key: str
    cue_in_s: float
    cue_out_s: float
    intro_s: float
    segue_s: float
    gain_db: float
    ending: Ending = Ending.FADE
    schedule_item_id: str | None = None  # None: inserted, fill or fallback rotation
    scheduled_start: datetime | None = None
    # Where the schedule's next item starts: a shorter substitute is followed by fill to here.
    scheduled_end: datetime | None = None
    hard: bool = False
    overlap_next_ms: int | None = None  # the schedule's overlap with the next; None: natural
    planned_ms: int | None = None  # the schedule's air length, shorter when it fades early
    talk_up: bool = False  # a voice that airs over the next song's intro
    substitution_reason: str | None = None  # why this asset airs instead of the scheduled one
    duck_db: float | None = None  # a talk-up's own duck of the song under it; None: the station's

    @property
    def sound(self) -> AssetSound:
        """The asset's sound as this airing has it (cue points, gain, master)."""
        return AssetSound(self.asset_id, self.master_key, self.cue_in_s, self.cue_out_s,
                          self.intro_s, self.segue_s, self.gain_db, self.ending,
                          self.duck_db)  # fmt: skip

    @property
    def length_s(self) -> float:
        return self.cue_out_s - self.cue_in_s

    @property
    def length_samples(self) -> int:
        return samples_of(self.cue_out_s) - samples_of(self.cue_in_s)

    @property
    def natural_overlap_samples(self) -> int:
        """From the segue point to cue-out: how far the next item may start over this one."""
        return max(0, samples_of(self.cue_out_s) - max(samples_of(self.segue_s), 0))

    @property
    def post_samples(self) -> int:
        """The post, in samples from cue-in (0 for a cold open)."""
        return max(0, samples_of(self.intro_s) - samples_of(self.cue_in_s))


@dataclass(frozen=True)
class AsRunEntry:
    """What really aired: when, for how long, how it ended, and why it differs from the plan."""

    play_id: str
    station: str
    asset_id: str | None
    kind: ItemKind
    category: str
    title: str
    artist: str | None
    actual_start: datetime
    duration_s: float
    ended_by: EndedBy
    schedule_item_id: str | None = None
    scheduled_start: datetime | None = None
    substitution_reason: str | None = None
    # Timing repairs made around this airing, e.g. "faded 12.4 s early for the hard ID".
    adjustments: tuple[str, ...] = ()
    listeners: int | None = None  # the most listeners at once during it (stream and Icecast)

    @property
    def actual_end(self) -> datetime:
        return self.actual_start + timedelta(seconds=self.duration_s)

    @property
    def start_error_ms(self) -> float | None:
        """Actual minus scheduled start, in ms (None for an unscheduled airing)."""
        if self.scheduled_start is None:
            return None
        return (self.actual_start - self.scheduled_start).total_seconds() * 1000


@dataclass(frozen=True)
class OnAirState:
    """Where the engine stands, saved so a restarted engine resumes the right sample.

    ``started_at`` is the instant the airing's first sample went out; a restart
    at instant R resumes it ``R - started_at`` in, if it has not ended by then.
    """

    station: str
    play_id: str
    asset_id: str
    schedule_item_id: str | None
    started_at: datetime
    offset_samples: int  # how far into the airing the engine had rendered when saved
    saved_at: datetime
    held: bool = False
    queued: tuple[str, ...] = field(default=())  # asset ids inserted next, in order


@dataclass(frozen=True)
class AssetSound:
    """How an asset sounds on air, as ingest measured it (seconds from the file's start)."""

    asset_id: str
    master_key: str
    cue_in_s: float
    cue_out_s: float
    intro_s: float
    segue_s: float
    gain_db: float
    ending: Ending = Ending.FADE
    # How far a voice talking up a song ducks it (dB down); None: the station's setting.
    duck_db: float | None = None
