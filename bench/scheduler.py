"""Scheduling a week against an AzuraCast-style random picker, on the same library and clock.

Prints one JSON line: ``library``, ``hours``, ``build_s``, ``unscheduled``,
``violations``, ``reference_build_s``, ``reference_violations``, then the
breakdown (``catalog_s``, ``relaxations``, ``verify_s``, the violations by rule
of each side). With ``--export PATH`` the week's export JSON is written there.

- library: ``--tracks`` (default 100,000) rows of ``bench/catalog.py`` loaded as
  ``onair ingest --catalog`` does into a fresh SQLite data dir.
- station: ``bench/station.yaml``, a typical music hour (12 songs, four spot
  breaks, the legal ID on the hour, two voice links) with every rule on.
- onair: ``onair schedule build`` for 7 days (168 hours) as the command runs it:
  the library read from the database, the week planned, the hours stored.
  ``violations`` are what ``onair schedule verify`` finds in the stored week.
- reference: AzuraCast's way of picking, on the same clock and library: a random
  song of the slot's category after a hard filter of the artists and titles
  played in the last 60 minutes, the least recently played when the filter
  leaves none; items simply follow each other (no backtiming to posts).
  Its week is checked by the same verifier.
- small library: ``small_library_build_s`` (and ``small_library_relaxations``,
  ``small_library_unscheduled``) for two days of ``bench/onair_station.yaml``
  (one music category, every rule at its default) over the songs of the
  awkward library (``tests/fixtures/awkward_library.py``, ``big``: 81 songs of
  4 s to 10 min, albums that share a title and name no album artist), loaded
  as catalog rows. Most of its hours relax a rule such a library cannot keep.

``build_cpu_s`` and ``small_library_build_cpu_s`` are the CPU seconds of the
same builds, steadier than the wall time on a busy machine: the first build of
a library just loaded, as ``onair schedule build`` runs once. ``warm_build_cpu_s``
is the same week built again by the same scheduler (as ``onair serve`` builds
and edits hours): the library's read and what the build takes from it are kept
while no asset changes. ``schedule_sha`` is a hash of every hour's songs (by
ISRC: each load gives the assets new ids), the same for the same seed and
library whatever makes the build faster.
"""

from __future__ import annotations

import sys
from pathlib import Path

from catalog import write_catalog

# The repository root lets it import the awkward library's plan from the test fixtures.
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import csv  # noqa: E402
import gc  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, deque  # noqa: E402
from datetime import date, timedelta  # noqa: E402

from tests.fixtures.awkward_library import plan_awkward_library  # noqa: E402

from onair import bootstrap  # noqa: E402
from onair.config import Settings, load_settings  # noqa: E402
from onair.domain.programming import ItemKind, StationProgram  # noqa: E402
from onair.domain.schedule import (  # noqa: E402
    HourPlan,
    Playable,
    ScheduledItem,
    at_epoch_ms,
    epoch_ms,
)
from onair.scheduler.build import categorize  # noqa: E402
from onair.scheduler.local_hours import hours_between  # noqa: E402
from onair.scheduler.planning import natural_overlap  # noqa: E402
from onair.scheduler.service import BuildReport  # noqa: E402
from onair.scheduler.station_file import load_station_file  # noqa: E402
from onair.scheduler.verify import Violation, verify_schedule  # noqa: E402

FIRST_DAY = date(2027, 1, 4)  # a Monday well ahead, so no hour has aired
DAYS = 7
SMALL_DAYS = 2
# What the analysis hears in each style of the awkward library (the catalog has no audio).
_ENERGY = {"electronic": "0.75", "orchestral": "0.3", "dynamic": "0.5"}
SEPARATION_MIN = 60


