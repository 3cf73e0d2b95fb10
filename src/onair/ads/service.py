"""Traffic: orders booked, placed into the schedule's spot breaks, and the log of each day.

The placed log is traffic's own record: per break of the stored schedule, its
items in air order with their offsets. Playout's read of the schedule gives a
planned break those items (see docs/ads.md), so what traffic places is what
airs; the scheduler is never asked to change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from onair.ads.order_check import order_problems
from onair.ads.order_file import OrderFile
from onair.ads.placement import Placement
from onair.ads.pods import HouseMaterial, make_up
from onair.ads.ports import SpotBreaks, TrafficLibrary, TrafficStore
from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import Playable
from onair.domain.traffic import (
    Advertiser,
    BreakLog,
    DayLog,
    LogLocked,
    Order,
    OrderRefused,
    UnknownOrder,
)

__all__ = ["Booked", "Traffic", "booked_event", "placed_events"]


@dataclass(frozen=True)
class Booked:
    """What an order file booked: its orders, and those of them that replaced earlier ones."""

    advertisers: tuple[Advertiser, ...]
    orders: tuple[Order, ...]
    replaced: tuple[str, ...]


class Traffic:
    """The ads service's traffic desk for commands and roles alike."""

    def __init__(
        self,
        store: TrafficStore,
        breaks: SpotBreaks,
        library: TrafficLibrary,
        now: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.breaks = breaks
        self.library = library
        self.now = now

    # -- orders --------------------------------------------------------------------------

    def book(self, station: str, program: StationProgram, file: OrderFile) -> Booked:
        """Book the file's advertisers and orders, all or none; raises :class:`OrderRefused`
        with a line per problem."""
        ids = {c.asset for o in file.orders for c in o.copy_}
        assets = {p.id: p for p in self.library.playables(station, ids)}
        stored = [a.name for a in self.store.advertisers(station)]
        house = self.house(station, program)
        problems = order_problems(file, program, assets, stored, house.bookend_ms())
        if problems:
            raise OrderRefused(problems)
        replaced = self.store.book(station, file.advertisers, file.orders, str(file.path))
        return Booked(file.advertisers, file.orders, tuple(replaced))

    def orders(self, station: str) -> list[Order]:
        return self.store.orders(station)

    def order(self, station: str, order_id: str) -> Order:
        order = self.store.order(station, order_id)
        if order is None:
            raise UnknownOrder(
                f"no order {order_id!r} is booked for {station}: 'onair ads order list' shows them"
            )
        return order

    def advertisers(self, station: str) -> dict[str, Advertiser]:
        return {a.name: a for a in self.store.advertisers(station)}

    # -- the log -------------------------------------------------------------------------

    def place(
        self, station: str, program: StationProgram, first: date, days: int, seed: int
    ) -> list[DayLog]:
        """Place the booked orders into the spot breaks of ``days`` days from ``first`` and
        store each day's log. A locked day's log, and the breaks of locked or started
        hours, stay as they are (their spots still count)."""
        zone = program.zone
        last = first + timedelta(days=days - 1)
        start = datetime.combine(first, time(), zone)
        end = datetime.combine(last + timedelta(days=1), time(), zone)
        spot_categories = [n for n, c in program.categories.items() if c.type is ItemKind.SPOT]
        found = self.breaks.breaks(station, start, end, spot_categories)
        now = self.now()
        # Only the days with something kept are read back: a locked log, or a break of a
        # locked or started hour (today's, mostly).
        locked = self.store.locked_days(station, first, last)
        touched = locked | {b.local(zone)[0] for b in found if b.locked or b.start <= now}
        stored = {
            log.day: log for day in sorted(touched) for log in self.store.logs(station, day, day)
        }
        logged = {b.brk.item_id: b for log in stored.values() for b in log.breaks}
        kept: dict[str, BreakLog] = {}
        breaks = []
        for brk in found:
            day = brk.local(zone)[0]
            keep = stored[day].locked if day in stored else False
            if keep or brk.locked or brk.start <= now:
                if brk.item_id in logged:
                    kept[brk.item_id] = logged[brk.item_id]
                    breaks.append(brk)
                continue
            breaks.append(brk)
        orders = [
            o
            for o in self.store.orders(station)
            if o.flight.start <= last and o.flight.end >= first
        ]
        copies = {
            p.id: p
            for p in self.library.playables(station, {c.asset for o in orders for c in o.copy_})
        }
        orders = [o for o in orders if all(c.asset in copies for c in o.copy_)]
        house = self.house(station, program)
        room = {b.item_id: b.length_ms - house.bookend_ms() for b in breaks}
        placing = Placement(
            breaks, zone, orders, self.advertisers(station), copies, seed, kept=kept, room=room
        )
        placing.place()
        uses: Counter[str] = Counter()
        made = {
            p.brk.item_id: p.kept or make_up(station, seed, p, house, uses) for p in placing.pods
        }
        logs = []
        for n in range(days):
            day = first + timedelta(days=n)
            if day in stored and stored[day].locked:
                logs.append(stored[day])
                continue
            day_breaks = tuple(made[p.brk.item_id] for p in placing.pods if p.day == day)
            bumps = tuple(b for b in placing.bumps if b.day == day)
            logs.append(DayLog(station, day, seed, day_breaks, bumps, placed_at=now))
        self.store.save_logs(station, [log for log in logs if not log.locked])
        return logs

    def logs(self, station: str, first: date, days: int = 1) -> list[DayLog]:
        return self.store.logs(station, first, first + timedelta(days=days - 1))

    def lock(self, station: str, day: date, *, locked: bool) -> None:
        if not self.store.lock(station, day, locked=locked):
            raise LogLocked(f"no traffic log for {day}: place it first with 'onair ads place'")

    # -- house material ------------------------------------------------------------------

    def house(self, station: str, program: StationProgram) -> HouseMaterial:
        """The bookends, promos and fill the station file names (or its first promo and
        fill categories), each with its assets that have audio."""
        settings = program.traffic
        chosen = {
            "open": settings.open,
            "close": settings.close,
            "promo": settings.promo or _first(program, ItemKind.PROMO),
            "fill": settings.fill or _first(program, ItemKind.FILL),
        }
        kinds = {
            k.value
            for name in chosen.values()
            if name
            for k in program.categories[name].asset_kinds
        }
        pool = [p for p in self.library.of_kinds(station, kinds) if p.has_audio] if kinds else []
        sides: dict[str, Any] = {}
        for part, name in chosen.items():
            if name is None:
                continue
            members = _members(program, name, pool)
            sides[part] = (name, members) if members else None
        return HouseMaterial(**sides)


def _first(program: StationProgram, kind: ItemKind) -> str | None:
    return next(
        (n for n, c in program.categories.items() if c.type is kind and c.draws_from_library), None
    )


def _members(program: StationProgram, name: str, pool: Iterable[Playable]) -> list[Playable]:
    """The assets of category ``name``: those the catalog puts there, and those of its kinds
    the catalog puts in no category of the station."""
    kinds = program.categories[name].asset_kinds
    return sorted(
        (
            p
            for p in pool
            if p.category == name or (p.category not in program.categories and p.kind in kinds)
        ),
        key=lambda p: p.id,
    )


def booked_event(station: str, booked: Booked) -> Envelope:
    """``ads.orders_booked``: the orders an order file booked."""
    return new_envelope(
        "ads.orders_booked",
        station,
        {
            "orders": [o.id for o in booked.orders],
            "replaced": list(booked.replaced),
            "advertisers": [a.name for a in booked.advertisers],
        },
    )


def placed_events(station: str, logs: Sequence[DayLog]) -> list[Envelope]:
    """One ``ads.log_placed`` per day placed (a locked day is not placed again)."""
    return [
        new_envelope(
            "ads.log_placed",
            station,
            {
                "day": log.day.isoformat(),
                "seed": log.seed,
                "breaks": len(log.breaks),
                "spots": sum(len(b.spots) for b in log.breaks),
                "bumps": len(log.bumps),
                "fill_error_max_s": max((abs(b.fill_error_ms) for b in log.breaks), default=0)
                / 1000,
            },
            correlation=Correlation(),
        )
        for log in logs
        if not log.locked
    ]
