from __future__ import annotations

import pytest

from onair.ingest.credits import featured_in_title, split_credit
from onair.ingest.isrc import InvalidIsrc, normalize_isrc
from onair.ingest.text import clean_text


@pytest.mark.parametrize(
    ("credit", "artists"),
    [
        ("Calvin Harris feat. Rihanna", ["Calvin Harris", "Rihanna"]),
        ("A ft. B & C", ["A", "B", "C"]),
        ("Major Lazer featuring DJ Snake, MØ", ["Major Lazer", "DJ Snake", "MØ"]),
        ("Armin van Buuren vs. Vini Vici", ["Armin van Buuren", "Vini Vici"]),
        ("Marshmello x Bastille", ["Marshmello", "Bastille"]),
        ("Lil Nas X x Billy Ray Cyrus", ["Lil Nas X", "Billy Ray Cyrus"]),
        ("Malcolm X", ["Malcolm X"]),
        ("AC/DC", ["AC/DC"]),
        ("Florence + The Machine", ["Florence + The Machine"]),
        ("Simon & Garfunkel", ["Simon", "Garfunkel"]),
        ("A feat. B feat. a", ["A", "B"]),
    ],
)
def test_credits_split_on_every_joiner(credit: str, artists: list[str]) -> None:
    assert split_credit(credit) == artists


def test_names_the_catalog_declares_whole_stay_whole() -> None:
    whole = ["Simon & Garfunkel", "Tyler, The Creator"]
    assert split_credit("Simon & Garfunkel", whole) == ["Simon & Garfunkel"]
    assert split_credit("tyler, the creator feat. Kali Uchis", whole) == [
        "Tyler, The Creator",
        "Kali Uchis",
    ]


def test_featured_credit_moves_out_of_the_title() -> None:
    assert featured_in_title("Summer (feat. B & C)") == ("Summer", ["B", "C"])
    assert featured_in_title("Summer [ft. B]") == ("Summer", ["B"])
    assert featured_in_title("Summer (Radio Edit)") == ("Summer (Radio Edit)", [])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  THE ROLLING   STONES ", "The Rolling Stones"),
        ("BORN IN THE U.S.A.", "Born In The U.S.A."),
        ("ABBA", "ABBA"),
        ("deadmau5", "deadmau5"),
        ("hello world", "Hello World"),
        ("DON'T STOP ME NOW", "Don't Stop Me Now"),
        ("JAY-Z AND KANYE", "Jay-Z And Kanye"),
        ("BeyoncÃ©", "Beyoncé"),
        ("MotÃ¶rhead", "Motörhead"),
        ("Cafe\u0301 del Mar", "Café del Mar"),
        ("Title\x00\x00", "Title"),
        ("   ", None),
        (None, None),
    ],
)
def test_text_is_repaired_and_tidied(raw: str | None, clean: str | None) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "raw", ["USRC17607839", "us-rc1-76-07839", "ISRC: USRC17607839", " USRC1 7607839"]
)
def test_isrc_is_normalized(raw: str) -> None:
    assert normalize_isrc(raw) == "USRC17607839"


@pytest.mark.parametrize("raw", ["USRC1760783", "US-RC1-76-0783X", "1SRC17607839", ""])
def test_invalid_isrc_names_the_value(raw: str) -> None:
    with pytest.raises(InvalidIsrc, match="invalid"):
        normalize_isrc(raw)
