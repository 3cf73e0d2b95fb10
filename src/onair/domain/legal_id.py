"""The wording of a legal station ID (47 CFR 73.1201(b)(1)).

An ID must say the station's call letters immediately followed by its
community of license. Only the frequency, the station's (licensee's) name and
punctuation may stand between them. The agents check a script before it is
voiced; compliance checks the script that aired again for the legal ID report.
"""

from __future__ import annotations

import re

__all__ = ["legal_id_problem"]

# What 47 CFR 73.1201(b)(1) lets stand between the call letters and the community:
# punctuation and spaces, the frequency, the station's (licensee's) name.
_ID_FILLER = r"[\s.,;:!\-\u2013\u2014/|\u00b7()]|\d+(?:[.,]\d+)?|FM|AM|MHz|kHz"


def legal_id_problem(text: str, call_letters: str, community: str, station_name: str) -> str | None:
    """Why ``text`` is not a legal ID for the station, or None when its wording is.

    "Springfield, Illinois" may be said as "Springfield": the state only locates
    the community named in the license, and stations commonly leave it out on air.
    """
    call = _spoken(call_letters)
    place = community.split(",")[0]
    said_community = f"(?:{_spoken(community)}|{_spoken(place)})"
    filler = f"{_ID_FILLER}|{_spoken(station_name)}"
    pattern = rf"(?<!\w){call}(?!\w)(?:{filler})*?{said_community}(?!\w)"
    if re.search(pattern, text, re.IGNORECASE):
        return None
    return (
        f"a station ID must say the call letters {call_letters} immediately followed "
        f"by the community of license {community} (47 CFR 73.1201(b)(1))"
    )


def _spoken(name: str) -> str:
    """A name as a pattern that lets its words be joined by any punctuation or spaces."""
    words = [re.escape(w) for w in re.split(r"\W+", name) if w]
    return r"\W+".join(words) if words else re.escape(name)
