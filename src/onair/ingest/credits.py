"""Splitting an artist credit into every artist it names.

"A feat. B & C" credits three artists. Separation rules must count each of
them, so the credit is split on the joiners labels use (feat., ft., featuring,
&, x, vs., ","), except inside names the catalog says are whole ("Simon &
Garfunkel", "Tyler, The Creator").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["featured_in_title", "split_credit"]

# " x " only in lower case: "Lil Nas X" is a name, "Lil Nas X x Billy Ray Cyrus" two.
_JOINERS = re.compile(
    r"\s*(?:\b(?:feat|ft)\.?\s|\bfeaturing\s|\bvs\.?\s|\bversus\s|\s&\s|,\s*|;\s*|(?-i:\sx\s))\s*",
    re.IGNORECASE,
)
_TITLE_FEAT = re.compile(r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s+([^)\]]+)[)\]]", re.I)


def split_credit(credit: str, whole_names: Iterable[str] = ()) -> list[str]:
    """Every artist named in ``credit``, in order, each once."""
    protected: dict[str, str] = {}
    text = credit
    for n, name in enumerate(sorted(set(whole_names), key=len, reverse=True)):
        token = f"\x00{n}\x00"
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        if pattern.search(text):
            text = pattern.sub(token, text)
            protected[token] = name
    parts, start = [], 0
    for match in _JOINERS.finditer(text):
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    artists: list[str] = []
    for part in parts:
        for token, name in protected.items():
            part = part.replace(token, name)
        part = part.strip(" ()[]")
        if part and part.casefold() not in (a.casefold() for a in artists):
            artists.append(part)
    return artists


def featured_in_title(title: str) -> tuple[str, list[str]]:
    """``("Song", ["B"])`` from ``"Song (feat. B)"``; the title without the credit."""
    featured: list[str] = []
    for match in _TITLE_FEAT.finditer(title):
        featured.extend(split_credit(match.group(1)))
    return _TITLE_FEAT.sub("", title).strip(), featured
