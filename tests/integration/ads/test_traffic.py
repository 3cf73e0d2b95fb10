"""Traffic on both databases: orders booked or refused, placed into breaks as a traffic
manager checks a log (separation kept, breaks full, bumps explained, the same log again)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from onair.ads.order_file import read_order_file
from onair.domain.library import AssetKind
from onair.domain.traffic import DayLog, OrderRefused, Role
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.repositories.traffic import SqlTraffic

from .traffic_station import (
    DAY,
    STATION,
    apply,
    breaks,
    house,
    order_file,
    program,
    save_asset,
    traffic,
)

BUMPERS = {"open": "bumper", "close": "bumper"}


@pytest.fixture
def copy(engine: Engine) -> dict[str, str]:
    apply(engine, program(BUMPERS))
    house(engine)
    breaks(engine, days=2)
    return {
        "motors": save_asset(engine, 1, AssetKind.SPOT, 30.0, "Motors Spring Sale"),
        "motors2": save_asset(engine, 2, AssetKind.SPOT, 29.6, "Motors Trade-In"),
        "cars": save_asset(engine, 3, AssetKind.SPOT, 15.0, "Cars R Us"),
        "bank": save_asset(engine, 4, AssetKind.SPOT, 60.0, "First Bank"),
        "pizza": save_asset(engine, 5, AssetKind.SPOT, 30.0, "Pizza Place"),
        "promo": "01JA" + f"{900:022d}",
    }


def _orders(copy: dict[str, str], motors_per_day: int = 12, cars_per_day: int = 10) -> str:
    return f"""
advertisers:
  - {{name: Main Street Motors, conflict: auto}}
  - {{name: Cars R Us, conflict: auto}}
  - {{name: First Bank}}
  - {{name: Pizza Place, conflict: food}}
orders:
  - id: MSM-1
    advertiser: Main Street Motors
    flight: {{start: 2027-03-01, end: 2027-03-31}}
    length: 30
    spots_per_day: {motors_per_day}
    separation: {{minutes: 45}}
    priority: 2
    copy:
      - {{asset: {copy["motors"]}, isci: MSMA0030, weight: 2}}
      - {{asset: {copy["motors2"]}, isci: MSMB0030, kill: 2027-03-01}}
  - id: CRU-1
    advertiser: Cars R Us
    flight: {{start: 2027-03-01, end: 2027-03-31}}
    length: 15
    spots_per_day: {cars_per_day}
    dayparts: [{{days: mon-fri, hours: "06-19"}}]
    copy: [{{asset: {copy["cars"]}, ad_id: CRUS0000001}}]
  - id: FB-1
    advertiser: First Bank
    flight: {{start: 2027-03-01, end: 2027-03-31}}
    length: 60
    spots_per_week: 70
    copy: [{{asset: {copy["bank"]}, isci: FBNK0060}}]
  - id: PZ-1
    advertiser: Pizza Place
    flight: {{start: 2027-03-01, end: 2027-03-31}}
    length: 30
    spots_per_day: 8
    separation: break
    dayparts: [{{days: all, hours: "11-14"}}, {{days: all, hours: "17-20"}}]
    copy: [{{asset: {copy["pizza"]}, isci: PZZA0030}}]
