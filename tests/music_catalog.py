"""A catalog CSV (docs/catalog-csv.md) of a music station's library, for scheduler tests.

Metadata only, the same for the same seed: artists with albums of about ten
tracks, a few featuring a second artist, a few explicit, a few whose rights
ended in 2026; duration, tempo, energy and vocal gender on every row. The
``category`` column fills the demo station's categories: power and current hold
one song per artist (as a program director picks hits), then recurrent, then
gold. Kept apart from ``bench/catalog.py`` so the tests do not move with the
benchmark's figures.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

__all__ = ["write_catalog"]

_FIRST = ("Ana", "Joe", "Mia", "Leo", "Kai", "Zoe", "Sam", "Eva", "Max", "Ivy", "Noa", "Tom")
_LAST = ("Silva", "Berg", "Novak", "Costa", "Reyes", "Okafor", "Laine", "Marsh", "Quinn", "Vale")
_WORDS = (
    "love", "night", "summer", "heart", "fire", "river", "dream", "blue", "city", "light",
    "rain", "gold", "wild", "road", "midnight", "dance", "home", "sky", "ocean", "moon",
)  # fmt: skip
_COLUMNS = (
    "isrc", "title", "artist", "album", "year", "explicit", "vocal_gender", "duration", "bpm",
    "energy", "category", "valid_until",
)  # fmt: skip
_GENDERS = ("female", "male", "female", "male", "mixed", "instrumental")


def write_catalog(path: Path, rows: int, seed: int = 1) -> None:
    """``rows`` songs by ``rows // 10`` artists (at most 120), written to ``path``."""
    rng = random.Random(seed)
    names = [f"{first} {last}" for last in _LAST for first in _FIRST]
    artists = min(len(names), max(1, rows // 10))
    genders = [rng.choice(_GENDERS) for _ in range(artists)]
    power = min(round(rows * 0.03), artists)
    current = power + min(round(rows * 0.08), artists)
    recurrent = current + round(rows * 0.27)
    bounds = ((power, "power"), (current, "current"), (recurrent, "recurrent"))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(_COLUMNS)
        for n in range(rows):
            a = n % artists  # consecutive rows, different artists: one per artist in power
            credit = names[a]
            if rng.random() < 0.05:
                credit += f" feat. {names[(a + 7) % artists]}"
            title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3))).title()
            writer.writerow(
                [
                    f"USAB1{n % 90 + 10:02d}{n:05d}",
                    title,
                    credit,
                    f"{names[a]} {n // artists // 10 + 1}",
                    2026 - n // artists,
                    "yes" if rng.random() < 0.03 else "no",
                    genders[a],
                    f"{rng.uniform(150, 300):.1f}",
                    f"{min(200.0, max(60.0, rng.gauss(118, 24))):.1f}",
                    f"{rng.betavariate(3, 2):.2f}",
                    next((name for bound, name in bounds if n < bound), "gold"),
                    "2026-06-30" if rng.random() < 0.01 else "",
                ]
            )
