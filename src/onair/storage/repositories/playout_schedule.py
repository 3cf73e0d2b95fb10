"""The published schedule as playout reads it: a planned item airs its newest segment.

The scheduler plans voice links, promos and IDs without audio (``asset_id``
None); the agents produce a segment for each. Playout's read gives such an
item what its newest segment airs (:attr:`Segment.airs_asset`): the voiced
segment itself, or the imaging liner that stands in for it. A dropped segment,
or none yet, leaves the item without audio, as the scheduler planned it. The
scheduler's own read (:meth:`SqlSchedules.history`) is left as built, so its
rules never see agents' audio as scheduled assets. A spot break traffic has
placed airs the items placed in it (``placed_breaks``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, Row

from onair.domain.schedule import ScheduledItem
from onair.domain.segments import SegmentStatus
from onair.storage.repositories.placed_breaks import with_placed_breaks
from onair.storage.repositories.schedules import _ITEM_COLUMNS, _item
from onair.storage.repositories.segments import newest_segments
from onair.storage.tables import AgentSegment, ScheduleItemRow

__all__ = ["SqlPlayoutSchedule"]

_LONGEST_BREAK = timedelta(hours=1)  # a category's planned length is at most an hour


class SqlPlayoutSchedule:
    """The ``PlayoutSchedule`` on SQLite or PostgreSQL: items with their newest segments."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def history(self, station: str, start: datetime, end: datetime) -> list[ScheduledItem]:
        """The items starting in ``[start, end)`` in air order, planned ones with their segment."""
        # A placed break's items start after the break: one begun before ``start`` is read
        # too, for those of its items that start in the window.
        in_window = (
            ScheduleItemRow.station_id == station,
            ScheduleItemRow.starts_at >= start - _LONGEST_BREAK,
            ScheduleItemRow.starts_at < end,
        )
        planned = sa.select(ScheduleItemRow.id).where(
            *in_window, ScheduleItemRow.asset_id.is_(None)
        )
        ranked = newest_segments(
            AgentSegment.station_id == station, AgentSegment.schedule_item_id.in_(planned)
        )
        joined = sa.and_(ranked.c.schedule_item_id == ScheduleItemRow.id, ranked.c.rank == 1)
        query = (
            sa.select(*_ITEM_COLUMNS, ranked.c.id.label("segment_id"),
                      ranked.c.status.label("segment_status"),
                      ranked.c.asset_id.label("segment_asset"))
            .select_from(ScheduleItemRow)
            .outerjoin(ranked, joined)
            .where(*in_window)
            .order_by(
                ScheduleItemRow.starts_at, ScheduleItemRow.hour_start, ScheduleItemRow.position
            )
        )  # fmt: skip
        with self.engine.connect() as conn:
            items = [_with_segment(row) for row in conn.execute(query)]
            aired = with_placed_breaks(conn, station, items)
        return [i for i in aired if start <= i.start < end]


def _with_segment(row: Row[Any]) -> ScheduledItem:
    item = _item(row)
    if item.asset_id is not None or row.segment_id is None:
        return item
    # As Segment.airs_asset: a ready segment airs itself, any other its stand-in (or nothing).
    airs = row.segment_id if row.segment_status == SegmentStatus.READY else row.segment_asset
    return item if airs is None else replace(item, asset_id=airs)
