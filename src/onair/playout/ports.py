"""What playout needs from the outside: the schedule, the library, masters, its own records,
and somewhere to report its listeners."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractContextManager
from datetime import datetime
from typing import BinaryIO, Protocol

from onair.domain.playout import AsRunEntry, AssetSound, OnAirState, OperatorAction
from onair.domain.schedule import Playable, ScheduledItem

__all__ = [
    "AsRunLog",
    "ListenerGauge",
    "Masters",
    "OnAirStore",
    "OperatorLog",
    "PlayoutLibrary",
    "PlayoutSchedule",
    "StreamMetrics",
    "WallClock",
]


class PlayoutSchedule(Protocol):
    """The published schedule as playout follows it."""

    def history(self, station: str, start: datetime, end: datetime) -> list[ScheduledItem]:
        """The items starting in ``[start, end)``, in air order."""
        ...


class PlayoutLibrary(Protocol):
    """The library as playout reads it: rule facts for air-time checks, and the sound."""

    def playables(self, station: str, ids: Collection[str] | None = None) -> list[Playable]:
        """Every asset of the station (or those of ``ids``), with rights and category."""
        ...

    def sounds(self, station: str, ids: Collection[str]) -> dict[str, AssetSound]:
        """Cue points, gain and master of each of ``ids`` that has audio; others are absent."""
        ...


class Masters(Protocol):
    """The object store's audio masters (the storage ObjectStore fits this)."""

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A binary stream of the object; raises if it is missing or the store is away."""
        ...


class AsRunLog(Protocol):
    """What really aired; entries are only ever added."""

    def record(self, entry: AsRunEntry) -> None:
        """Store ``entry``; recording the same ``play_id`` again changes nothing."""
        ...

    def between(self, station: str, start: datetime, end: datetime) -> list[AsRunEntry]:
        """Airings that started in ``[start, end)``, in air order."""
        ...


class OnAirStore(Protocol):
    """Where the engine stands, one row per station."""

    def save(self, state: OnAirState) -> None: ...

    def load(self, station: str) -> OnAirState | None: ...


class OperatorLog(Protocol):
    """Operator triggers, with who and when."""

    def record(self, action: OperatorAction) -> None: ...

    def between(self, station: str, start: datetime, end: datetime) -> list[OperatorAction]: ...


class ListenerGauge(Protocol):
    """Where the listeners on each mount are counted (Prometheus in a running station)."""

    def listeners(self, mount: str, count: int) -> None:
        """``mount`` has ``count`` listeners now."""
        ...


class StreamMetrics(ListenerGauge, Protocol):
    """The built-in stream's listener figures: those connected, and those dropped."""

    def dropped(self, mount: str) -> None:
        """A listener of ``mount`` was dropped for reading too slowly."""
        ...


class WallClock(Protocol):
    """Seconds since the epoch, as ``time.time`` reads them: the clock the air is paced by.

    Every instant an engine records (as-run, on-air state, operator actions) is
    read from it, so a shifted clock (the benchmark's) shifts them all alike.
    """

    def __call__(self) -> float: ...
