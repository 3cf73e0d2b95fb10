"""The as-run log on SQLite or PostgreSQL: what really aired, one row per airing.

Rows are only ever added. Recording a ``play_id`` that is already there is an
``INSERT ... ON CONFLICT DO NOTHING``, so an engine that records again after a
crash or a redelivered event leaves the first record as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from onair.domain.playout import AsRunEntry, EndedBy
from onair.domain.programming import ItemKind
from onair.storage.tables import PlayoutAsRun, utc_now

__all__ = ["SqlAsRun"]

_COLUMNS = (
    PlayoutAsRun.play_id, PlayoutAsRun.station_id, PlayoutAsRun.schedule_item_id,
    PlayoutAsRun.asset_id, PlayoutAsRun.kind, PlayoutAsRun.category, PlayoutAsRun.title,
    PlayoutAsRun.artist, PlayoutAsRun.scheduled_start, PlayoutAsRun.actual_start,
    PlayoutAsRun.duration_s, PlayoutAsRun.ended_by, PlayoutAsRun.substitution_reason,
    PlayoutAsRun.adjustments, PlayoutAsRun.listeners,
)  # fmt: skip


class SqlAsRun:
    """The ``AsRunLog``: airings in ``playout_as_run``, added and never changed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, entry: AsRunEntry) -> None:
        """Store ``entry``; a ``play_id`` already recorded keeps its first record."""
        with self.engine.begin() as conn:
            insert = _insert(conn).values(_row(entry))
            conn.execute(insert.on_conflict_do_nothing(index_elements=["play_id"]))

    def between(self, station: str, start: datetime, end: datetime) -> list[AsRunEntry]:
        """Airings that started in ``[start, end)``, in air order."""
        query = (
            sa.select(*_COLUMNS)
            .where(
                PlayoutAsRun.station_id == station,
                PlayoutAsRun.actual_start >= start,
                PlayoutAsRun.actual_start < end,
            )
            .order_by(PlayoutAsRun.actual_start, PlayoutAsRun.play_id)
        )
        with self.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]


def _insert(conn: Connection) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(PlayoutAsRun)
    return sqlite.insert(PlayoutAsRun)


def _row(entry: AsRunEntry) -> dict[str, Any]:
    return {
        "play_id": entry.play_id,
        "station_id": entry.station,
        "schedule_item_id": entry.schedule_item_id,
        "asset_id": entry.asset_id,
        "kind": entry.kind.value,
        "category": entry.category,
        "title": entry.title,
        "artist": entry.artist,
        "scheduled_start": entry.scheduled_start,
        "actual_start": entry.actual_start,
        "duration_s": entry.duration_s,
        "ended_by": entry.ended_by.value,
        "substitution_reason": entry.substitution_reason,
        "adjustments": list(entry.adjustments),
        "listeners": entry.listeners,
        "recorded_at": utc_now(),
    }


def _entry(row: Row[*tuple[Any, ...]]) -> AsRunEntry:
    return AsRunEntry(
        play_id=row.play_id,
        station=row.station_id,
        asset_id=row.asset_id,
        kind=ItemKind(row.kind),
        category=row.category,
        title=row.title,
        artist=row.artist,
        actual_start=row.actual_start,
        duration_s=row.duration_s,
        ended_by=EndedBy(row.ended_by),
        schedule_item_id=row.schedule_item_id,
        scheduled_start=row.scheduled_start,
        substitution_reason=row.substitution_reason,
        adjustments=tuple(row.adjustments or ()),
        listeners=row.listeners,
    )