"""


def _place(engine: Engine, tmp_path: Path, text: str, seed: int = 1, days: int = 2) -> list[DayLog]:
    desk = traffic(engine)
    prog = program(BUMPERS)
    desk.book(STATION, prog, read_order_file(order_file(tmp_path, text)))
    return desk.place(STATION, prog, DAY, days, seed)


def _spots(logs: list[DayLog]) -> list[tuple[int, str | None, str, str | None]]:
    """Each placed spot: its start (epoch ms), conflict code, break, order."""
    return [
        (
            round((b.brk.start.timestamp()) * 1000) + i.offset_ms,
            i.conflict,
            b.brk.item_id,
            i.order_id,
        )
        for log in logs
        for b in log.breaks
        for i in b.spots
    ]


def test_orders_are_placed_with_their_competitors_kept_apart(
    engine: Engine, copy: dict[str, str], tmp_path: Path
) -> None:
    logs = _place(engine, tmp_path, _orders(copy))
    spots = _spots(logs)
    per_day = {
        d: sum(1 for log in logs if log.day == d for b in log.breaks for _ in b.spots)
        for d in (DAY, DAY + timedelta(days=1))
    }
    assert per_day[DAY] == 12 + 10 + 10 + 8  # Monday: motors, cars, bank's 70/7, pizza
    assert not [b for log in logs for b in log.bumps]
    autos = sorted((at, brk, order) for at, code, brk, order in spots if code == "auto")
    for n, (a, brk_a, order_a) in enumerate(autos):
        for b, brk_b, order_b in autos[n + 1 :]:
            assert brk_a != brk_b  # two car dealers never in one break
            if "MSM-1" in (order_a, order_b):  # the motors' 45 minutes hold against both
                assert b - a >= 45 * 60_000
    pizza = [brk for _, code, brk, _ in spots if code == "food"]
    assert len(pizza) == len(set(pizza))  # never two in one break
    # Copy rotates by weight and drops out after its kill date.
    motors = [i.code for log in logs for b in log.breaks for i in b.spots if i.order_id == "MSM-1"]
    monday, tuesday = motors[:12], motors[12:]
    assert monday.count("MSMA0030") == 8
    assert monday.count("MSMB0030") == 4
    assert set(tuesday) == {"MSMA0030"}


def test_every_break_is_filled_to_its_length_within_half_a_second(
    engine: Engine, copy: dict[str, str], tmp_path: Path
) -> None:
    logs = _place(engine, tmp_path, _orders(copy))
    for log in logs:
        for brk in log.breaks:
            assert abs(brk.fill_error_ms) <= 500, brk
            roles = [i.role for i in brk.items]
            if brk.spots:  # a pod: bookends around the spots, house material inside
                assert roles[0] is Role.OPEN
                assert roles[-1] is Role.CLOSE
            else:
                assert set(roles) <= {Role.PROMO, Role.FILL}
            # a promo or liner airs once a break
            house = [i.asset_id for i in brk.items if i.role in (Role.PROMO, Role.FILL)]
            assert len(house) == len(set(house))


def test_spots_no_break_can_take_are_bumped_with_the_reason(
    engine: Engine, copy: dict[str, str], tmp_path: Path
) -> None:
    # 40 motors a day with 45 minutes between them cannot fit 24 hours.
    logs = _place(engine, tmp_path, _orders(copy, motors_per_day=40), days=1)
    bumps = [b for b in logs[0].bumps if b.order_id == "MSM-1"]
    assert len(bumps) == 40 - len([s for s in _spots(logs) if s[3] == "MSM-1"]) > 0
    assert "competitive separation" in bumps[0].reason
    assert "auto" in bumps[0].reason
    assert "45 min" in bumps[0].reason
    # The bumps are kept with the day's log.
    stored = SqlTraffic(engine).logs(STATION, DAY, DAY)[0]
    assert [b.reason for b in stored.bumps] == [b.reason for b in logs[0].bumps]


def test_a_full_day_bumps_for_room(engine: Engine, copy: dict[str, str], tmp_path: Path) -> None:
    # Cars R Us in its 13 daypart hours: 52 breaks hold at most 4 x 15 s spots each.
    logs = _place(engine, tmp_path, _orders(copy, motors_per_day=1, cars_per_day=200), days=1)
    reasons = {b.reason for b in logs[0].bumps if b.order_id == "CRU-1"}
    assert reasons
    assert all("breaks on 2027-03-01" in r or "full" in r or "separation" in r for r in reasons)


def test_the_same_seed_gives_the_same_log(
    engine: Engine, copy: dict[str, str], tmp_path: Path
) -> None:
    first = _place(engine, tmp_path, _orders(copy), seed=5)
    again = _place(engine, tmp_path, _orders(copy), seed=5)
    other = _place(engine, tmp_path, _orders(copy), seed=6)
    assert _spots(first) == _spots(again)
    assert [b.items for log in first for b in log.breaks] == [
        b.items for log in again for b in log.breaks
    ]
    assert _spots(first) != _spots(other)


def test_a_locked_log_stays_as_it_is(engine: Engine, copy: dict[str, str], tmp_path: Path) -> None:
    first = _place(engine, tmp_path, _orders(copy), seed=1)
    desk = traffic(engine)
    desk.lock(STATION, DAY, locked=True)
    again = _place(engine, tmp_path, _orders(copy, motors_per_day=2), seed=9)
    stored = desk.logs(STATION, DAY, days=2)
    assert stored[0].locked
    assert stored[0].breaks == first[0].breaks  # Monday kept spot for spot
    assert stored[1].breaks == again[1].breaks != first[1].breaks  # Tuesday placed anew
    assert sum(1 for b in stored[1].breaks for i in b.spots if i.order_id == "MSM-1") == 2


def test_an_order_file_with_problems_is_refused_line_by_line(
    engine: Engine, copy: dict[str, str], tmp_path: Path
) -> None:
    path = order_file(
        tmp_path,
        f"""
advertisers:
  - {{name: Main Street Motors, conflict: auto}}