def _reference_week(
    program: StationProgram, playables: list[Playable], seed: int
) -> list[HourPlan]:
    """A random pick within the category, artists and titles of the last hour filtered out."""
    rng = random.Random(seed)
    members = categorize(program, playables)
    recent: deque[tuple[int, Playable]] = deque()
    last: dict[str, int] = {}
    hours = hours_between(FIRST_DAY, DAYS, program.zone)
    cursor = epoch_ms(hours[0].start)
    plans = []
    for hour in hours:
        items: list[ScheduledItem] = []
        clock = program.clocks[program.clock_for(hour.day, hour.hour)]
        for index, slot in enumerate(clock.slots):
            category = program.categories[slot.category]
            while recent and recent[0][0] < cursor - SEPARATION_MIN * 60_000:
                recent.popleft()
            song = None
            if category.type is ItemKind.MUSIC and members[slot.category]:
                song = _pick(rng, members[slot.category], recent, last)
                recent.append((cursor, song))
                last[song.id] = cursor
            length = song.length_ms if song else round((category.planned_s or 0) * 1000)
            overlap = natural_overlap(song) if song else 0
            nominal = hour.start + timedelta(seconds=slot.at_s) if slot.at_s is not None else None
            items.append(ScheduledItem(
                id=f"ref{epoch_ms(hour.start)}-{index}", hour=hour.start, position=index,
                start=at_epoch_ms(cursor), duration_ms=length, overlap_next_ms=overlap,
                kind=category.type, category=slot.category, hard=slot.hard,
                nominal_start=nominal, slot=index, asset_id=song.id if song else None,
            ))  # fmt: skip
            cursor += length - overlap
        plans.append(HourPlan(program.id, hour.start, hour.label, "reference", tuple(items)))
    return plans


def _pick(
    rng: random.Random,
    pool: list[Playable],
    recent: deque[tuple[int, Playable]],
    last: dict[str, int],
) -> Playable:
    artists = {k for _, s in recent for k in s.artist_keys}
    titles = {s.title_key for _, s in recent}

    def free(song: Playable) -> bool:
        return not (artists & set(song.artist_keys)) and song.title_key not in titles

    # Rejection sampling draws uniformly among the songs the filter keeps, without
    # filtering 90,000 gold songs at every pick.
    for _ in range(200):
        song = rng.choice(pool)
        if free(song):
            return song
    kept = [s for s in pool if free(s)]
    if kept:
        return rng.choice(kept)
    return min(pool, key=lambda s: last.get(s.id, -1))


def _by_rule(violations: list[Violation]) -> dict[str, int]:
    return dict(Counter(v.rule for v in violations).most_common())


def _small_library(path: Path) -> int:
    """The awkward library's songs as catalog rows (metadata only); how many there are."""
    songs = [t for t in plan_awkward_library("big") if t.kind == "music" and t.expect == "ready"]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["isrc", "title", "artist", "album", "album_artist", "duration", "bpm",
                         "energy"])  # fmt: skip
        for n, song in enumerate(songs, 1):
            tags = song.tags
            title = tags.title if tags and tags.title else Path(song.file).stem
            artist = tags.artist if tags and tags.artist else "Unknown Artist"
            # Album artists as the ingested folder holds them: only the soundtrack names one.
            album = (tags.album if tags else None) or ""
            album_artist = (tags.album_artist if tags and "Soundtrack" in album else None) or ""
            length, bpm, energy = f"{song.seconds:.2f}", f"{song.bpm:g}", _ENERGY[song.style]
            isrc = f"USAWK26{n:05d}"
            writer.writerow([isrc, title, artist, album, album_artist, length, bpm, energy])
    return len(songs)


def _station(work: Path, station_file: Path, catalog: Path) -> tuple[StationProgram, Settings]:
    """A fresh data dir with ``catalog`` loaded and the station file applied."""
    program = load_station_file(station_file)
    settings = load_settings(None, data_dir=work / "data", station=program.id)
    bootstrap.prepare_data_dir(settings)
    with bootstrap.open_library(settings) as access:
        bootstrap.load_catalogs(access, [catalog])
    with bootstrap.open_programs(settings) as programs:
        programs.apply(program, str(station_file))
    return program, settings


