"""Which tracks count as one album for the DMCA complement, read from untidy tags.

The sound recording performance complement (17 U.S.C. 114(j)(13)) limits
plays from one phonorecord: no more than 3 in any 3 hours, no more than 2 in a
row. Tags seldom say for sure which tracks are one phonorecord. Four tracks of
one soundtrack, two tagged with its album artist and two without, are one
album; keyed by album artist, falling back to the track artist, they were
three, and four of them aired within three hours.

So the complement takes the reading that cannot break the law:

- An album is its title without edition or version ("Starboy (Deluxe)" is
  "starboy"), with its album artist's key where the tags name one.
- Two tracks with the same album title are one album unless both name album
  artists and those differ: two "Greatest Hits" by different album artists
  stay apart.
- A track without an album artist (or with a placeholder: "Unknown Artist",
  "<unknown>") joins every album of its title. "Various Artists" is how a
  compilation names its album artist, and counts as one. The track artist does not
  tell albums apart: a soundtrack or a compilation credits many.

The cost is caution where the tags are thin: two untagged "Greatest Hits" by
different singers count as one album until an album artist is tagged. The
relation is not transitive (a track without an album artist is one album with
"Greatest Hits" by Nina and with "Greatest Hits" by Otis, which are not one
album), so the complement counts, for each song, the plays that may be its
album, never one shared group.
"""

from __future__ import annotations

from collections.abc import Iterable

from onair.domain.library import artist_key, title_key
from onair.domain.placeholder_tags import artist_is_unknown

__all__ = ["album_key", "counted_with", "doubt", "one_album"]


_COMPILATION = frozenset({"various artists", "various", "va"})


def album_key(album: str, album_artist: str | None) -> str:
    """``"<album artist key>|<album title key>"``; the artist part is empty when the tags
    name no album artist. Never keyed by the track artist."""
    artist = artist_key(album_artist or "")
    if artist not in _COMPILATION and artist_is_unknown(artist):
        artist = ""
    return f"{artist}|{title_key(album)}"


def one_album(a: str | None, b: str | None) -> bool:
    """Whether two album keys may be one phonorecord (see the module's reading)."""
    if a is None or b is None:
        return False
    artist_a, _, title_a = a.rpartition("|")
    artist_b, _, title_b = b.rpartition("|")
    return title_a == title_b and (not artist_a or not artist_b or artist_a == artist_b)


def doubt(
    a: str | None, b: str | None, artists_a: Iterable[str] = (), artists_b: Iterable[str] = ()
) -> str | None:
    """Why two tracks (album keys, artist keys) count as one album though the tags do not
    say so, or None: when they are not one album, when both name the same album
    artist, or when neither names one but they share an artist (one album any way
    it is read)."""
    if not one_album(a, b):
        return None
    missing = [key for key in (a, b) if key is not None and not key.rpartition("|")[0]]
    if len(missing) == 1:
        return "same album title, album artist missing on one"
    if missing and set(artists_a).isdisjoint(artists_b):
        return "same album title, no album artist on either, different artists"
    return None


def counted_with(title: str, why: str) -> str:
    """What ``schedule explain`` says of a track counted as one album with another."""
    return f"counted with {title!r} as one album: {why}"
