"""Which tracks count as one album for the DMCA complement when the tags are unsure."""

from __future__ import annotations

import pytest

from onair.domain.albums import album_key, doubt, one_album

OST = "Interstellar (Original Motion Picture Soundtrack)"


@pytest.mark.parametrize(
    ("a", "b", "one"),
    [
        ((OST, "Hans Zimmer"), ("Interstellar [Deluxe Edition]", "Hans Zimmer"), True),
        ((OST, "Hans Zimmer"), (OST, None), True),  # the album artist missing on one
        ((OST, None), (OST, None), True),
        ((OST, "Hans Zimmer"), (OST, "Unknown Artist"), True),  # a placeholder is missing
        (("Greatest Hits", "Queen"), ("Greatest Hits", "ABBA"), False),
        (("Now 10", "Various Artists"), ("Now 10", "Various Artists"), True),
        (("Now 10", "Various Artists"), ("Now 10", "Queen"), False),
        (("Greatest Hits", None), ("Best Of", None), False),
    ],
)
def test_one_album_unless_both_album_artists_differ(
    a: tuple[str, str | None], b: tuple[str, str | None], one: bool
) -> None:
    assert one_album(album_key(*a), album_key(*b)) is one
    assert one_album(album_key(*b), album_key(*a)) is one


def test_a_track_without_an_album_artist_is_one_album_with_two_that_are_not() -> None:
    queen, abba, untagged = (album_key("Greatest Hits", a) for a in ("Queen", "ABBA", None))
    assert one_album(untagged, queen)
    assert one_album(untagged, abba)
    assert not one_album(queen, abba)
    assert not one_album(None, queen)


def test_the_doubt_is_named_only_where_the_tags_do_not_say_one_album() -> None:
    zimmer, untagged = album_key(OST, "Hans Zimmer"), album_key(OST, None)
    assert doubt(zimmer, zimmer) is None
    assert doubt(zimmer, untagged) == "same album title, album artist missing on one"
    assert doubt(untagged, untagged, ["lisa gerrard"], ["klaus badelt"]) == (
        "same album title, no album artist on either, different artists"
    )
    assert doubt(untagged, untagged, ["lisa gerrard"], ["lisa gerrard"]) is None
    assert doubt(zimmer, album_key(OST, "Mara")) is None  # not one album at all
