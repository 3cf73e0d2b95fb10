"""Traffic's books on SQLite and PostgreSQL: advertisers, orders, each day's placed log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.programming import ItemKind
from onair.domain.schedule import Playable
from onair.domain.traffic import (
    Advertiser,
    BreakLog,
    Bump,
    DayLog,
    LoggedItem,
    Order,
    Role,
    SpotBreak,
)
from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.tables import (
    AdAdvertiser,
    AdLog,
    AdLogItem,
    AdOrder,
    Asset,
    ScheduleHour,
    ScheduleItemRow,
)

__all__ = ["SqlSpotBreaks", "SqlTraffic", "SqlTrafficLibrary"]

_CHUNK = 500


class SqlTraffic:
    """The ``TrafficStore``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def book(
        self, station: str, advertisers: Sequence[Advertiser], orders: Sequence[Order], source: str
    ) -> list[str]:
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            for advertiser in advertisers:
                upsert = insert_for(conn, AdAdvertiser).values(
                    station_id=station,
                    name=advertiser.name,
                    conflict=advertiser.conflict,
                    booked_at=now,
                )
                conn.execute(
                    upsert.on_conflict_do_update(
                        index_elements=["station_id", "name"],
                        set_={"conflict": advertiser.conflict},
                    )
                )
            ids = [o.id for o in orders]
            replaced = list(
                conn.scalars(
                    sa.select(AdOrder.id)
                    .where(AdOrder.station_id == station, AdOrder.id.in_(ids))
                    .order_by(AdOrder.id)
                )
            )
            conn.execute(
                sa.delete(AdOrder).where(AdOrder.station_id == station, AdOrder.id.in_(ids))
            )
            if orders:
                conn.execute(
                    sa.insert(AdOrder),
                    [
                        {
                            "station_id": station,
                            "id": o.id,
                            "advertiser": o.advertiser,
                            "flight_start": o.flight.start,
                            "flight_end": o.flight.end,
                            "terms": o.document(),
                            "source": source[:500],
                            "booked_at": now,
                        }
                        for o in orders
                    ],
                )
        return replaced

    def advertisers(self, station: str) -> list[Advertiser]:
        query = (
            sa.select(AdAdvertiser.name, AdAdvertiser.conflict)
            .where(AdAdvertiser.station_id == station)
            .order_by(AdAdvertiser.name)
        )
        with self.engine.connect() as conn:
            return [Advertiser(name=r.name, conflict=r.conflict) for r in conn.execute(query)]

    def orders(self, station: str) -> list[Order]:
        query = sa.select(AdOrder.terms).where(AdOrder.station_id == station).order_by(AdOrder.id)
        with self.engine.connect() as conn:
            return [Order.model_validate(terms) for terms in conn.scalars(query)]

    def order(self, station: str, order_id: str) -> Order | None:
        query = sa.select(AdOrder.terms).where(
            AdOrder.station_id == station, AdOrder.id == order_id
        )
        with self.engine.connect() as conn:
            terms = conn.scalar(query)
        return None if terms is None else Order.model_validate(terms)

    def save_logs(self, station: str, logs: Sequence[DayLog]) -> None:
        days = [log.day for log in logs]
        items = [
            _item_row(station, log.day, b, n, item)
            for log in logs
            for b in log.breaks
            for n, item in enumerate(b.items)
        ]
        with self.engine.begin() as conn:
            conn.execute(
                sa.delete(AdLogItem).where(AdLogItem.station_id == station, AdLogItem.day.in_(days))
            )
            conn.execute(sa.delete(AdLog).where(AdLog.station_id == station, AdLog.day.in_(days)))
            if logs:
                conn.execute(
                    sa.insert(AdLog),
                    [
                        {
                            "station_id": station,
                            "day": log.day,
                            "seed": log.seed,
                            "locked": log.locked,
                            "bumps": [
                                {"order_id": b.order_id, "reason": b.reason} for b in log.bumps
                            ],
                            "placed_at": log.placed_at or datetime.now(UTC),
                        }
                        for log in logs
                    ],
                )
            for n in range(0, len(items), _CHUNK):
                conn.execute(sa.insert(AdLogItem), items[n : n + _CHUNK])

    def logs(self, station: str, first: date, last: date) -> list[DayLog]:
        in_days = (AdLog.station_id == station, AdLog.day >= first, AdLog.day <= last)
        item_days = (AdLogItem.station_id == station, AdLogItem.day >= first, AdLogItem.day <= last)
        with self.engine.connect() as conn:
            heads = conn.execute(sa.select(AdLog).where(*in_days).order_by(AdLog.day)).all()
            rows = conn.execute(
                sa.select(AdLogItem)
                .where(*item_days)
                .order_by(AdLogItem.break_start, AdLogItem.position)
            ).all()
        by_day: dict[date, dict[str, list[Any]]] = {}
        for row in rows:
            by_day.setdefault(row.day, {}).setdefault(row.break_item_id, []).append(row)
        logs = []
        for head in heads:
            breaks = tuple(_break(items) for items in by_day.get(head.day, {}).values())
            bumps = tuple(Bump(b["order_id"], head.day, b["reason"]) for b in head.bumps)
            logs.append(
                DayLog(
                    station,
                    head.day,
                    head.seed,
                    breaks,
                    bumps,
                    locked=head.locked,
                    placed_at=head.placed_at,
                )
            )
        return logs

    def locked_days(self, station: str, first: date, last: date) -> set[date]:
        query = sa.select(AdLog.day).where(
            AdLog.station_id == station, AdLog.day >= first, AdLog.day <= last, AdLog.locked
        )
        with self.engine.connect() as conn:
            return set(conn.scalars(query))

    def lock(self, station: str, day: date, *, locked: bool) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(
                sa.update(AdLog)
                .where(AdLog.station_id == station, AdLog.day == day)
                .values(locked=locked)
            )
        return bool(done.rowcount)


