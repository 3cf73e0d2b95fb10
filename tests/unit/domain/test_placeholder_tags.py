"""Which titles are file names and which artists nobody knows: never spoken on air."""

from __future__ import annotations

import pytest

from onair.domain.placeholder_tags import artist_is_unknown, title_is_file_name

FILE_NAMES = [
    "track22",
    "Track 05",
    "Track 9",
    "TRACK_01",
    "Audio 3",
    "song01",
    "01",
    "007",
    "20240315",
    "AUDIO_0001",
    "time_to_strike",
    "01 - something.mp3",
    "01 - Something",
    "01 Intro",
    "01. Intro",
    "03_intro",
    "Intro.flac",
    "the end.OGG",
    "REC001",
    "AUD-20190412-WA0003",
    "VID-2023.07",
    "ZOOM0004",
    "time-to-strike",
    "time.to.strike",
    "3f2a9c1e04b7d8e2",
    "",
    "   ",
    "Unknown Title",
    "untitled track",
    "Sans titre",
]

REAL_TITLES = [
    "1999",
    "22",
    "7",
    "2112",
    "Song 2",
    "MMMBop",
    "99 Luftballons",
    "50 Ways to Leave Your Lover",
    "2-4-6-8 Motorway",
    "1-800-273-8255",
    "1. Allegro con brio",
    "Symphony No. 5: I. Allegro",
    "Time to Strike",
    "Hey Jude",
    "Untitled",
    "Intro",
    "Ob-La-Di, Ob-La-Da",
    "Rock-a-bye",
    "R.E.M.",
    "Area51",
    "Y2K",
    "Blink-182",
    "Track of the Cat",
    "Bed of Roses",
    "Beyoncé",
]


@pytest.mark.parametrize("title", FILE_NAMES)
def test_a_file_name_or_a_rippers_default_is_marked(title: str) -> None:
    assert title_is_file_name(title)


@pytest.mark.parametrize("title", REAL_TITLES)
def test_a_real_title_is_kept(title: str) -> None:
    assert not title_is_file_name(title)


def test_no_title_at_all_is_never_spoken() -> None:
    assert title_is_file_name(None)


@pytest.mark.parametrize(
    "artist",
    [None, "", "  ", "Unknown Artist", "unknown", "<unknown>", "[Unknown]", "Artist",
     "Various Artists", "VA", "N/A", "Artiste inconnu", "Unbekannter Künstler"],
)  # fmt: skip
def test_an_artist_nobody_knows_is_unknown(artist: str | None) -> None:
    assert artist_is_unknown(artist)


@pytest.mark.parametrize(
    "artist", ["Nina Simone", "The Unknown", "Artful Dodger", "Various Cruelties", "ABBA", "U2"]
)
def test_a_real_artist_is_known(artist: str) -> None:
    assert not artist_is_unknown(artist)
