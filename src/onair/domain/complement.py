"""The sound recording performance complement (17 U.S.C. 114(j)(13)).

In any 3-hour window a statutory webcaster may air no more than 3 tracks from
one album (no more than 2 of them in a row) and no more than 4 by one featured
artist (no more than 3 in a row). Playout asks it before each song it chooses;
compliance replays what aired through it to report every breach. Which tracks
are one album is read the cautious way of ``onair.domain.albums``: a track
without an album artist counts with every album of its title.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from onair.domain.albums import doubt, one_album
from onair.domain.rules import DmcaComplement

__all__ = ["Breach", "Complement", "Recording"]


class Recording(Protocol):
    """What the complement reads of a track (a scheduler ``Playable`` is one)."""

    @property
    def kind(self) -> str: ...
    @property
    def artist(self) -> str | None: ...
    @property
    def artists(self) -> tuple[str, ...]: ...
    @property
    def artist_keys(self) -> tuple[str, ...]: ...
    @property
    def album(self) -> str | None: ...
    @property
    def album_key(self) -> str | None: ...


@dataclass(frozen=True)
class Breach:
    """One limit a track breaks: ``count`` of one album or artist where ``allowed`` may air.

    ``limit`` is ``album_total``, ``album_in_row``, ``artist_total`` or
    ``artist_in_row``; ``subject`` says whose ("from Pastel Blues", "by Nina").
    ``doubt`` says why the count holds tracks taken as one album though no
    album artist says so ("same album title, album artist missing on one").
    """

    limit: str
    subject: str
    count: int
    allowed: int
    window_hours: float
    doubt: str | None = None

    @property
    def over(self) -> int:
        return self.count - self.allowed

    @property
    def in_row(self) -> bool:
        return self.limit.endswith("_in_row")

    @property
    def note(self) -> str:
        """Why the count is cautious, or nothing."""
        return f"counted as one album: {self.doubt}" if self.doubt else ""

    def __str__(self) -> str:
        if self.in_row:
            said = f"would be {self.count} {self.subject} in a row"
        else:
            said = f"would be {self.count} {self.subject} within {self.window_hours:g} h"
        return f"{said} ({self.note})" if self.doubt else said


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

    def record(self, recording: Recording, at: datetime) -> None:
        """Count ``recording`` as aired at ``at`` (music only)."""
        if recording.kind != "music":
            return
        insort(self._plays, _Play(at, recording.album_key, recording.artist_keys), key=_time)
        # Nothing older than one window before the latest play can count again.
        cut = bisect_left(self._plays, self._plays[-1].at - self.window, key=_time)
        del self._plays[:cut]

    def breach(self, recording: Recording, at: datetime) -> str | None:
        """The limit ``recording`` would break airing at ``at``, or None when it keeps them."""
        found = self.breaches(recording, at)
        return str(found[0]) if found else None

    def overshoot(self, recording: Recording, at: datetime) -> int:
        """How many plays past its limits ``recording`` would be (0 when it keeps them)."""
        return sum(b.over for b in self.breaches(recording, at))

    def breaches(self, recording: Recording, at: datetime) -> list[Breach]:
        """Every limit ``recording`` would break airing at ``at``: album first, then artists."""
        if recording.kind != "music":
            return []
        rule = self.rule
        plays = [p for p in self._plays if at - self.window <= p.at <= at]
        found: list[Breach] = []
        album = recording.album_key
        if album:
            subject = f"from {recording.album or album}"
            found += self._limit(plays, _album_is(album), "album", rule.album_max,
                                 rule.album_in_row, subject,
                                 _unsure(album, recording.artist_keys))  # fmt: skip
        names = _artist_names(recording)
        for key in recording.artist_keys:
            found += self._limit(plays, _by(key), "artist", rule.artist_max,
                                 rule.artist_in_row, f"by {names[key]}")  # fmt: skip
        return found

    def _limit(
        self, plays: list[_Play], same: Callable[[_Play], bool], of: str, most: int,
        in_row: int, subject: str, unsure: Callable[[_Play], str | None] = lambda _: None,
    ) -> list[Breach]:  # fmt: skip
        hours = self.rule.window_hours
        found: list[Breach] = []
        counted = [p for p in plays if same(p)]
        if len(counted) + 1 > most:
            why = _first(map(unsure, counted))
            found.append(Breach(f"{of}_total", subject, len(counted) + 1, most, hours, why))
        row = _row(plays, same)
        if row + 1 > in_row:
            why = _first(map(unsure, plays[len(plays) - row :]))
            found.append(Breach(f"{of}_in_row", subject, row + 1, in_row, hours, why))
        return found


def _time(play: _Play) -> datetime:
    return play.at


def _album_is(album: str) -> Callable[[_Play], bool]:
    return lambda play: one_album(play.album_key, album)


def _unsure(album: str, artists: tuple[str, ...]) -> Callable[[_Play], str | None]:
    return lambda play: doubt(album, play.album_key, artists, play.artist_keys)


def _first(doubts: Iterable[str | None]) -> str | None:
    return next((d for d in doubts if d), None)


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


def _artist_names(recording: Recording) -> dict[str, str]:
    if len(recording.artists) == len(recording.artist_keys):
        return dict(zip(recording.artist_keys, recording.artists, strict=True))
    return {key: recording.artist or key for key in recording.artist_keys}
