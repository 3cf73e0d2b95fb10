"""Copy rotation by weight and kill date, a weekly order's spots spread over its days, and
the station file's traffic section checked against its categories."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from onair.ads.placement import week_share
from onair.ads.rotation import CopyRotation
from onair.domain.program_check import program_from
from onair.domain.programming import InvalidProgram
from onair.domain.traffic import Copy, Order

MONDAY = date(2027, 3, 1)


def _order(**terms: Any) -> Order:
    base: dict[str, Any] = {
        "id": "A-1", "advertiser": "X", "flight": {"start": "2027-03-01", "end": "2027-03-31"},
        "length": 30, "copy": [{"asset": "a", "isci": "ABCD1234"}],
    }  # fmt: skip
    return Order.model_validate(base | terms)


def test_copies_rotate_by_weight_evenly_mixed_and_drop_out_after_their_kill_date() -> None:
    rotation = CopyRotation([
        Copy(asset="a", isci="AAAA0001", weight=2),
        Copy(asset="b", isci="BBBB0001", weight=1, kill=MONDAY),
    ])  # fmt: skip
    monday = [rotation.next(MONDAY).asset for _ in range(6)]  # type: ignore[union-attr]
    assert monday == ["a", "b", "a", "a", "b", "a"]
    tuesday = [rotation.next(MONDAY + timedelta(days=1)).asset for _ in range(3)]  # type: ignore[union-attr]
    assert tuesday == ["a", "a", "a"]


def test_every_copy_killed_leaves_nothing_to_air() -> None:
    rotation = CopyRotation([Copy(asset="a", isci="AAAA0001", kill=MONDAY)])
    assert rotation.next(MONDAY + timedelta(days=1)) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_weekly_order_spreads_its_spots_over_its_days(seed: int) -> None:
    order = _order(spots_per_week=12, dayparts=[{"days": "mon-fri"}])
    week = [week_share(order, MONDAY + timedelta(days=n), seed) for n in range(7)]
    assert sum(week) == 12
    assert sorted(week[:5]) == [2, 2, 2, 3, 3]
    assert week[5:] == [0, 0]


def test_a_weekly_order_keeps_its_count_in_a_week_its_flight_cuts_short() -> None:
    order = _order(spots_per_week=10, flight={"start": "2027-03-04", "end": "2027-03-31"})
    week = Counter(week_share(order, MONDAY + timedelta(days=n), 1) for n in range(7))
    assert week[0] == 3  # Monday to Wednesday are before the flight
    assert sum(week_share(order, MONDAY + timedelta(days=n), 1) for n in range(7)) == 10


def _station(traffic: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "kads", "name": "KADS", "timezone": "America/Chicago", "call_letters": "KADS",
        "community": "Springfield", "categories": {
            "songs": {"type": "music"}, "legal_id": {"type": "id", "planned_s": 8},
            "spots": {"type": "spot", "planned_s": 120}, "link": {"type": "voice", "planned_s": 9},
        },
        "clocks": {"hour": {"slots": [{"category": "legal_id", "at": "00:00", "hard": True},
                                      {"category": "songs"}]}},
        "grid": {"mon-sun": {"00-24": "hour"}}, "traffic": traffic,
    }  # fmt: skip


def test_the_traffic_section_names_categories_of_the_right_types() -> None:
    with pytest.raises(InvalidProgram) as invalid:
        program_from(_station({"breaks": ["songs"], "open": "bumper", "fill": "link"}))
    assert [p.message for p in invalid.value.problems] == [
        "traffic.breaks 'songs' is not a spot category with planned_s: name the station's spot"
        " breaks",
        "traffic.open 'bumper' is not a category: define it in categories",
        "traffic.fill 'link' is a voice category: use one of fill",
    ]
    assert program_from(_station({"breaks": ["spots"]})).traffic.breaks == ("spots",)
