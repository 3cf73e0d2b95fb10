"""The sound recording performance complement, re-checked as songs air (17 U.S.C. 114(j)(13)).

In any 3-hour window a statutory webcaster may air no more than 3 tracks from
one album (no more than 2 of them in a row) and no more than 4 by one featured
artist (no more than 3 in a row). The scheduler keeps the complement when it
builds the hour; at air time substitutes, fill, fallback rotation and operator
inserts change what airs, so playout keeps its own record of the music that
aired in the last window and asks it before each song it chooses.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from onair.domain.rules import DmcaComplement
from onair.domain.schedule import Playable

__all__ = ["Complement"]


@dataclass(frozen=True)
class _Play:
    at: datetime
    album_key: str | None
    artist_keys: tuple[str, ...]


class Complement:
    """The music aired in the last window, and which limit a next song would break.

    Only music counts: voice, spots, jingles and beds neither count nor break a row.
    A play exactly one window before a song counts against it (the scheduler's
    reading of "any 3-hour window", the conservative one).
    """

    def __init__(self, rule: DmcaComplement | None = None) -> None:
        self.rule = rule or DmcaComplement()
        self.window = timedelta(hours=self.rule.window_hours)
        self._plays: list[_Play] = []  # in air order

    def record(self, playable: Playable, at: datetime) -> None:
        """Count ``playable`` as aired at ``at`` (music only)."""
        if playable.kind != "music":
            return
        insort(self._plays, _Play(at, playable.album_key, playable.artist_keys), key=_time)
        # Nothing older than one window before the latest play can count again.
        cut = bisect_left(self._plays, self._plays[-1].at - self.window, key=_time)
        del self._plays[:cut]

    def breach(self, playable: Playable, at: datetime) -> str | None:
        """The limit ``playable`` would break airing at ``at``, or None when it keeps them."""
        overs = self._overs(playable, at)
        return overs[0][1] if overs else None

    def overshoot(self, playable: Playable, at: datetime) -> int:
        """How many plays past its limits ``playable`` would be (0 when it keeps them)."""
        return sum(amount for amount, _ in self._overs(playable, at))

    def _overs(self, playable: Playable, at: datetime) -> list[tuple[int, str]]:
        if playable.kind != "music":
            return []
        rule = self.rule
        plays = [p for p in self._plays if at - self.window <= p.at <= at]
        overs: list[tuple[int, str]] = []
        album = playable.album_key
        if album:
            what = f"from {playable.album or album}"
            overs += self._limit(plays, _album_is(album), rule.album_max, rule.album_in_row, what)
        names = _artist_names(playable)
        for key in playable.artist_keys:
            what = f"by {names[key]}"
            overs += self._limit(plays, _by(key), rule.artist_max, rule.artist_in_row, what)
        return overs

    def _limit(
        self, plays: list[_Play], same: Callable[[_Play], bool], most: int, in_row: int, what: str
    ) -> list[tuple[int, str]]:
        overs: list[tuple[int, str]] = []
        n = sum(same(p) for p in plays) + 1
        if n > most:
            overs.append((n - most, f"would be {n} {what} within {self.rule.window_hours:g} h"))
        row = _row(plays, same) + 1
        if row > in_row:
            overs.append((row - in_row, f"would be {row} {what} in a row"))
        return overs


def _time(play: _Play) -> datetime:
    return play.at


def _album_is(album: str) -> Callable[[_Play], bool]:
    return lambda play: play.album_key == album


def _by(artist: str) -> Callable[[_Play], bool]:
    return lambda play: artist in play.artist_keys


def _row(plays: list[_Play], same: Callable[[_Play], bool]) -> int:
    """How many of the latest ``plays`` in a row are ``same``."""
    n = 0
    for play in reversed(plays):
        if not same(play):
            break
        n += 1
    return n


def _artist_names(playable: Playable) -> dict[str, str]:
    if len(playable.artists) == len(playable.artist_keys):
        return dict(zip(playable.artist_keys, playable.artists, strict=True))
    return {key: playable.artist or key for key in playable.artist_keys}
