"""The scheduler service on SQLite and PostgreSQL: build, keep, publish and verify stored hours.

The library is a catalog CSV loaded as ``onair ingest --catalog`` loads it, the
program the demo station file; ``now`` is injected so hours can have started.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.programming import ItemKind
from onair.domain.schedule import HourPlan, ScheduledItem
from onair.ingest.catalog_load import load_catalog
from onair.scheduler.export import instant
from onair.scheduler.service import AlreadyAired, Scheduler, published_events
from onair.scheduler.station_file import load_station_file
from onair.storage.db import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.tables import ScheduleItemRow
from tests.music_catalog import write_catalog

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))
STATION = "demo"
MONDAY = date(2027, 2, 1)  # Chicago is UTC-6 all month
MIDNIGHT = datetime(2027, 2, 1, 6, tzinfo=UTC)  # Monday 00:00 in Chicago
HOUR = timedelta(hours=1)
BEFORE = MIDNIGHT - timedelta(days=30)


@pytest.fixture
def bare(database_url: str) -> Iterator[Engine]:
    """The demo program applied; the library empty."""
    upgrade(database_url)
    engine = create_engine_for(database_url)
    SqlPrograms(engine).apply(load_station_file(DEMO), str(DEMO))
    yield engine
    engine.dispose()


@pytest.fixture
def engine(bare: Engine, tmp_path: Path) -> Engine:
    """The demo program applied and 480 songs loaded from a catalog."""
    write_catalog(tmp_path / "catalog.csv", 480)
    assert load_catalog(tmp_path / "catalog.csv", STATION, SqlLibrary(bare)).added == 480
    return bare


def _scheduler(engine: Engine, now: datetime = BEFORE) -> Scheduler:
    return Scheduler(
        SqlPrograms(engine), SqlScheduleLibrary(engine), SqlSchedules(engine), now=lambda: now
    )


def _items(plans: list[HourPlan]) -> list[ScheduledItem]:
    return [i for p in plans for i in p.items]


def test_a_build_stores_every_hour_of_its_days(engine: Engine) -> None:
    scheduler = _scheduler(engine)
    report = scheduler.build(STATION, MONDAY, 2, seed=5)
    assert report.program_version == 1
    assert len(report.plans) == len(report.built) == 48
    assert [p.start for p in report.built] == [MIDNIGHT + n * HOUR for n in range(48)]
    stored = scheduler.stored(STATION, MIDNIGHT, MIDNIGHT + 48 * HOUR)
    assert stored == report.built
    assert all(p.items and not p.locked for p in stored)
    assert all(p.items[0].start == p.start for p in stored)  # the ID or the news on the top
    assert sum(len(p.items) for p in stored) > 48 * 12


def test_a_rebuild_keeps_started_and_locked_hours_and_rebuilds_the_rest(engine: Engine) -> None:
    first = _scheduler(engine).build(STATION, MONDAY, 2, seed=5)
    was = {p.start: p for p in first.built}
    locked = (MIDNIGHT + 30 * HOUR, MIDNIGHT + 32 * HOUR)  # Tuesday 06:00-08:00
    assert SqlSchedules(engine).lock(STATION, *locked) == 2

    now = MIDNIGHT + 10 * HOUR + timedelta(minutes=30)  # Monday 10:30: eleven hours started
    later = _scheduler(engine, now)
    report = later.build(STATION, MONDAY, 3, seed=6)  # overlaps the first build, one day more
    kept = {MIDNIGHT + n * HOUR for n in (*range(11), 30, 31)}
    assert len(report.plans) == 72
    assert {p.start for p in report.plans} - {p.start for p in report.built} == kept
    assert len(report.built) == 72 - 13

    stored = {p.start: p for p in later.stored(STATION, MIDNIGHT, MIDNIGHT + 72 * HOUR)}
    assert len(stored) == 72
    for start in kept:
        assert stored[start].items == was[start].items, start
    assert [stored[s].locked for s in sorted(kept)] == [False] * 11 + [True] * 2
    for start in set(was) - kept:
        assert {i.id for i in stored[start].items}.isdisjoint(i.id for i in was[start].items)
    assert stored[MIDNIGHT + 11 * HOUR].seed == 6


def test_a_rebuild_after_the_hours_on_air_carries_on_from_them(engine: Engine) -> None:
    _scheduler(engine).build(STATION, MONDAY, 2, seed=5)
    later = _scheduler(engine, MIDNIGHT + 10 * HOUR + timedelta(minutes=30))
    assert len(later.build(STATION, MONDAY, 2, seed=6).built) == 48 - 11
    # The rebuilt hours chain on from the kept ones to the millisecond, and the rules
    # see the kept hours' songs: nothing is broken that was not recorded.
    _, violations = later.verify(STATION, MIDNIGHT, MIDNIGHT + 48 * HOUR)
    assert [v for v in violations if not v.relaxed] == []


def test_a_first_build_during_the_day_plans_nothing_into_the_hours_gone(engine: Engine) -> None:
    # Songs planned into hours already over (and never stored) would steer the rotation
    # of the hours after them by plays that never aired; the hour on air is built, so
    # playout has a schedule from its next item on.
    scheduler = _scheduler(engine, MIDNIGHT + 13 * HOUR + timedelta(minutes=5))
    report = scheduler.build(STATION, MONDAY, 1, seed=5)
    assert [p.start for p in report.built] == [MIDNIGHT + n * HOUR for n in range(13, 24)]
    assert all(not p.items for p in report.plans if p.start not in {b.start for b in report.built})
    _, violations = scheduler.verify(STATION, MIDNIGHT, MIDNIGHT + 24 * HOUR)
    assert [v for v in violations if not v.relaxed] == []


def test_a_rebuild_before_a_locked_hour_keeps_the_rules_into_it(engine: Engine) -> None:
    """Songs rebuilt before a locked hour keep the rules with the songs it plays.

    A builder that looked only back would place songs before a locked hour that
    repeat an artist, title or song the locked hour plays soon after, breaking a
    rule in the locked hour where no relaxation records it.
    """
    _scheduler(engine).build(STATION, MONDAY, 2, seed=5)
    locked = {MIDNIGHT + 30 * HOUR, MIDNIGHT + 31 * HOUR}
    SqlSchedules(engine).lock(STATION, MIDNIGHT + 30 * HOUR, MIDNIGHT + 32 * HOUR)
    later = _scheduler(engine)
    assert len(later.build(STATION, MONDAY, 2, seed=6).built) == 46
    _, violations = later.verify(STATION, MIDNIGHT, MIDNIGHT + 48 * HOUR)
    unrecorded = [v for v in violations if not v.relaxed]
    # Separation, rest, plays per day, horizontal rotation and the DMCA window are
    # held into the locked hours. Turnover and flow inside them are not looked
    # ahead at (docs/scheduler.md, "Not done yet"): those may break there, and
    # nothing may break unrecorded anywhere else.
    not_looked_ahead = {"turnover_balance", "gender_flow", "tempo_flow", "energy_flow",
                        "tempo_jump", "energy_jump", "disallowed_patterns"}  # fmt: skip
    assert [v for v in unrecorded if v.hour not in locked or v.rule not in not_looked_ahead] == []


def test_a_build_of_hours_that_have_all_started_is_refused(engine: Engine) -> None:
    scheduler = _scheduler(engine, now=MIDNIGHT + 24 * HOUR)
    with pytest.raises(AlreadyAired, match="has already aired"):
        scheduler.build(STATION, MONDAY, 1, seed=5)
    assert scheduler.stored(STATION, MIDNIGHT, MIDNIGHT + 24 * HOUR) == []


def test_each_built_hour_publishes_schedule_published(engine: Engine) -> None:
    _scheduler(engine).build(STATION, MONDAY, 1, seed=5)
    now = MIDNIGHT + 20 * HOUR + timedelta(minutes=1)
    report = _scheduler(engine, now).build(STATION, MONDAY, 1, seed=6)
    assert [p.start for p in report.built] == [MIDNIGHT + n * HOUR for n in range(21, 24)]
    events = published_events(STATION, report)
    assert len(events) == 3
    for event, plan in zip(events, report.built, strict=True):
        assert (event.type, event.station) == ("schedule.published", STATION)
        assert event.correlation.hour == instant(plan.start)
        assert event.payload["hour"] == instant(plan.start)
        assert event.payload["local"] == plan.local_label
        assert event.payload["items"] == len(plan.items)
        assert event.payload["program_version"] == 1
    assert [e.correlation.hour for e in events] == [
        "2027-02-02T03:00:00.000Z",
        "2027-02-02T04:00:00.000Z",
        "2027-02-02T05:00:00.000Z",
    ]
    assert len({e.id for e in events}) == 3


def test_verify_of_a_stored_week_finds_only_the_recorded_relaxations(engine: Engine) -> None:
    scheduler = _scheduler(engine)
    report = scheduler.build(STATION, MONDAY, 7, seed=5)
    plans, violations = scheduler.verify(STATION, MIDNIGHT, MIDNIGHT + 168 * HOUR)
    assert len(plans) == 168
    recorded = {(x.item_id, x.rule) for p in report.built for x in p.relaxations}
    assert recorded, "480 songs under every rule relax something in a week"
    assert [v for v in violations if not v.relaxed] == []
    assert {(v.item_id, v.rule) for v in violations} == recorded


def _songs(scheduler: Scheduler) -> list[ScheduledItem]:
    plans = scheduler.stored(STATION, MIDNIGHT, MIDNIGHT + 24 * HOUR)
    return [i for i in _items(plans) if i.kind is ItemKind.MUSIC]


def test_verify_finds_a_song_moved_into_its_artist_separation(engine: Engine) -> None:
    scheduler = _scheduler(engine)
    report = scheduler.build(STATION, MONDAY, 1, seed=5)
    relaxed = {x.item_id for p in report.built for x in p.relaxations}
    songs = _songs(scheduler)
    before, after = next(
        (a, b)
        for a, b in pairwise(songs)
        if b.id not in relaxed and b.start - a.start < timedelta(minutes=10)
    )
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE schedule_items SET asset_id = :asset WHERE id = :id"),
            {"asset": before.asset_id, "id": after.id},
        )

    _, violations = scheduler.verify(STATION, MIDNIGHT, MIDNIGHT + 24 * HOUR)
    broken = {v.rule for v in violations if v.item_id == after.id and not v.relaxed}
    assert {"artist_separation", "title_separation", "rest"} <= broken
    assert all(v.relaxed for v in violations if v.item_id != after.id)


def test_verify_finds_a_start_moved_by_one_millisecond(engine: Engine) -> None:
    scheduler = _scheduler(engine)
    scheduler.build(STATION, MONDAY, 1, seed=5)
    moved = _songs(scheduler)[40]
    with engine.begin() as conn:
        conn.execute(
            sa.update(ScheduleItemRow)
            .where(ScheduleItemRow.id == moved.id)
            .values(starts_at=moved.start + timedelta(milliseconds=1))
        )

    _, violations = scheduler.verify(STATION, MIDNIGHT, MIDNIGHT + 24 * HOUR)
    timing = [(v.item_id, v.message) for v in violations if v.rule == "hard_timing"]
    assert (moved.id, "starts +0.001 s off the end of the item before") in timing
    assert len(timing) == 2  # and the item after it starts 1 ms early
    assert timing[1][1] == "starts -0.001 s off the end of the item before"


def test_a_category_without_songs_is_unscheduled_and_the_hour_still_fills(
    bare: Engine, tmp_path: Path
) -> None:
    """Positions of an empty category stay unscheduled; the other songs fill their time.

    Planned as if the empty category's songs took their usual length, hours would
    end minutes short of their top, and with no fill in the library that is
    silence, although hundreds of gold songs could fill it.
    """
    feed = tmp_path / "catalog.csv"
    write_catalog(feed, 480)
    feed.write_text(feed.read_text().replace(",current,", ",gold,"))
    load_catalog(feed, STATION, SqlLibrary(bare))
    scheduler = _scheduler(bare)
    report = scheduler.build(STATION, MONDAY, 1, seed=5)
    missing = [u for p in report.built for u in p.unscheduled if u.category == "current"]
    assert missing
    assert {u.reason for u in missing} == {"no current songs in the library"}
    _, violations = scheduler.verify(STATION, MIDNIGHT, MIDNIGHT + 24 * HOUR)
    assert [v.message for v in violations if v.rule == "hard_timing"] == []
    assert all(p.under_over_ms == 0 for p in report.built)
