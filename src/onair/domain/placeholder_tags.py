"""Tags that stand in for missing ones: titles that are file names, artists nobody knows.

A song is back-announced by its title and artist. "That was track22." or
"That was time_to_strike by Unknown Artist." tells the listener only that
the station does not know what it played, so neither is ever spoken. The
rule leans towards keeping a title: a real title with letters and spaces is
always kept, and so are the numbers and short words real songs are called
("1999", "22", "7", "Song 2", "MMMBop", "2-4-6-8 Motorway"). What it marks:

- a name with an audio file's extension ("01 - intro.mp3");
- a name with an underscore and no space ("time_to_strike", "AUDIO_0001");
- a CD ripper's or recorder's default: a generic word and a number ("Track 05",
  "track22", "Audio 3", "song01"; "Song 2" with its space is Blur's and kept);
  letters run into three or more digits ("REC001", "ZOOM0004"), or a name
  without a space that holds letters and a date or counter of four or more
  digits, as a phone or a recorder names files ("AUD-20190412-WA0003");
- a leading track number as a ripper writes it ("01 - Intro", "01 Intro",
  "03_intro"; "50 Ways to Leave Your Lover" and "1. Allegro" are kept);
- a zero-padded number ("01", "007") or a run of five or more digits (a date or
  a counter: "20240315"), never a number a song is called ("1999");
- a lower-case name strung together with dashes or dots ("time-to-strike");
- a hash or id ("3f2a9c1e04b7d8e2");
- nothing at all, or a placeholder ("Unknown Title", "Untitled Track", "No Title").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["artist_is_unknown", "title_is_file_name"]

_AUDIO_EXTENSION = re.compile(
    r"\.(mp3|mp2|flac|ogg|oga|opus|m4a|mp4|aac|wav|wave|aif|aiff|wma|ape|wv|alac|mka)\s*$",
    re.IGNORECASE,
)
_GENERIC = r"track|audio|file|recording|rec|take|clip|sample|untitled|unknown|pista|piste|titel"
# "Track 05" as a ripper writes it; "song" only run into its number ("Song 2" is a song).
_GENERIC_NUMBERED = re.compile(
    rf"^(?:(?:{_GENERIC})[\s_.-]*|(?:song|titre|title)[_.-]?)#?\d+$", re.IGNORECASE
)
_LETTERS_THEN_COUNTER = re.compile(r"^[^\W\d_]+\d{3,}$")
_DEVICE_NAME = re.compile(r"^(?=.*[^\W\d_])(?=.*\d{4}).*[-.].*$")
_LEADING_TRACK_NUMBER = re.compile(r"^(?:\d{1,3}\s+-\s+|\d{1,3}_|0\d{1,2}[\s.)_-])")
_PADDED_OR_LONG_NUMBER = re.compile(r"^(?:0\d+|\d{5,})$")
_STRUNG_LOWER_CASE = re.compile(r"^(?=.*[a-z])[a-z0-9]+(?:[-.][a-z0-9]+){2,}$")
_HASH = re.compile(r"^[0-9a-f-]{16,}$", re.IGNORECASE)
_PLACEHOLDER_TITLES = frozenset(
    {
        "unknown", "unknown title", "unknown track", "untitled track", "no title",
        "title", "track", "audio", "song title", "track title", "new recording",
        "titre inconnu", "unbekannter titel", "titulo desconocido", "titolo sconosciuto",
        "titulo desconhecido", "sans titre", "ohne titel", "sin titulo", "senza titolo",
        "sem titulo",
    }
)  # fmt: skip
_UNKNOWN_ARTISTS = frozenset(
    {
        "", "unknown", "unknown artist", "unknown artists", "artist", "artists",
        "artist name", "no artist", "various", "various artists", "va", "n a", "na",
        "none", "null", "undefined", "unbekannter kunstler", "unbekannt",
        "artiste inconnu", "inconnu", "artista desconocido", "desconocido",
        "artista sconosciuto", "sconosciuto", "artista desconhecido", "desconhecido",
    }
)  # fmt: skip


def title_is_file_name(title: str | None) -> bool:
    """Whether ``title`` is a file name, a ripper's default or a placeholder: never spoken."""
    text = " ".join((title or "").split())
    if not text or _fold(text) in _PLACEHOLDER_TITLES:
        return True
    if _AUDIO_EXTENSION.search(text) or _LEADING_TRACK_NUMBER.match(text):
        return True
    if " " in text:
        return bool(_GENERIC_NUMBERED.match(text))
    return "_" in text or any(
        rule.match(text)
        for rule in (
            _GENERIC_NUMBERED,
            _LETTERS_THEN_COUNTER,
            _DEVICE_NAME,
            _PADDED_OR_LONG_NUMBER,
            _STRUNG_LOWER_CASE,
            _HASH,
        )
    )


def artist_is_unknown(artist: str | None) -> bool:
    """Whether ``artist`` says nobody knows who it is ("Unknown Artist", "<unknown>", "")."""
    return _fold(artist or "") in _UNKNOWN_ARTISTS


def _fold(text: str) -> str:
    """Case, accents and punctuation folded away: "<Unknown>" is "unknown"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^\w\s]|_", " ", plain.casefold()).split())
