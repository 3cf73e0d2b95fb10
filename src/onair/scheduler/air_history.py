"""What has aired (or is scheduled) before a position, as the rules ask about it.

The builder pushes each song it places and pops it when it backtracks; the
verifier replays a stored schedule through the same history from scratch.
Times are epoch milliseconds (UTC). Spins for turnover count over a sliding
window that moves at hour boundaries, so builder and verifier agree exactly.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from datetime import date

from onair.domain.albums import doubt
from onair.domain.schedule import Playable
from onair.scheduler.air_ahead import AirAhead
from onair.scheduler.album_keys import AlbumKeys

__all__ = ["AirHistory", "Play"]


@dataclass(frozen=True, slots=True)
class Play:
    song: Playable
    at_ms: int
    local_day: date
    quarter: int  # quarter-hour of the local day, 0-95
    category: str


class AirHistory:
    """Songs in air order with the indexes separation, rotation and flow rules read."""

    def __init__(self, turnover_window_ms: int) -> None:
        self.plays: list[Play] = []
        self._by_asset: dict[str, list[int]] = defaultdict(list)
        self._by_artist: dict[str, list[int]] = defaultdict(list)
        self._by_title: dict[str, list[int]] = defaultdict(list)
        self._by_album: dict[str, list[int]] = defaultdict(list)
        self._album_plays: dict[str, list[Play]] = defaultdict(list)  # as _by_album, the plays
        self._album_keys = AlbumKeys()  # which keys may be one album (domain.albums)
        self._day_plays: Counter[tuple[str, date]] = Counter()
        self._quarters: Counter[tuple[str, date, int]] = Counter()
        self._turnover_window_ms = turnover_window_ms
        self._window: deque[Play] = deque()  # plays inside the turnover window, oldest first
        self._spins: dict[str, Counter[str]] = defaultdict(Counter)  # category -> asset -> spins
        self._spun: Counter[str] = Counter()  # category -> assets with a spin in the window
        self.version = 0  # changes with every push, pop and slide of the window
        self.ahead = AirAhead()  # plays fixed later (kept hours), which the rules respect too

    # -- writing -----------------------------------------------------------------

    def push(self, play: Play) -> None:
        self.version += 1
        song = play.song
        self.plays.append(play)
        self._by_asset[song.id].append(play.at_ms)
        for key in song.artist_keys:
            self._by_artist[key].append(play.at_ms)
        self._by_title[song.title_key].append(play.at_ms)
        if song.album_key:
            self._by_album[song.album_key].append(play.at_ms)
            self._album_plays[song.album_key].append(play)
            self._album_keys.add(song.album_key)
        self._day_plays[song.id, play.local_day] += 1
        self._quarters[song.id, play.local_day, play.quarter] += 1
        self._window.append(play)
        self._spin(play, +1)

    def pop(self) -> Play:
        """Undo the last push (the builder backtracking)."""
        self.version += 1
        play = self.plays.pop()
        song = play.song
        self._by_asset[song.id].pop()
        for key in song.artist_keys:
            self._by_artist[key].pop()
        self._by_title[song.title_key].pop()
        if song.album_key:
            self._by_album[song.album_key].pop()
            self._album_plays[song.album_key].pop()
        self._day_plays[song.id, play.local_day] -= 1
        self._quarters[song.id, play.local_day, play.quarter] -= 1
        self._window.pop()
        self._spin(play, -1)
        return play

    def _spin(self, play: Play, step: int) -> None:
        spins = self._spins[play.category]
        before = spins[play.song.id]
        spins[play.song.id] = before + step
        if before == 0 or before + step == 0:
            self._spun[play.category] += step

    def begin_hour(self, hour_start_ms: int) -> None:
        """Slide the turnover window: spins older than the window before this hour leave it."""
        horizon = hour_start_ms - self._turnover_window_ms
        self.version += 1
        while self._window and self._window[0].at_ms < horizon:
            self._spin(self._window.popleft(), -1)

    # -- reading -----------------------------------------------------------------

    def last_play_ms(self, asset_id: str) -> int | None:
        times = self._by_asset.get(asset_id)
        return times[-1] if times else None

    def artist_last_ms(self, song: Playable) -> int | None:
        """The latest play of any artist the song credits."""
        latest = [t[-1] for k in song.artist_keys if (t := self._by_artist.get(k))]
        return max(latest) if latest else None

    def title_last_ms(self, song: Playable) -> int | None:
        times = self._by_title.get(song.title_key)
        return times[-1] if times else None

    def album_last_ms(self, song: Playable) -> int | None:
        """The latest play of any track that may be of the song's album."""
        if not song.album_key:
            return None
        keys = self._album_keys.one_album_with(song.album_key)
        latest = [t[-1] for k in keys if (t := self._by_album.get(k))]
        return max(latest) if latest else None

    def album_plays_since(self, album: str, since_ms: int) -> int:
        """Plays since ``since_ms`` of tracks that may be of ``album`` (an album key)."""
        keys = self._album_keys.one_album_with(album)
        return sum(_count_since(self._by_album.get(k, ()), since_ms) for k in keys)

    def unsure_album_plays(
        self, song: Playable, since_ms: int, until_ms: int
    ) -> list[tuple[Play, str]]:
        """Plays in ``[since_ms, until_ms)`` counted with the song's album though no album
        artist says so, each with why (``domain.albums.doubt``), in air order."""
        if not song.album_key:
            return []
        found: list[tuple[Play, str]] = []
        # Only plays of the album keys that may be one album with the song's can be doubted.
        for key in self._album_keys.one_album_with(song.album_key):
            plays = self._album_plays.get(key, [])
            for play in plays[bisect_left(plays, since_ms, key=_at_ms) :]:
                if play.at_ms >= until_ms:
                    break
                why = doubt(song.album_key, key, song.artist_keys, play.song.artist_keys)
                if why:
                    found.append((play, why))
        found.sort(key=lambda entry: entry[0].at_ms)
        return found

    def last_unsure_album_play(
        self, song: Playable, since_ms: int, until_ms: int
    ) -> tuple[Play, str] | None:
        """The latest of :meth:`unsure_album_plays`, found from the latest play back."""
        if not song.album_key:
            return None
        latest: tuple[Play, str] | None = None
        for key in self._album_keys.one_album_with(song.album_key):
            # Without artists a doubt is as likely as it gets: a key that leaves none
            # leaves none for any of its plays.
            if doubt(song.album_key, key) is None:
                continue
            plays = self._album_plays.get(key, [])
            end = bisect_left(plays, until_ms, key=_at_ms)
            for play in reversed(plays[bisect_left(plays, since_ms, key=_at_ms) : end]):
                if latest is not None and play.at_ms <= latest[0].at_ms:
                    break
                why = doubt(song.album_key, key, song.artist_keys, play.song.artist_keys)
                if why:
                    latest = (play, why)
                    break
        return latest

    def artist_plays_since(self, artist: str, since_ms: int) -> int:
        return _count_since(self._by_artist.get(artist, ()), since_ms)

    def plays_on(self, asset_id: str, day: date) -> int:
        return self._day_plays[asset_id, day]

    def played_in_quarter(self, asset_id: str, day: date, quarter: int) -> bool:
        return self._quarters[asset_id, day, quarter] > 0

    def spins(self, category: str, asset_id: str) -> int:
        """Spins of the asset in its category inside the turnover window."""
        return self._spins[category][asset_id]

    def distinct_spun(self, category: str) -> int:
        """How many of the category's songs have a spin inside the window."""
        return self._spun[category]

    def recent(self, count: int) -> list[Play]:
        """The last ``count`` songs, oldest first."""
        return self.plays[-count:] if count else []


def _at_ms(play: Play) -> int:
    return play.at_ms


def _count_since(times: list[int] | tuple[()], since_ms: int) -> int:
    return len(times) - bisect_right(times, since_ms - 1)
