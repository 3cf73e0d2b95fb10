"""A category's songs in least-recently-played order, undoable for backtracking.

Songs never played come first, in an order the seed shuffles (so the same seed
gives the same schedule); then songs by their last play, oldest first. Placing
a song moves it to the back; the builder undoes placements in reverse order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from onair.domain.schedule import Playable

__all__ = ["Rotation", "Turn"]


@dataclass(frozen=True, slots=True)
class Turn:
    """What undoing one placement needs."""

    song_id: str
    previous_ms: int | None
    fresh_at: int


class Rotation:
    def __init__(
        self, songs: Sequence[Playable], last_played: Mapping[str, int], rng: random.Random
    ) -> None:
        self.songs = {s.id: s for s in songs}
        never = [s for s in songs if s.id not in last_played]
        rng.shuffle(never)
        self._fresh = never
        self._fresh_at = 0
        self._last: dict[str, int] = {s.id: last_played[s.id] for s in songs if s.id in last_played}
        self._played = sorted(
            ((ms, s) for s in songs if (ms := self._last.get(s.id)) is not None), key=lambda e: e[0]
        )

    def __len__(self) -> int:
        return len(self.songs)

    def candidates(self) -> Iterator[Playable]:
        """Every song, least recently played first."""
        fresh, index = self._fresh, self._fresh_at  # by index: a slice would copy 90,000 songs
        while index < len(fresh):
            song = fresh[index]
            index += 1
            if song.id not in self._last:
                yield song
        for at_ms, song in self._played:
            if self._last.get(song.id) == at_ms:
                yield song

    def place(self, song: Playable, at_ms: int) -> Turn:
        turn = Turn(song.id, self._last.get(song.id), self._fresh_at)
        self._last[song.id] = at_ms
        self._played.append((at_ms, song))
        while self._fresh_at < len(self._fresh) and self._fresh[self._fresh_at].id in self._last:
            self._fresh_at += 1
        return turn

    def undo(self, turn: Turn) -> None:
        """Take back the latest placement."""
        _, song = self._played.pop()
        assert song.id == turn.song_id, "placements are undone in reverse order"
        if turn.previous_ms is None:
            del self._last[turn.song_id]
        else:
            self._last[turn.song_id] = turn.previous_ms
        self._fresh_at = turn.fresh_at

    def settle(self) -> None:
        """Forget superseded plays once no placement before now can be undone."""
        self._played = [(ms, s) for ms, s in self._played if self._last.get(s.id) == ms]