def _item_row(
    station: str, day: date, brk: BreakLog, position: int, item: LoggedItem
) -> dict[str, Any]:
    return {
        "id": item.id,
        "station_id": station,
        "day": day,
        "break_item_id": brk.brk.item_id,
        "break_start": brk.brk.start,
        "break_ms": brk.brk.length_ms,
        "break_category": brk.brk.category,
        "position": position,
        "offset_ms": item.offset_ms,
        "length_ms": item.length_ms,
        "role": item.role.value,
        "asset_id": item.asset_id,
        "category": item.category,
        "title": item.title[:500],
        "order_id": item.order_id,
        "advertiser": item.advertiser,
        "code": item.code,
        "conflict": item.conflict,
    }


def _break(rows: list[Any]) -> BreakLog:
    first = rows[0]
    brk = SpotBreak(first.break_item_id, first.break_start, first.break_ms, first.break_category)
    return BreakLog(
        brk,
        tuple(
            LoggedItem(
                id=r.id,
                role=Role(r.role),
                asset_id=r.asset_id,
                offset_ms=r.offset_ms,
                length_ms=r.length_ms,
                category=r.category,
                title=r.title,
                order_id=r.order_id,
                advertiser=r.advertiser,
                code=r.code,
                conflict=r.conflict,
            )
            for r in rows
        ),
    )


class SqlSpotBreaks:
    """The ``SpotBreaks``: the stored schedule's planned spot items, with their hour's lock."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def breaks(
        self, station: str, start: datetime, end: datetime, categories: Collection[str]
    ) -> list[SpotBreak]:
        query = (
            sa.select(
                ScheduleItemRow.id,
                ScheduleItemRow.starts_at,
                ScheduleItemRow.duration_ms,
                ScheduleItemRow.category,
                ScheduleHour.locked,
            )
            .join(
                ScheduleHour,
                sa.and_(
                    ScheduleHour.station_id == ScheduleItemRow.station_id,
                    ScheduleHour.starts_at == ScheduleItemRow.hour_start,
                ),
            )
            .where(
                ScheduleItemRow.station_id == station,
                ScheduleItemRow.starts_at >= start,
                ScheduleItemRow.starts_at < end,
                ScheduleItemRow.kind == ItemKind.SPOT.value,
                ScheduleItemRow.category.in_(list(categories)),
                ScheduleItemRow.asset_id.is_(None),
            )
            .order_by(ScheduleItemRow.starts_at, ScheduleItemRow.position)
        )
        with self.engine.connect() as conn:
            return [
                SpotBreak(r.id, r.starts_at, r.duration_ms, r.category, bool(r.locked))
                for r in conn.execute(query)
            ]


class SqlTrafficLibrary:
    """The ``TrafficLibrary``: assets timed as the scheduler times them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._library = SqlScheduleLibrary(engine)

    def playables(self, station: str, ids: Collection[str]) -> list[Playable]:
        if not ids:
            return []
        return self._library.playables(station, sorted(ids))

    def of_kinds(self, station: str, kinds: Collection[str]) -> list[Playable]:
        query = sa.select(Asset.id).where(
            Asset.station_id == station, Asset.kind.in_(sorted(kinds))
        )
        with self.engine.connect() as conn:
            ids = list(conn.scalars(query))
        return self.playables(station, ids)
