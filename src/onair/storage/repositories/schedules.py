"""Built schedule hours and their items, on SQLite or PostgreSQL.

Replacing hours is one transaction: every hour asked for is checked for a lock
first, so a locked hour anywhere refuses the whole replace and nothing is
written. The hours' old items are deleted, the hours updated in place, and the
new items go in as bulk inserts. Given an operator action, a replace or a lock
commits with it in the ledger, in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from onair.domain.ledger import EntryDraft
from onair.domain.programming import ItemKind
from onair.domain.schedule import HourLocked, HourPlan, Relaxation, ScheduledItem, Unscheduled
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.tables import Base, ScheduleHour, ScheduleItemRow, utc_now

__all__ = ["SqlSchedules"]

T = TypeVar("T")
R = TypeVar("R", Unscheduled, Relaxation)


_CHUNK = 1000  # rows per statement: bounded parameters, few round trips
_HOUR_KEY = ("station_id", "starts_at")
_INSTANTS = frozenset({"hour", "nominal_start"})  # of Unscheduled and Relaxation

_HOUR_COLUMNS = (
    ScheduleHour.starts_at, ScheduleHour.local_label, ScheduleHour.clock,
    ScheduleHour.unscheduled, ScheduleHour.relaxations, ScheduleHour.under_over_ms,
    ScheduleHour.seed, ScheduleHour.locked, ScheduleHour.built_at, ScheduleHour.notes,
)  # fmt: skip
_ITEM_COLUMNS = (
    ScheduleItemRow.id, ScheduleItemRow.hour_start, ScheduleItemRow.position,
    ScheduleItemRow.starts_at, ScheduleItemRow.duration_ms, ScheduleItemRow.overlap_next_ms,
    ScheduleItemRow.kind, ScheduleItemRow.category, ScheduleItemRow.hard,
    ScheduleItemRow.nominal_start, ScheduleItemRow.slot, ScheduleItemRow.asset_id,
    ScheduleItemRow.why,
)  # fmt: skip

# The reads the API makes on every look at the air and the hour, built once with
# parameters: building a statement costs several times what running one of these does.
_STATION_HOURS = (
    sa.select(*_HOUR_COLUMNS)
    .where(
        ScheduleHour.station_id == sa.bindparam("station"),
        ScheduleHour.starts_at >= sa.bindparam("start"),
        ScheduleHour.starts_at < sa.bindparam("end"),
    )
    .order_by(ScheduleHour.starts_at)
)
_HOURS_ITEMS = (
    sa.select(*_ITEM_COLUMNS)
    .where(
        ScheduleItemRow.station_id == sa.bindparam("station"),
        ScheduleItemRow.hour_start >= sa.bindparam("start"),
        ScheduleItemRow.hour_start < sa.bindparam("end"),
    )
    .order_by(ScheduleItemRow.hour_start, ScheduleItemRow.position)
)
_HOURS_ITEMS_SHOWN = _HOURS_ITEMS.with_only_columns(
    *_ITEM_COLUMNS[:-1], sa.null().label("why"), maintain_column_froms=True
)
_FOLLOWING = _HOURS_ITEMS.where(ScheduleItemRow.starts_at > sa.bindparam("after")).limit(
    sa.bindparam("limit")
)
_ITEMS = sa.select(*_ITEM_COLUMNS).where(
    ScheduleItemRow.station_id == sa.bindparam("station"),
    ScheduleItemRow.id.in_(sa.bindparam("ids", expanding=True)),
)
_NEXT_HARD = (
    sa.select(ScheduleItemRow.starts_at)
    .where(
        ScheduleItemRow.station_id == sa.bindparam("station"),
        ScheduleItemRow.starts_at > sa.bindparam("after"),
        ScheduleItemRow.hard.is_(True),
    )
    .order_by(ScheduleItemRow.starts_at)
    .limit(1)
)


class SqlSchedules:
    """The ``ScheduleStore``: built hours in ``schedule_hours``, items in ``schedule_items``."""

    def __init__(self, engine: Engine, ledger: SqlLedger | None = None) -> None:
        self.engine = engine
        self.ledger = ledger

    @contextmanager
    def _changing(self, action: EntryDraft | None, after: Callable[[Any], Any]) -> Iterator[Any]:
        """A transaction, with ``action`` recorded in it (its ``after`` what the change gave)."""
        if action is None or self.ledger is None:
            with self.engine.begin() as conn:
                yield _Change(conn)
            return
        with self.ledger.recorded(action) as recording:
            change = _Change(recording.conn)
            yield change
            recording.draft = replace(action, body={**action.body, "after": after(change.result)})

    def replace(self, station: str, plans: Sequence[HourPlan], program_version: int,
                action: EntryDraft | None = None) -> None:  # fmt: skip
        """Store ``plans``, each replacing the hour at its start, all in one transaction.

        Raises :class:`HourLocked` naming the first locked hour among them; then
        nothing is written. ``action``, when given, is recorded with the change,
        its ``after`` naming the hours stored.
        """
        if not plans and action is None:
            return  # an operator's build that kept every hour is recorded all the same
        starts = [plan.start for plan in plans]
        if len(set(starts)) < len(starts) or any(p.station != station for p in plans):
            raise ValueError(f"plans for {station!r} must be of that station, one per hour")
        hours = [_hour_row(station, plan, program_version) for plan in plans]
        items = [_item_row(station, plan, item) for plan in plans for item in plan.items]
        stored = {"hours": [_instant(start) for start in starts], "version": program_version}
        with self._changing(action, lambda _: stored) as change:
            conn = change.conn
            _refuse_locked(conn, station, starts)
            for chunk in _chunks(starts):
                conn.execute(
                    sa.delete(ScheduleItemRow).where(
                        ScheduleItemRow.station_id == station,
                        ScheduleItemRow.hour_start.in_(chunk),
                    )
                )
            # Hours are updated in place, never deleted: deleting one would make the
            # database look for its items by a foreign key no index covers.
            upsert = _insert_for(conn)(ScheduleHour)
            for rows in _chunks(hours):
                written = {c: upsert.excluded[c] for c in rows[0] if c not in _HOUR_KEY}
                conn.execute(upsert.on_conflict_do_update(index_elements=_HOUR_KEY, set_=written),
                             rows)  # fmt: skip
            for rows in _chunks(items):
                conn.execute(sa.insert(ScheduleItemRow), rows)

    def hours(self, station: str, start: datetime, end: datetime, *,
              why: bool = True) -> list[HourPlan]:  # fmt: skip
        """The hours starting in ``[start, end)`` with their items, in air order.

        Without ``why`` the items come with an empty ``why``: for a reader that does not
        show it (a song's is a few kilobytes of JSON, most of what reading an hour costs).
        """
        window = {"station": station, "start": start, "end": end}
        by_hour: dict[datetime, list[ScheduledItem]] = {}
        with self.engine.connect() as conn:
            hour_rows = conn.execute(_STATION_HOURS, window).all()
            for row in conn.execute(_HOURS_ITEMS if why else _HOURS_ITEMS_SHOWN, window):
                by_hour.setdefault(row.hour_start, []).append(_item(row))
        return [_plan(station, row, by_hour.get(row.starts_at, [])) for row in hour_rows]

    def history(self, station: str, start: datetime, end: datetime) -> list[ScheduledItem]:
        """The items starting in ``[start, end)`` in air order."""
        query = (
            sa.select(*_ITEM_COLUMNS)
            .where(
                ScheduleItemRow.station_id == station,
                ScheduleItemRow.starts_at >= start,
                ScheduleItemRow.starts_at < end,
            )
            .order_by(
                ScheduleItemRow.starts_at, ScheduleItemRow.hour_start, ScheduleItemRow.position
            )
        )
        with self.engine.connect() as conn:
            return [_item(row) for row in conn.execute(query)]

    def lock(self, station: str, start: datetime, end: datetime, *, locked: bool = True,
             action: EntryDraft | None = None) -> int:  # fmt: skip
        """Lock (or unlock) the built hours starting in ``[start, end)``; how many changed.

        ``action``, when given, is recorded with the change, its ``after`` the count.
        """
        update = (
            sa.update(ScheduleHour)
            .where(
                ScheduleHour.station_id == station,
                ScheduleHour.starts_at >= start,
                ScheduleHour.starts_at < end,
                ScheduleHour.locked.is_(not locked),
            )
            .values(locked=locked)
        )
        after = {"locked": locked, "from": _instant(start), "to": _instant(end)}
        with self._changing(action, lambda count: {**after, "hours": count}) as change:
            change.result = change.conn.execute(update).rowcount
        return int(change.result)

    def item(self, station: str, item_id: str) -> ScheduledItem | None:
        with self.engine.connect() as conn:
            row = conn.execute(_ITEMS, {"station": station, "ids": [item_id]}).first()
        return None if row is None else _item(row)

    def items(self, station: str, item_ids: Sequence[str]) -> list[ScheduledItem]:
        """The items among ``item_ids`` that exist, in no particular order."""
        found: list[ScheduledItem] = []
        with self.engine.connect() as conn:
            for chunk in _chunks(item_ids):
                rows = conn.execute(_ITEMS, {"station": station, "ids": list(chunk)})
                found.extend(_item(row) for row in rows)
        return found

    def following(self, station: str, after: datetime, start: datetime, end: datetime,
                  limit: int) -> list[ScheduledItem]:  # fmt: skip
        """The first ``limit`` items starting after ``after`` of the hours starting in
        ``[start, end)``, in air order: what comes next, without reading the hours whole."""
        asked = {"station": station, "start": start, "end": end, "after": after, "limit": limit}
        with self.engine.connect() as conn:
            return [_item(row) for row in conn.execute(_FOLLOWING, asked)]

    def next_hard_start(self, station: str, after: datetime) -> datetime | None:
        """When the first hard item after ``after`` is scheduled to start, if one is built."""
        with self.engine.connect() as conn:
            start: datetime | None = conn.execute(
                _NEXT_HARD, {"station": station, "after": after}
            ).scalar()
        return start


class _Change:
    """The connection a change runs on, and what it came to (for its ledger entry)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.result: Any = None


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _refuse_locked(conn: Connection, station: str, starts: list[datetime]) -> None:
    """Raise :class:`HourLocked` for the first locked hour among ``starts``.

    On PostgreSQL the hours are read ``FOR UPDATE``, so a lock taken meanwhile
    waits for this transaction instead of slipping in under it.
    """
    for chunk in _chunks(sorted(starts)):
        query = (
            sa.select(ScheduleHour.local_label, ScheduleHour.locked)
            .where(ScheduleHour.station_id == station, ScheduleHour.starts_at.in_(chunk))
            .order_by(ScheduleHour.starts_at)
            .with_for_update()
        )
        locked = next((label for label, is_locked in conn.execute(query) if is_locked), None)
        if locked is not None:
            raise HourLocked(
                f"hour {locked} of station {station!r} is locked and cannot be rebuilt: "
                "build only hours that are not locked"
            )


def _insert_for(conn: Connection) -> Callable[[type[Base]], postgresql.Insert | sqlite.Insert]:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _chunks(rows: Sequence[T]) -> list[Sequence[T]]:
    return [rows[n : n + _CHUNK] for n in range(0, len(rows), _CHUNK)]


def _hour_row(station: str, plan: HourPlan, program_version: int) -> dict[str, Any]:
    return {
        "station_id": station,
        "starts_at": plan.start,
        "local_label": plan.local_label,
        "clock": plan.clock,
        "seed": plan.seed,
        "program_version": program_version,
        "locked": plan.locked,
        "under_over_ms": plan.under_over_ms,
        "unscheduled": [_document(u) for u in plan.unscheduled],
        "relaxations": [_document(r) for r in plan.relaxations],
        "notes": list(plan.notes),
        "built_at": plan.built_at or utc_now(),
    }


def _item_row(station: str, plan: HourPlan, item: ScheduledItem) -> dict[str, Any]:
    if item.hour != plan.start:
        raise ValueError(f"item {item.id} of hour {item.hour} is in the plan of {plan.start}")
    return {
        "id": item.id,
        "station_id": station,
        "hour_start": item.hour,
        "position": item.position,
        "starts_at": item.start,
        "duration_ms": item.duration_ms,
        "overlap_next_ms": item.overlap_next_ms,
        "kind": item.kind.value,
        "category": item.category,
        "hard": item.hard,
        "nominal_start": item.nominal_start,
        "slot": item.slot,
        "asset_id": item.asset_id,
        "why": json.loads(json.dumps(item.why, default=_plain)),
    }


def _plain(value: object) -> object:
    """JSON for what ``why`` may hold beyond JSON's own types."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} in an item's why is not JSON")


def _document(record: Unscheduled | Relaxation) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for field in fields(record):
        value = getattr(record, field.name)
        doc[field.name] = (
            value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
        )
    return doc


def _record(kind: type[R], doc: dict[str, Any]) -> R:
    values: dict[str, Any] = {
        name: datetime.fromisoformat(value) if name in _INSTANTS and value is not None else value
        for name, value in doc.items()
    }
    return kind(**values)


def _item(row: Row[Any]) -> ScheduledItem:
    return ScheduledItem(
        id=row.id,
        hour=row.hour_start,
        position=row.position,
        start=row.starts_at,
        duration_ms=row.duration_ms,
        overlap_next_ms=row.overlap_next_ms,
        kind=ItemKind(row.kind),
        category=row.category,
        hard=row.hard,
        nominal_start=row.nominal_start,
        slot=row.slot,
        asset_id=row.asset_id,
        why=row.why or {},
    )


def _plan(station: str, row: Row[Any], items: list[ScheduledItem]) -> HourPlan:
    return HourPlan(
        station=station,
        start=row.starts_at,
        local_label=row.local_label,
        clock=row.clock,
        items=tuple(items),
        unscheduled=tuple(_record(Unscheduled, doc) for doc in row.unscheduled or ()),
        relaxations=tuple(_record(Relaxation, doc) for doc in row.relaxations or ()),
        under_over_ms=row.under_over_ms,
        seed=row.seed,
        locked=row.locked,
        built_at=row.built_at,
        notes=tuple(row.notes or ()),
    )
