"""A realistic synthetic catalog CSV (docs/catalog-csv.md) for the benchmarks.

Metadata only, no audio: every row carries what the scheduler needs to time
and place it (duration, bpm, energy, vocal gender, category). Artists have
several albums of about ten tracks; ~5% of tracks feature a second artist;
tempi fall around 118 BPM (a normal spread of 24 BPM, as popular music does) and
energy leans high (a beta(3, 2) spread, mean 0.6);
~3% are explicit; rights are mostly worldwide without limit, with a few
windows that end (some already ended) and a few territory-limited deals.
Categories: about 40 ``power`` and 120 ``current`` among the newest releases
(one song per artist, no two of one title, as a program director picks hits),
400 ``recurrent`` from the years before, the rest ``gold``.

The CSV has no ``kind`` column (every row is music), so imaging (station IDs,
jingles) cannot come from it.

Run from the repository: ``python bench/catalog.py out.csv --rows 100000``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CATEGORY_COUNTS", "COLUMNS", "WORDS", "write_catalog"]

COLUMNS = (
    "isrc", "title", "artist", "album", "album_artist", "label", "year", "genre", "explicit",
    "vocal_gender", "duration", "bpm", "energy", "category", "territories", "valid_from",
    "valid_until",
)  # fmt: skip
CATEGORY_COUNTS = {"power": 40, "current": 120, "recurrent": 400}  # the rest are gold
WORDS = (
    "love", "night", "summer", "heart", "fire", "river", "dream", "blue", "city", "light",
    "rain", "gold", "wild", "road", "midnight", "dance", "home", "sky", "ocean", "moon", "star",
    "shadow", "train", "window", "radio", "morning", "paradise", "storm", "garden", "silver",
    "echo", "highway", "velvet", "neon",
)  # fmt: skip
_FIRST_NAMES = (
    "Ana", "Joe", "Mia", "Leo", "Kai", "Zoe", "Sam", "Eva", "Max", "Ivy", "Noa", "Tom", "Lea",
    "Ray", "Ada", "Eli", "Nina", "Omar", "Lena", "Theo", "Ines", "Hugo", "Maya", "Felix",
    "Rosa", "Jonah", "Amara", "Luca", "Sofia", "Mateo", "Yara", "Owen", "Lila", "Ezra",
    "Nora", "Milo", "Aiko", "Diego", "Freya", "Tariq",
)  # fmt: skip
_SURNAMES = (
    "Silva", "Berg", "Novak", "Costa", "Reyes", "Okafor", "Laine", "Marsh", "Quinn", "Vale",
    "Holt", "Adler", "Moreau", "Kowalski", "Tanaka", "Osei", "Lindqvist", "Varga", "Rossi",
    "Byrne", "Haddad", "Mendes", "Petrov", "Sato", "Keller", "Dumont", "Fischer", "Nakamura",
    "Ortega", "Walsh", "Jansen", "Kaur", "Abara", "Bianchi", "Castro", "Duarte", "Eriksen",
    "Falk", "Gallo", "Horvat",
)  # fmt: skip
_BAND_NOUNS = (
    "Tigers", "Foxes", "Hearts", "Rivers", "Lights", "Parade", "Signals", "Pilots", "Wolves",
    "Echoes", "Machines", "Sisters", "Brothers", "Kids", "Giants", "Saints", "Ghosts",
    "Horses", "Comets", "Dreamers",
)  # fmt: skip
_GENRES = (
    "Jazz", "Pop", "Rock", "Hip-Hop", "Electronic", "Deep House", "Soul", "R&B", "Country",
    "Folk", "Reggae", "Latin", "Classical", "Ambient", "Blues", "Metal", "Indie", "Funk",
)  # fmt: skip
_GENDERS = ("female", "male", "mixed", "instrumental")
_GENDER_WEIGHTS = (0.42, 0.4, 0.1, 0.08)
_NEWEST = 2026


@dataclass(frozen=True)
class _Artist:
    name: str
    label: str
    genre: str
    gender: str
    first_year: int


def _artist_names(rng: random.Random, count: int) -> list[str]:
    people = [f"{a} {b}" for a, b in itertools.product(_FIRST_NAMES, _SURNAMES)]
    bands = [f"The {w.title()} {n}" for w, n in itertools.product(WORDS, _BAND_NOUNS)]
    pool = people + bands
    rng.shuffle(pool)
    # Past the pool (over ~280,000 rows), names repeat with a number: still distinct keys.
    return [pool[n % len(pool)] + (f" {n // len(pool) + 1}" if n >= len(pool) else "")
            for n in range(count)]  # fmt: skip


def _artists(rng: random.Random, rows: int) -> list[_Artist]:
    names = _artist_names(rng, max(1, rows // 40))  # about four albums of ten tracks each
    return [
        _Artist(
            name=name,
            label=f"{rng.choice(_SURNAMES)} Records",
            genre=rng.choice(_GENRES),
            gender=rng.choices(_GENDERS, _GENDER_WEIGHTS)[0],
            first_year=rng.randint(1960, _NEWEST),
        )
        for name in names
    ]


def _rights(rng: random.Random) -> tuple[str, str, str]:
    """Territories, valid_from, valid_until: mostly worldwide without limit."""
    draw = rng.random()
    if draw < 0.03:  # a window that ends, a third of them already over
        start = rng.randint(2018, 2025)
        end_year = rng.choice((2025, 2026, 2026, 2027))
        return "", f"{start}-01-01", f"{max(start, end_year)}-{rng.randint(1, 12):02d}-28"
    if draw < 0.05:
        return rng.choice(("US", "US;CA", "GB;IE", "DE;AT;CH")), "", ""
    return "", "", ""


def _tempo(rng: random.Random) -> float:
    """Popular music clusters around 120 BPM; few songs are below 70 or above 170."""
    return min(200.0, max(60.0, rng.gauss(118, 24)))


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))).title()


def _tracks(rng: random.Random, rows: int) -> list[list[str]]:
    artists = _artists(rng, rows)
    tracks: list[list[str]] = []
    while len(tracks) < rows:
        artist = rng.choice(artists)
        year = rng.randint(artist.first_year, min(_NEWEST, artist.first_year + 12))
        album = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}"
        for _ in range(min(rng.randint(8, 12), rows - len(tracks))):
            credit = artist.name
            if rng.random() < 0.05:
                credit += f" feat. {rng.choice(artists).name}"
            n = len(tracks)
            isrc = f"US{chr(65 + n // 100_000 % 26)}B1{rng.randint(0, 99):02d}{n % 100_000:05d}"
            tracks.append([
                isrc, _title(rng), credit, album, artist.name, artist.label, str(year),
                artist.genre, "yes" if rng.random() < 0.03 else "no", artist.gender,
                f"{rng.uniform(150, 300):.1f}", f"{_tempo(rng):.1f}",
                f"{rng.betavariate(3, 2):.2f}", "gold", *_rights(rng),
            ])  # fmt: skip
    return tracks


def _categorize(rng: random.Random, tracks: list[list[str]]) -> None:
    """Power and current from the newest two years, recurrent from the ten before."""
    year, category = COLUMNS.index("year"), COLUMNS.index("category")
    newest = [t for t in tracks if int(t[year]) >= _NEWEST - 1]
    recent = [t for t in tracks if _NEWEST - 11 <= int(t[year]) < _NEWEST - 1]
    rng.shuffle(newest)
    rng.shuffle(recent)
    power, current = CATEGORY_COUNTS["power"], CATEGORY_COUNTS["current"]
    # A program director's hits: one song per artist and no two of one title.
    title, artist = COLUMNS.index("title"), COLUMNS.index("album_artist")
    hits, seen = [], set()
    for track in newest:
        if track[title].casefold() not in seen and track[artist] not in seen:
            seen.update((track[title].casefold(), track[artist]))
            hits.append(track)
    for n, track in enumerate(hits[: power + current]):
        track[category] = "power" if n < power else "current"
    for track in recent[: CATEGORY_COUNTS["recurrent"]]:
        track[category] = "recurrent"


def write_catalog(path: Path, rows: int, seed: int) -> None:
    """Write ``rows`` music rows to the catalog CSV at ``path``, the same for the same seed."""
    rng = random.Random(seed)
    tracks = _tracks(rng, rows)
    _categorize(rng, tracks)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(tracks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_catalog(args.path, args.rows, args.seed)


if __name__ == "__main__":
    main()
