"""The album keys seen so far, each answering which of them may be one album with a song's.

Plays are indexed by album key; a song's album plays are those of every key
that may be one phonorecord with its own (``onair.domain.albums``): its own
key, the same title without an album artist, and, when the song has none,
every album of its title.
"""

from __future__ import annotations

from collections import defaultdict

from onair.domain.albums import one_album

__all__ = ["AlbumKeys"]


class AlbumKeys:
    """Album keys grouped by album title."""

    def __init__(self) -> None:
        self._by_title: dict[str, set[str]] = defaultdict(set)

    def add(self, key: str) -> None:
        self._by_title[key.rpartition("|")[2]].add(key)

    def one_album_with(self, key: str) -> list[str]:
        """The keys seen that may be one album with ``key`` (``key`` itself when seen)."""
        same_title = self._by_title.get(key.rpartition("|")[2], ())
        return [k for k in same_title if one_album(k, key)]
