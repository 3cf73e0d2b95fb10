"""What a rule check is: a verdict on one song at one moment, given what aired around it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from onair.domain.schedule import Playable
from onair.scheduler.air_history import AirHistory

__all__ = ["MINUTE_MS", "Check", "Moment", "Verdict", "again_too_soon", "minutes_between"]

MINUTE_MS = 60_000


@dataclass(frozen=True, slots=True)
class Moment:
    """Where a song would air: the instant and the station-local day and time."""

    at_ms: int
    local_day: date
    local_time: time

    @classmethod
    def at(cls, at_ms: int, zone: ZoneInfo) -> Moment:
        local = datetime.fromtimestamp(at_ms / 1000, zone)
        return cls(at_ms, local.date(), local.time())

    @property
    def quarter(self) -> int:
        return (self.local_time.hour * 60 + self.local_time.minute) // 15


Verdict = Callable[[Playable, Moment, AirHistory], str | None]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    breakable: bool
    verdict: Verdict
    # The same verdict, its reason without what only a person reads (and costs to find):
    # for a scan that has shown enough reasons for the rule already.
    brief: Verdict | None = None


def minutes_between(earlier_ms: int, later_ms: int) -> str:
    return f"{(later_ms - earlier_ms) / MINUTE_MS:.0f} min"


def again_too_soon(
    gap_ms: int, next_ms: Callable[[AirHistory, Playable, int], int | None], says: str
) -> Verdict:
    """A rule looking ahead: the song (its title, artist...) must not air again within
    ``gap_ms`` of this moment, its next airing found by ``next_ms``; ``says`` is the
    reason, its ``{minutes}`` filled in."""

    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        soon = next_ms(history, song, at.at_ms)
        if soon is not None and soon - at.at_ms < gap_ms:
            return says.format(minutes=minutes_between(at.at_ms, soon))
        return None

    return verdict
