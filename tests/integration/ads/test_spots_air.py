"""A placed spot airs in its break: traffic's log, playout's read of the schedule, the mix.

The station's schedule, library and traffic log are real storage (SQLite and a
folder object store); each asset is a tone, so the rendered audio says which
item sounds when.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from onair.ads.order_file import read_order_file
from onair.domain.library import AssetKind
from onair.domain.programming import ItemKind
from onair.domain.schedule import HourPlan, ScheduledItem
from onair.playout.lineup import AirRules, Lineup
from onair.playout.master_cache import MasterCache
from onair.playout.mixer import Mixer
from onair.playout.preparer import Preparer
from onair.playout.render import RenderReport, render_play_ids
from onair.playout.timeline import Timeline, TimelineSettings
from onair.storage.db import create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.playout_library import SqlPlayoutLibrary
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from onair.storage.repositories.schedules import SqlSchedules
from tests.integration.playout.world import World, tone_db, write_tone

from .traffic_station import STATION, apply, order_file, program, save_asset, traffic

T0 = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)  # 08:00 in Chicago
BREAK_AT_S, BREAK_S = 18.0, 60.0
HZ = {"song": 330, "next": 440, "spot": 1000, "promo": 700, "liner": 550}
N = {"song": 1, "next": 2, "spot": 3, "promo": 4, "liner": 5}
SECONDS = {"song": 20.0, "next": 30.0, "spot": 30.0, "promo": 20.0, "liner": 10.0}
KINDS = {
    "song": AssetKind.MUSIC,
    "next": AssetKind.MUSIC,
    "spot": AssetKind.SPOT,
    "promo": AssetKind.PROMO,
    "liner": AssetKind.LINER,
}
BREAK_ID = "01JBREAK000000000000000000"


@dataclass
class Station:
    engine: Engine
    objects: FilesystemObjectStore
    folder: Path
    ids: dict[str, str]


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    url = f"sqlite:///{tmp_path / 'onair.db'}"
    upgrade(url)
    engine = create_engine_for(url)
    Stations(engine).ensure(STATION, name="KADS", timezone="America/Chicago")
    apply(engine, program(break_s=BREAK_S))
    objects = FilesystemObjectStore(tmp_path / "objects")
    objects.check()
    ids = {}
    for name, seconds in SECONDS.items():
        wav = tmp_path / f"{name}.wav"
        write_tone(wav, HZ[name], seconds)
        key = f"masters/{name}.wav"
        objects.put_file(key, wav)
        ids[name] = save_asset(engine, N[name], KINDS[name], seconds, name.title(), key)
    _schedule(engine, ids)
    yield Station(engine, objects, tmp_path, ids)
    engine.dispose()


def _schedule(engine: Engine, ids: dict[str, str]) -> None:
    """A song, a planned 60 s spot break, the next song."""
    at = T0 + timedelta(seconds=BREAK_AT_S)
    items = (
        ScheduledItem(
            id="item-song".ljust(26, "0"),
            hour=T0,
            position=0,
            start=T0,
            duration_ms=20_000,
            overlap_next_ms=2_000,
            kind=ItemKind.MUSIC,
            category="songs",
            slot=0,
            asset_id=ids["song"],
        ),
        ScheduledItem(
            id=BREAK_ID,
            hour=T0,
            position=1,
            start=at,
            duration_ms=60_000,
            overlap_next_ms=0,
            kind=ItemKind.SPOT,
            category="spots",
            slot=1,
        ),
        ScheduledItem(
            id="item-next".ljust(26, "0"),
            hour=T0,
            position=2,
            start=at + timedelta(seconds=BREAK_S),
            duration_ms=30_000,
            overlap_next_ms=0,
            kind=ItemKind.MUSIC,
            category="songs",
            slot=2,
            asset_id=ids["next"],
        ),
    )
    plan = HourPlan(STATION, T0, "2027-03-01T08:00-06:00", "hour", items)
    SqlSchedules(engine).replace(STATION, [plan], program_version=1)


def _book_and_place(station: Station) -> None:
    file = order_file(
        station.folder,
        f"""
advertisers: [{{name: Main Street Motors, conflict: auto}}]
orders:
  - id: MSM-1
    advertiser: Main Street Motors
    flight: {{start: 2027-03-01, end: 2027-03-07}}
    length: 30
    spots_per_day: 1
    copy: [{{asset: {station.ids["spot"]}, isci: MSMA0030}}]
""",
    )
    desk = traffic(station.engine)
    prog = program(break_s=BREAK_S)
    desk.book(STATION, prog, read_order_file(file))
    desk.place(STATION, prog, T0.date(), 1, seed=3)


def _render(station: Station, seconds: float) -> tuple[np.ndarray, RenderReport]:
    lineup = Lineup(
        STATION,
        SqlPlayoutSchedule(station.engine),
        SqlPlayoutLibrary(station.engine),
        AirRules(),
        render_play_ids(1),
    )
    cache = MasterCache(station.objects, station.folder / "cache")
    with ThreadPoolExecutor(2) as pool:
        timeline = Timeline(lineup, Preparer(cache, pool), Mixer(), T0, TimelineSettings())
        return World(station.folder).render(seconds, timeline)


def _start_s(report: RenderReport, asset_id: str) -> float:
    entry = next(e for e in report.as_run if e.asset_id == asset_id)
    return (entry.actual_start - T0).total_seconds()


def test_the_placed_spot_airs_in_its_break_and_the_break_ends_on_time(station: Station) -> None:
    _book_and_place(station)
    pcm, report = _render(station, 95)

    ids = station.ids
    aired = [e.asset_id for e in report.as_run]
    assert aired[:2] == [ids["song"], ids["spot"]]
    assert set(aired[2:4]) == {ids["promo"], ids["liner"]}  # house material makes up the rest
    assert aired[4] == ids["next"]
    spot = report.as_run[1]
    assert spot.kind is ItemKind.SPOT
    log = traffic(station.engine).logs(STATION, T0.date())[0]
    placed = log.breaks[0].items[0]
    assert spot.schedule_item_id == placed.id  # the as-run names the placed spot
    assert placed.order_id == "MSM-1"
    assert _start_s(report, ids["spot"]) == pytest.approx(BREAK_AT_S, abs=0.001)
    assert _start_s(report, ids["next"]) == pytest.approx(BREAK_AT_S + BREAK_S, abs=0.5)
    assert tone_db(pcm, HZ["spot"], BREAK_AT_S + 15) > -20
    assert not report.failovers


def test_a_break_retimed_since_it_was_placed_airs_as_planned(station: Station) -> None:
    _book_and_place(station)
    plan = SqlSchedules(station.engine).hours(STATION, T0, T0 + timedelta(hours=1))[0]
    shorter = tuple(
        i
        if i.id != BREAK_ID
        else ScheduledItem(
            id=i.id,
            hour=i.hour,
            position=i.position,
            start=i.start,
            duration_ms=45_000,
            overlap_next_ms=0,
            kind=i.kind,
            category=i.category,
            slot=i.slot,
        )
        for i in plan.items
    )
    SqlSchedules(station.engine).replace(
        STATION, [HourPlan(STATION, T0, plan.local_label, plan.clock, shorter)], program_version=1
    )
    items = SqlPlayoutSchedule(station.engine).history(STATION, T0, T0 + timedelta(minutes=5))
    assert [i.id for i in items][1] == BREAK_ID
