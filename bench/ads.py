"""Placing a week of traffic: 2,000 spots from 200 orders into a week of spot breaks.

Prints one JSON line: ``orders``, ``spots_week`` (the spots the orders want),
``placed``, ``bumped``, ``breaks``, ``place_week_s`` (wall) and
``place_week_cpu_s`` (process CPU seconds, steadier on a busy machine) for
``Traffic.place`` over the week as ``onair ads place --days 7`` runs it (the
breaks, orders and library read from SQLite, the logs stored),
``break_fill_error_max_s`` (the worst break against its planned length) and
``separation_broken`` (pairs of spots of one conflict code closer than their
separation, counted from the stored log by their own starts).

- station: a 24-hour clock with four 150 s spot breaks an hour (672 a week),
  two 4 s bumpers, promos of 30 and 20 s, liners and a bed.
- orders: 200 orders of 10 spots a week each (a third per day, the rest per
  week), :15, :30 and :60, one to three copies each; half have one of ten
  conflict codes, with no separation given (not in one break) or 15 to 60 min;
  dayparts all day, morning or afternoon drive, weekdays or weekends.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))  # the test fixtures' station assets

from sqlalchemy.engine import Engine  # noqa: E402
from tests.integration.ads.traffic_station import save_asset  # noqa: E402

from onair.ads.order_file import read_order_file  # noqa: E402
from onair.ads.service import Traffic  # noqa: E402
from onair.domain.library import AssetKind  # noqa: E402
from onair.domain.program_check import program_from  # noqa: E402
from onair.domain.programming import ItemKind, StationProgram  # noqa: E402
from onair.domain.schedule import HourPlan, ScheduledItem  # noqa: E402
from onair.domain.traffic import DayLog, Separation  # noqa: E402
from onair.storage.db import create_engine_for  # noqa: E402
from onair.storage.migrate import upgrade  # noqa: E402
from onair.storage.repositories import Stations  # noqa: E402
from onair.storage.repositories.programs import SqlPrograms  # noqa: E402
from onair.storage.repositories.schedules import SqlSchedules  # noqa: E402
from onair.storage.repositories.traffic import (  # noqa: E402
    SqlSpotBreaks,
    SqlTraffic,
    SqlTrafficLibrary,
)

STATION = "bench"
ZONE = ZoneInfo("America/Chicago")
MONDAY = date(2027, 3, 1)
BREAK_S = 150
ORDERS = 200
SPOTS_EACH = 10
CODES = [f"code{n}" for n in range(20)]
DAYPARTS = [
    "[{days: all, hours: '00-24'}]",
    "[{days: all, hours: '05-20'}]",
    "[{days: mon-fri, hours: '05-10'}, {days: sat-sun, hours: '07-13'}]",
    "[{days: mon-fri, hours: '14-20'}, {days: sat-sun, hours: '12-18'}]",
    "[{days: all, hours: '00-24'}]",
]


def _program() -> StationProgram:
    return program_from(
        {
            "id": STATION,
            "name": "Bench FM",
            "timezone": "America/Chicago",
            "call_letters": "KBEN",
            "community": "Springfield, Illinois",
            "categories": {
                "songs": {"type": "music"},
                "legal_id": {"type": "id", "planned_s": 8},
                "spots": {"type": "spot", "planned_s": BREAK_S},
                "promo": {"type": "promo"},
                "fill": {"type": "fill"},
                "bumper": {"type": "jingle"},
            },
            "clocks": {
                "hour": {
                    "slots": [
                        {"category": "legal_id", "at": "00:00", "hard": True},
                        {"category": "spots", "at": "14:00"},
                    ]
                }
            },
            "grid": {"mon-sun": {"00-24": "hour"}},
            "traffic": {"open": "bumper", "close": "bumper"},
        }
    )


def _week_of_breaks(engine: object) -> None:
    start = datetime.combine(MONDAY, datetime.min.time(), ZONE).astimezone(UTC)
    end = datetime.combine(MONDAY + timedelta(days=7), datetime.min.time(), ZONE).astimezone(UTC)
    plans, hour = [], start
    while hour < end:
        items = tuple(
            ScheduledItem(
                id=f"01JB{round(hour.timestamp()) // 60:014d}{m:08d}",
                hour=hour,
                position=p,
                start=hour + timedelta(minutes=m),
                duration_ms=BREAK_S * 1000,
                overlap_next_ms=0,
                kind=ItemKind.SPOT,
                category="spots",
                slot=p,
            )
            for p, m in enumerate((14, 29, 44, 54))
        )
        label = hour.astimezone(ZONE).isoformat(timespec="minutes")
        plans.append(HourPlan(STATION, hour, label, "hour", items))
        hour += timedelta(hours=1)
    SqlSchedules(engine).replace(STATION, plans, program_version=1)  # type: ignore[arg-type]


def _order_file(folder: Path, engine: Engine) -> Path:
    rng = random.Random(7)
    n = 1
    lines = ["advertisers:"]
    # Half the advertisers compete, five to a code, their dayparts drawn apart from it.
    lines += [
        f"  - {{name: Advertiser {a}, conflict: {CODES[(a // 2) % 20]}}}"
        if a % 2 == 0
        else f"  - {{name: Advertiser {a}}}"
        for a in range(ORDERS)
    ]
    lines.append("orders:")
    for o in range(ORDERS):
        length = rng.choices((15, 30, 60), weights=(3, 6, 1))[0]
        copies = []
        for c in range(rng.randint(1, 3)):
            seconds = length - rng.choice((0, 0.2, 0.5))
            copy_id = save_asset(engine, n, AssetKind.SPOT, seconds, f"spot {n}", station=STATION)
            copies.append(f"{{asset: {copy_id}, isci: ADVT{n:04d}, weight: {c + 1}}}")
            n += 1
        # A quarter of the orders buy 2 a day (14 a week); the rest 8 or 9 a week: 2,000 in all.
        spots = "spots_per_day: 2" if o % 4 == 0 else f"spots_per_week: {8 if o % 4 == 3 else 9}"
        separation = rng.choice(
            (
                "",
                "",
                "separation: {minutes: 15}",
                "separation: {minutes: 30}",
                "separation: {minutes: 60}",
            )
        )
        lines += [
            f"  - id: ORD-{o:04d}",
            f"    advertiser: Advertiser {o}",
            f"    flight: {{start: {MONDAY}, end: {MONDAY + timedelta(days=6)}}}",
            f"    length: {length}",
            f"    {spots}",
            f"    priority: {rng.randint(1, 9)}",
            f"    dayparts: {rng.choice(DAYPARTS)}",
            *([f"    {separation}"] if separation and o % 2 == 0 else []),
            f"    copy: [{', '.join(copies)}]",
        ]
    path = folder / "orders.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _separation_broken(logs: list[DayLog], traffic: Traffic) -> int:
    orders = {o.id: o for o in traffic.orders(STATION)}
    spots = sorted(
        (round(b.brk.start.timestamp() * 1000) + i.offset_ms, b.brk.item_id, i)
        for log in logs
        for b in log.breaks
        for i in b.spots
        if i.conflict
    )
    broken = 0
    for n, (at, brk, item) in enumerate(spots):
        for later_at, later_brk, later in spots[n + 1 :]:
            if later_at - at > 2 * 3_600_000:
                break
            if later.conflict != item.conflict:
                continue
            mine = orders[item.order_id or ""].separation or Separation(kind="break")
            theirs = orders[later.order_id or ""].separation or Separation(kind="break")
            gap = mine.stricter(theirs).gap_ms()
            if gap is not None and (brk == later_brk or later_at - at < gap):
                broken += 1
    return broken


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'onair.db'}"
        upgrade(url)
        engine = create_engine_for(url)
        Stations(engine).ensure(STATION, name="Bench FM", timezone="America/Chicago")
        program = _program()
        SqlPrograms(engine).apply(program, "bench")
        for n, (kind, seconds) in enumerate(
            [
                (AssetKind.PROMO, 30.0),
                (AssetKind.PROMO, 20.0),
                (AssetKind.LINER, 10.0),
                (AssetKind.LINER, 5.0),
                (AssetKind.BED, 60.0),
                (AssetKind.JINGLE, 4.0),
                (AssetKind.JINGLE, 4.0),
            ],
            start=90_000,
        ):
            save_asset(engine, n, kind, seconds, f"{kind.value} {n}", station=STATION)
        _week_of_breaks(engine)
        traffic = Traffic(
            SqlTraffic(engine),
            SqlSpotBreaks(engine),
            SqlTrafficLibrary(engine),
            now=lambda: datetime(2027, 1, 1, tzinfo=UTC),
        )
        traffic.book(STATION, program, read_order_file(_order_file(Path(folder), engine)))
        wanted = sum(
            o.spots_per_week or (o.spots_per_day or 0) * 7 for o in traffic.orders(STATION)
        )
        walls, cpus = [], []
        for _ in range(3):
            began, cpu = time.perf_counter(), time.process_time()
            logs = traffic.place(STATION, program, MONDAY, 7, seed=1)
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - cpu)
        breaks = [b for log in logs for b in log.breaks]
        placed = sum(len(b.spots) for b in breaks)
        print(
            json.dumps(
                {
                    "orders": len(traffic.orders(STATION)),
                    "spots_week": wanted,
                    "placed": placed,
                    "bumped": sum(len(log.bumps) for log in logs),
                    "breaks": len(breaks),
                    "place_week_s": round(statistics.median(walls), 3),
                    "place_week_cpu_s": round(statistics.median(cpus), 3),
                    "break_fill_error_max_s": max(abs(b.fill_error_ms) for b in breaks) / 1000,
                    "separation_broken": _separation_broken(logs, traffic),
                }
            )
        )
        engine.dispose()


if __name__ == "__main__":
    main()
