"""Stored schedules on both databases: hours and items back exactly, locks hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy.engine import Engine

from onair.domain.programming import ItemKind
from onair.domain.schedule import (
    HourLocked,
    HourPlan,
    Relaxation,
    ScheduledItem,
    Unscheduled,
    ms,
)
from onair.storage.repositories import Stations
from onair.storage.repositories.schedules import SqlSchedules
from tests.integration.storage.conftest import STATION

MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _items(hour: datetime, count: int, tag: str, song_ms: int) -> tuple[ScheduledItem, ...]:
    """Songs overlapping by 1.5 s, a voice link planned after the first."""
    items, start = [], hour + ms(250)
    for n in range(count):
        voice = n == 1
        item = ScheduledItem(
            id=f"{tag}{hour:%d%H}{n:02d}".ljust(26, "0"),
            hour=hour,
            position=n,
            start=start,
            duration_ms=15_000 if voice else song_ms,
            overlap_next_ms=0 if voice else 1_500,
            kind=ItemKind.VOICE if voice else ItemKind.MUSIC,
            category="voice" if voice else "power",
            hard=n == 0,
            nominal_start=hour if n == 0 else None,
            slot=None if n == count - 1 else n,
            asset_id=None if voice else f"01JD{n:022d}",
            why={"rule": "rest", "candidates": n, "at": hour},
        )
        items.append(item)
        start = item.next_start
    return tuple(items)


def _plan(hour: datetime, count: int = 4, tag: str = "A", song_ms: int = 200_123) -> HourPlan:
    return HourPlan(
        station=STATION,
        start=hour,
        local_label=f"{hour - timedelta(hours=6):%Y-%m-%dT%H:%M}-06:00",  # Chicago in March
        clock="drive",
        items=_items(hour, count, tag, song_ms),
        unscheduled=(Unscheduled(hour, 7, "gold", "no gold song rested 3 h", hour + ms(2_500)),),
        relaxations=(Relaxation(hour, 2, "x", "artist_separation", 412, 409),),
        under_over_ms=-1_234,
        seed=2**40 + 17,
        built_at=hour - timedelta(days=1, microseconds=-654_321),
        notes=("dropped a gold song to land the news", "faded the last song 4.2 s early"),
    )


@pytest.fixture
def schedules(engine: Engine) -> SqlSchedules:
    return SqlSchedules(engine)


def test_hours_come_back_exactly_to_the_millisecond(schedules: SqlSchedules) -> None:
    plans = [_plan(MONDAY), _plan(MONDAY + HOUR, count=6)]
    schedules.replace(STATION, plans, program_version=3)
    back = schedules.hours(STATION, MONDAY, MONDAY + 2 * HOUR)
    assert back == plans
    at = (MONDAY + HOUR).isoformat()
    assert [i.why for i in back[1].items] == [
        {"rule": "rest", "candidates": n, "at": at} for n in range(6)
    ]
    assert all(a.next_start == b.start for a, b in pairwise(back[0].items))
    assert schedules.hours(STATION, MONDAY + HOUR, MONDAY + 2 * HOUR) == plans[1:]


def test_replace_replaces_the_hour_and_its_items_and_leaves_the_others(
    schedules: SqlSchedules,
) -> None:
    first, second = _plan(MONDAY), _plan(MONDAY + HOUR)
    schedules.replace(STATION, [first, second], program_version=1)
    rebuilt = replace(_plan(MONDAY, count=2, tag="B"), seed=99)
    schedules.replace(STATION, [rebuilt], program_version=2)
    assert schedules.hours(STATION, MONDAY, MONDAY + 2 * HOUR) == [rebuilt, second]
    assert schedules.item(STATION, first.items[0].id) is None
    assert schedules.item(STATION, rebuilt.items[1].id) == rebuilt.items[1]


def test_a_locked_hour_refuses_the_whole_replace_and_nothing_is_written(
    schedules: SqlSchedules,
) -> None:
    first, second = _plan(MONDAY), _plan(MONDAY + HOUR)
    schedules.replace(STATION, [first, second], program_version=1)
    assert schedules.lock(STATION, MONDAY + HOUR, MONDAY + 2 * HOUR) == 1
    later = _plan(MONDAY + 2 * HOUR)
    attempt = [_plan(MONDAY, tag="B"), _plan(MONDAY + HOUR, tag="B"), later]
    with pytest.raises(
        HourLocked, match=r"hour 2026-03-02T05:00-06:00 of station 'kxyz' is locked"
    ):
        schedules.replace(STATION, attempt, program_version=2)
    stored = schedules.hours(STATION, MONDAY, MONDAY + 3 * HOUR)
    assert stored == [first, replace(second, locked=True)]


def test_hours_read_without_why_are_the_same_hours_with_an_empty_why(
    schedules: SqlSchedules,
) -> None:
    plans = [_plan(MONDAY), _plan(MONDAY + HOUR)]
    schedules.replace(STATION, plans, program_version=1)
    shown = schedules.hours(STATION, MONDAY, MONDAY + 2 * HOUR, why=False)
    assert shown == [
        replace(p, items=tuple(replace(i, why={}) for i in p.items)) for p in plans
    ]  # fmt: skip


def test_history_is_in_air_order_across_hours(schedules: SqlSchedules) -> None:
    plans = [_plan(MONDAY + 2 * HOUR), _plan(MONDAY), _plan(MONDAY + HOUR)]
    schedules.replace(STATION, plans, program_version=1)
    every = [item for plan in sorted(plans, key=lambda p: p.start) for item in plan.items]
    assert schedules.history(STATION, MONDAY, MONDAY + 3 * HOUR) == every
    window = schedules.history(STATION, every[2].start, every[5].start)
    assert window == every[2:5]  # the end is not included
    assert schedules.history(STATION, MONDAY + 3 * HOUR, MONDAY + 4 * HOUR) == []


def test_lock_counts_the_hours_it_locked(engine: Engine, schedules: SqlSchedules) -> None:
    schedules.replace(STATION, [_plan(MONDAY + n * HOUR) for n in range(4)], program_version=1)
    assert schedules.lock(STATION, MONDAY + HOUR, MONDAY + 3 * HOUR) == 2
    assert schedules.lock(STATION, MONDAY, MONDAY + 6 * HOUR) == 2  # the others; none unbuilt
    assert schedules.lock(STATION, MONDAY, MONDAY + 6 * HOUR) == 0
    Stations(engine).ensure("other", name="Other", timezone="UTC")
    assert schedules.lock("other", MONDAY, MONDAY + 6 * HOUR) == 0
    assert all(plan.locked for plan in schedules.hours(STATION, MONDAY, MONDAY + 4 * HOUR))
    assert schedules.lock(STATION, MONDAY + HOUR, MONDAY + 2 * HOUR, locked=False) == 1
    locks = [plan.locked for plan in schedules.hours(STATION, MONDAY, MONDAY + 4 * HOUR)]
    assert locks == [True, False, True, True]
    schedules.replace(STATION, [_plan(MONDAY + HOUR, count=3)], program_version=2)  # may change


def test_a_week_of_hours_is_stored_and_read_back(schedules: SqlSchedules) -> None:
    week = [_plan(MONDAY + n * HOUR, count=25, song_ms=140_321) for n in range(168)]
    schedules.replace(STATION, week, program_version=1)
    schedules.replace(STATION, week, program_version=1)  # built again: replaced, not doubled
    assert schedules.hours(STATION, MONDAY, MONDAY + 168 * HOUR) == week
    assert len(schedules.history(STATION, MONDAY, MONDAY + 168 * HOUR)) == 168 * 25


def test_an_item_is_found_by_id_within_its_station(engine: Engine, schedules: SqlSchedules) -> None:
    plan = _plan(MONDAY)
    schedules.replace(STATION, [plan], program_version=1)
    Stations(engine).ensure("other", name="Other", timezone="UTC")
    assert schedules.item(STATION, plan.items[2].id) == plan.items[2]
    assert schedules.item("other", plan.items[2].id) is None
    assert schedules.item(STATION, "01JDNOSUCHITEM000000000000") is None
    wanted = [plan.items[3].id, "01JDNOSUCHITEM000000000000", plan.items[0].id]
    assert sorted(schedules.items(STATION, wanted), key=lambda i: i.position) == [
        plan.items[0], plan.items[3],
    ]  # fmt: skip
    assert schedules.items("other", wanted) == []


def test_the_items_following_an_instant_come_in_air_order_up_to_the_limit(
    schedules: SqlSchedules,
) -> None:
    plans = [_plan(MONDAY + HOUR), _plan(MONDAY), _plan(MONDAY + 2 * HOUR)]
    schedules.replace(STATION, plans, program_version=1)
    every = [item for plan in sorted(plans, key=lambda p: p.start) for item in plan.items]
    after = every[2].start
    assert schedules.following(STATION, after, MONDAY, MONDAY + 3 * HOUR, 5) == every[3:8]
    assert schedules.following(STATION, after, MONDAY, MONDAY + 2 * HOUR, 10) == every[3:8]
    assert schedules.following(STATION, MONDAY, MONDAY + HOUR, MONDAY + 3 * HOUR, 2) == every[4:6]
    assert schedules.following(STATION, every[-1].start, MONDAY, MONDAY + 3 * HOUR, 5) == []


def test_the_next_hard_post_is_the_first_hard_item_after_an_instant(
    schedules: SqlSchedules,
) -> None:
    schedules.replace(STATION, [_plan(MONDAY), _plan(MONDAY + 2 * HOUR)], program_version=1)
    first_post = MONDAY + timedelta(milliseconds=250)  # each hour's first item is hard
    assert schedules.next_hard_start(STATION, MONDAY - HOUR) == first_post
    assert schedules.next_hard_start(STATION, first_post) == first_post + 2 * HOUR
    assert schedules.next_hard_start(STATION, MONDAY + 2 * HOUR + HOUR) is None


def test_plans_of_another_station_or_twice_the_same_hour_are_refused(
    schedules: SqlSchedules,
) -> None:
    with pytest.raises(ValueError, match="one per hour"):
        schedules.replace(STATION, [_plan(MONDAY), _plan(MONDAY, tag="B")], program_version=1)
    with pytest.raises(ValueError, match="must be of that station"):
        schedules.replace("other", [_plan(MONDAY)], program_version=1)
    assert schedules.hours(STATION, MONDAY, MONDAY + HOUR) == []
