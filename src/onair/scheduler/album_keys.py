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
    """Album keys grouped by album title, each answer kept until its title gets a new key."""

    def __init__(self) -> None:
        self._by_title: dict[str, set[str]] = defaultdict(set)
        self._answers: dict[str, dict[str, list[str]]] = defaultdict(dict)  # by title, key

    def add(self, key: str) -> None:
        title = key.rpartition("|")[2]
        same_title = self._by_title[title]
        if key not in same_title:
            same_title.add(key)
            self._answers.pop(title, None)  # only a key of the same title can be one album

    def one_album_with(self, key: str) -> list[str]:
        """The keys seen that may be one album with ``key`` (``key`` itself when seen)."""
        title = key.rpartition("|")[2]
        answers = self._answers[title]
        answer = answers.get(key)
        if answer is None:
            same_title = self._by_title.get(title, ())
            answer = answers[key] = [k for k in same_title if one_album(k, key)]
        return answer
