"""A category's songs in least-recently-played order, undoable for backtracking.

Songs never played come first, in an order the seed shuffles (so the same seed
gives the same schedule); then songs by their last play, oldest first. Placing
a song moves it to the back; the builder undoes placements in reverse order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from itertools import zip_longest

from onair.domain.schedule import Playable

__all__ = ["Rotation", "Turn"]

_BUCKET_MS = 2000


@dataclass(frozen=True, slots=True)
class Turn:
    """What undoing one placement needs."""

    song_id: str
    previous_ms: int | None
    fresh_at: int


class Rotation:
    def __init__(self, songs: Sequence[Playable], rng: random.Random) -> None:
        self.songs = {s.id: s for s in songs}
        never = list(songs)
        rng.shuffle(never)
        self._fresh = never
        self._fresh_at = 0
        # The same songs by length (2 s buckets, each in the shuffled order), so a search
        # for a song of a given length need not read 90,000 gold songs to find it.
        self._by_length: dict[int, list[Playable]] = {}
        for song in never:
            self._by_length.setdefault(song.length_ms // _BUCKET_MS, []).append(song)
        # Plays reach the rotation through place(), the history's too, in air order.
        self._last: dict[str, int] = {}
        self._played: list[tuple[int, Playable]] = []

    def restarted(self) -> Rotation:
        """The same songs in the same order, none placed: the shuffle and the lengths'
        buckets are shared (neither changes once made)."""
        again = copy(self)
        again._fresh_at, again._last, again._played = 0, {}, []
        return again

    def __len__(self) -> int:
        return len(self.songs)

    def candidates(self, lengths: tuple[int, int] | None = None) -> Iterator[Playable]:
        """Every song, least recently played first; with ``lengths``, only songs of those
        lengths (those never played first: they are all equally least recently played)."""
        if lengths is None:
            fresh, index = self._fresh, self._fresh_at  # by index: a slice copies 90,000 songs
            while index < len(fresh):
                song = fresh[index]
                index += 1
                if song.id not in self._last:
                    yield song
            for at_ms, song in self._played:
                if self._last.get(song.id) == at_ms:
                    yield song
            return
        yield from self._fresh_between(*lengths)
        # A position the songs before it have overfilled has no fresh song of its lengths:
        # the week's played songs were all read then, only for the fit to turn each down.
        shortest, longest = lengths
        for at_ms, song in self._played:
            if shortest <= song.length_ms <= longest and self._last.get(song.id) == at_ms:
                yield song

    def _fresh_between(self, shortest: int, longest: int) -> Iterator[Playable]:
        # Round robin over the buckets, so no length is favoured over another: each
        # round the next song of every bucket not yet read to its end.
        buckets = [
            self._by_length[b]
            for b in range(shortest // _BUCKET_MS, longest // _BUCKET_MS + 1)
            if b in self._by_length
        ]
        played = self._last
        for round_ in zip_longest(*buckets):
            for song in round_:
                if song is None or song.id in played:
                    continue
                if shortest <= song.length_ms <= longest:
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
        """Forget superseded plays once no placement before now can be undone.

        Only once they are half the list: settling every hour read every play of
        the build again (the candidates pass over superseded plays anyway).
        """
        if len(self._played) > 2 * len(self._last):
            self._played = [(ms, s) for ms, s in self._played if self._last.get(s.id) == ms]