orders:
  - id: BAD-1
    advertiser: Main Street Motors
    flight: {{start: 2027-03-10, end: 2027-03-01}}
    length: 30
    spots_per_day: 2
    copy: [{{asset: {copy["motors"]}, isci: MSMA0030}}]
  - id: BAD-2
    advertiser: Main Street Motors
    flight: {{start: 2027-03-01, end: 2027-03-10}}
    length: 30
    spots_per_day: 2
    copy: []
  - id: BAD-3
    advertiser: Nobody Inc
    flight: {{start: 2027-03-01, end: 2027-03-10}}
    length: 60
    spots_per_day: 2
    copy:
      - {{asset: 01JA9999999999999999999999, isci: NOBD0060}}
      - {{asset: {copy["promo"]}, isci: NOBD0061}}
      - {{asset: {copy["motors"]}, isci: NOBD0062}}
""",
    )
    with pytest.raises(OrderRefused) as refused:
        traffic(engine).book(STATION, program(BUMPERS), read_order_file(path))
    assert refused.value.lines == [
        f"{path}:5: order BAD-1: the flight ends 2027-03-01, before it starts 2027-03-10",
        f"{path}:11: order BAD-2: no copy: give at least one copy asset",
    ]  # the file alone is refused first; nothing more is read of it
    path.write_text(
        path.read_text()
        .replace("2027-03-10, end: 2027-03-01", "2027-03-01, end: 2027-03-10")
        .replace("copy: []", f"copy: [{{asset: {copy['motors']}, isci: MSMA0030}}]")
    )
    with pytest.raises(OrderRefused) as refused:
        traffic(engine).book(STATION, program(BUMPERS), read_order_file(path))
    lines = refused.value.lines
    assert (
        lines[0] == f"{path}:18: order BAD-3: advertiser 'Nobody Inc' is not booked: list it"
        " under advertisers"
    )
    assert lines[1].startswith(
        f"{path}:23: order BAD-3: copy 01JA9999999999999999999999 is not in the library"
    )
    assert lines[2] == f"{path}:24: order BAD-3: copy {copy['promo']} is a promo asset, not a spot"
    assert (
        lines[3] == f"{path}:25: order BAD-3: copy {copy['motors']} runs 30.0 s; the order"
        " sells :60"
    )
    assert len(lines) == 4
    # A station whose breaks are 50 s (42 s of spots between its bumpers) cannot take a :60.
    short = program(BUMPERS, break_s=50)
    with pytest.raises(OrderRefused) as refused:
        traffic(engine).book(STATION, short, read_order_file(path))
    assert (
        f"{path}:20: order BAD-3: a :60 spot fits no break of the station (its longest break"
        " takes 42.0 s of spots)" in refused.value.lines
    )
    assert traffic(engine).orders(STATION) == []  # nothing booked


def test_an_order_booked_again_replaces_the_one_before(
    engine: Engine, copy: dict[str, str], tmp_path: Path
) -> None:
    desk = traffic(engine)
    prog = program(BUMPERS)
    desk.book(STATION, prog, read_order_file(order_file(tmp_path, _orders(copy))))
    booked = desk.book(
        STATION,
        prog,
        read_order_file(order_file(tmp_path, _orders(copy, motors_per_day=3), "revised.yaml")),
    )
    assert set(booked.replaced) == {"MSM-1", "CRU-1", "FB-1", "PZ-1"}
    assert desk.order(STATION, "MSM-1").spots_per_day == 3
    assert [o.id for o in desk.orders(STATION)] == ["CRU-1", "FB-1", "MSM-1", "PZ-1"]


def test_breaks_of_locked_or_started_hours_keep_their_spots(
    engine: Engine, copy: dict[str, str], tmp_path: Path
) -> None:
    monday = _place(engine, tmp_path, _orders(copy), seed=1)[0].breaks
    midnight = monday[0].brk.start - timedelta(minutes=14)
    noon, now = midnight + timedelta(hours=12), midnight + timedelta(hours=3)
    SqlSchedules(engine).lock(STATION, midnight, noon, locked=True)  # Monday morning locked
    desk = traffic(engine, now=now)  # and its first three hours on the air
    prog = program(BUMPERS)
    desk.book(STATION, prog, read_order_file(order_file(tmp_path, _orders(copy, 2), "b.yaml")))
    again = desk.place(STATION, prog, DAY, 2, seed=9)
    kept = [b for b in monday if b.brk.start < noon]
    assert again[0].breaks[: len(kept)] == tuple(kept)  # spot for spot
    assert again[0].breaks[len(kept) :] != monday[len(kept) :]  # the afternoon placed anew
    motors_kept = sum(1 for b in kept for i in b.spots if i.order_id == "MSM-1")
    motors_now = sum(1 for b in again[0].breaks for i in b.spots if i.order_id == "MSM-1")
    assert motors_now == max(motors_kept, 2)  # the kept spots count toward its 2 a day
    assert sum(1 for b in again[1].breaks for i in b.spots if i.order_id == "MSM-1") == 2
