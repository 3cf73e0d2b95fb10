"""Cleaning tag text: broken encodings, stray whitespace, shouting and mumbling."""

from __future__ import annotations

import re
import unicodedata

import ftfy

__all__ = ["clean_text"]

_SPACE = re.compile(r"\s+")
# Tokens that carry their own casing: initials, numbers, "AC/DC", "U2".
_KEEP_CASE = re.compile(r"[\d./&+]")


def clean_text(value: str | None) -> str | None:
    """Repaired, NFC, single-spaced text; None for nothing.

    Mojibake (UTF-8 read as Latin-1 or CP1252, as ID3v1 and old taggers
    produce) is repaired by ftfy. A multi-word value in all capitals or all
    lower case is put in title case, except tokens with digits or punctuation,
    which are left as written; one-word values (ABBA, deadmau5) are left alone.
    """
    if value is None:
        return None
    text = ftfy.fix_text(value.replace("\x00", " "))
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not text:
        return None
    words = text.split(" ")
    letters = [c for c in text if c.isalpha()]
    if len(words) > 1 and letters and (text.isupper() or text.islower()):
        text = " ".join(w if _KEEP_CASE.search(w) else _capitalized(w) for w in words)
    return text


def _capitalized(word: str) -> str:
    """ "JAY-Z" -> "Jay-Z", "DON'T" -> "Don't"."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
