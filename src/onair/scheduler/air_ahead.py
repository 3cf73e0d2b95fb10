"""What is already scheduled after the hours being built: locked hours and hours kept.

Rebuilding Monday must not put a song an hour before a locked Tuesday 06:00
plays it again; separation, rest, plays per day, horizontal rotation and the
DMCA window therefore look ahead at these plays as well as back.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date

from onair.domain.schedule import Playable
from onair.scheduler.album_keys import AlbumKeys

__all__ = ["AirAhead"]


class AirAhead:
    """Plays fixed in time after the build's position, indexed as the rules ask."""

    def __init__(self) -> None:
        self._by_asset: dict[str, list[int]] = defaultdict(list)
        self._by_artist: dict[str, list[int]] = defaultdict(list)
        self._by_title: dict[str, list[int]] = defaultdict(list)
        self._by_album: dict[str, list[int]] = defaultdict(list)
        self._album_keys = AlbumKeys()
        self._by_day: dict[tuple[str, date], list[int]] = defaultdict(list)
        self._quarters: set[tuple[str, date, int]] = set()

    def __bool__(self) -> bool:
        """Whether any play is fixed ahead (most builds keep no later hour)."""
        return bool(self._by_asset)

    def add(self, song: Playable, at_ms: int, day: date, quarter: int) -> None:
        keys = [(self._by_asset, song.id), (self._by_title, song.title_key)]
        keys += [(self._by_artist, k) for k in song.artist_keys]
        if song.album_key:
            keys.append((self._by_album, song.album_key))
            self._album_keys.add(song.album_key)
        for index, key in keys:
            _insert(index[key], at_ms)
        _insert(self._by_day[song.id, day], at_ms)
        self._quarters.add((song.id, day, quarter))

    def next_play_ms(self, asset_id: str, after_ms: int) -> int | None:
        return _next(self._by_asset.get(asset_id), after_ms)

    def next_artist_ms(self, song: Playable, after_ms: int) -> int | None:
        found = [t for k in song.artist_keys if (t := _next(self._by_artist.get(k), after_ms))]
        return min(found) if found else None

    def next_title_ms(self, song: Playable, after_ms: int) -> int | None:
        return _next(self._by_title.get(song.title_key), after_ms)

    def next_album_ms(self, song: Playable, after_ms: int) -> int | None:
        """The next play of any track that may be of the song's album."""
        if not song.album_key:
            return None
        keys = self._album_keys.one_album_with(song.album_key)
        found = [t for k in keys if (t := _next(self._by_album.get(k), after_ms)) is not None]
        return min(found) if found else None

    def plays_after(self, asset_id: str, day: date, after_ms: int) -> int:
        """Plays of the asset later on ``day``."""
        times = self._by_day.get((asset_id, day), [])
        return len(times) - bisect_right(times, after_ms)

    def album_plays_within(self, album: str, after_ms: int, until_ms: int) -> int:
        keys = self._album_keys.one_album_with(album)
        return sum(_between(self._by_album.get(k), after_ms, until_ms) for k in keys)

    def artist_plays_within(self, artist: str, after_ms: int, until_ms: int) -> int:
        return _between(self._by_artist.get(artist), after_ms, until_ms)

    def plays_in_quarter(self, asset_id: str, day: date, quarter: int) -> bool:
        return (asset_id, day, quarter) in self._quarters


def _insert(times: list[int], at_ms: int) -> None:
    times.insert(bisect_right(times, at_ms), at_ms)


def _next(times: list[int] | None, after_ms: int) -> int | None:
    if not times:
        return None
    index = bisect_right(times, after_ms)
    return times[index] if index < len(times) else None


def _between(times: list[int] | None, after_ms: int, until_ms: int) -> int:
    if not times:
        return 0
    return bisect_right(times, until_ms) - bisect_left(times, after_ms + 1)