def _timed_build(
    settings: Settings, station: str, days: int, seed: int
) -> tuple[BuildReport, float, float, float]:
    """``onair schedule build`` as the command runs it: the report, wall and CPU seconds;
    then the CPU seconds of the same build again by the same scheduler."""
    with bootstrap.open_scheduler(settings) as scheduler:
        began, cpu = time.perf_counter(), time.process_time()
        report = scheduler.build(station, FIRST_DAY, days, seed)
        wall_s, cpu_s = time.perf_counter() - began, time.process_time() - cpu
        cpu = time.process_time()
        again = scheduler.build(station, FIRST_DAY, days, seed)
        warm_cpu_s = time.process_time() - cpu
        assert _sha(again) == _sha(report), "the same seed built another week"
        return report, wall_s, cpu_s, warm_cpu_s


def _sha(report: BuildReport, names: dict[str, str] | None = None) -> str:
    """A hash of every hour's assets in air order, by id or by ``names`` of the ids."""
    digest = hashlib.sha256()
    for plan in report.plans:
        ids = [i.asset_id or "" for i in plan.items]
        digest.update(("|".join(names.get(i, i) if names else i for i in ids) + "\n").encode())
    return digest.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--export", type=Path, help="Write the week's export JSON here.")
    args = parser.parse_args()
    station_file = Path(__file__).with_name("station.yaml")
    with tempfile.TemporaryDirectory(prefix="onair-bench-") as scratch:
        work = Path(scratch)
        small = work / "small"
        small.mkdir()
        small_songs = _small_library(small / "catalog.csv")
        _, small_settings = _station(
            small, Path(__file__).with_name("onair_station.yaml"), small / "catalog.csv"
        )
        small_report, small_s, small_cpu_s, _ = _timed_build(
            small_settings, "bench", SMALL_DAYS, args.seed
        )
        write_catalog(work / "catalog.csv", args.tracks, args.seed)
        began = time.perf_counter()
        program, settings = _station(work, station_file, work / "catalog.csv")
        catalog_s = time.perf_counter() - began
        report, build_s, build_cpu_s, warm_cpu_s = _timed_build(
            settings, program.id, DAYS, args.seed
        )
        with bootstrap.open_scheduler(settings) as scheduler:
            start, end = report.plans[0].start, report.plans[-1].end
            began = time.perf_counter()
            _, violations = scheduler.verify(program.id, start, end)
            verify_s = time.perf_counter() - began
            if args.export:
                exported = scheduler.export(program.id, start, end, "json")
                args.export.write_text(json.dumps(exported, indent=1) + "\n", encoding="utf-8")
            playables = scheduler.library.playables(program.id)
        # The build and the read pause the cyclic collector; the reference starts, as the
        # build does, without the collections those pauses put off.
        gc.collect()
        began = time.perf_counter()
        reference = _reference_week(program, playables, args.seed)
        reference_s = time.perf_counter() - began
        reference_violations = verify_schedule(program, playables, [], reference)
    print(json.dumps({
        "library": args.tracks,
        "hours": len(report.plans),
        "build_s": round(build_s, 2),
        "unscheduled": sum(len(p.unscheduled) for p in report.plans),
        "violations": len(violations),
        "reference_build_s": round(reference_s, 2),
        "reference_violations": len(reference_violations),
        "relaxations": sum(len(p.relaxations) for p in report.plans),
        "items": sum(len(p.items) for p in report.plans),
        "build_cpu_s": round(build_cpu_s, 2),
        "warm_build_cpu_s": round(warm_cpu_s, 2),
        "schedule_sha": _sha(report, {p.id: p.isrc or p.title for p in playables}),
        "small_library": small_songs,
        "small_library_hours": len(small_report.plans),
        "small_library_build_s": round(small_s, 2),
        "small_library_build_cpu_s": round(small_cpu_s, 2),
        "small_library_relaxations": sum(len(p.relaxations) for p in small_report.plans),
        "small_library_unscheduled": sum(len(p.unscheduled) for p in small_report.plans),
        "catalog_s": round(catalog_s, 1),
        "verify_s": round(verify_s, 2),
        "violations_by_rule": _by_rule(violations),
        "reference_violations_by_rule": _by_rule(reference_violations),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
