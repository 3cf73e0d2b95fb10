"""A planned spot break as playout airs it: the items traffic placed in it, in air order.

Traffic keeps each placed break's items with their offsets from the break's
start (``ad_log_items``). Playout's read of the schedule gives such a break
those items in its place, each a scheduled item of its own (its id the log
item's, so the as-run names the placed spot), chained from the break's start:
the first starts with the break (a hard break keeps its post), the last ends
where the break's items end. A break re-timed since it was placed (its length
changed), or never placed, stays as the scheduler planned it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onair.domain.programming import ItemKind
from onair.domain.schedule import ScheduledItem, ms
from onair.domain.traffic import Role
from onair.storage.tables import AdLogItem

__all__ = ["with_placed_breaks"]

_KIND = {
    Role.SPOT: ItemKind.SPOT,
    Role.PROMO: ItemKind.PROMO,
    Role.FILL: ItemKind.FILL,
    Role.OPEN: ItemKind.JINGLE,
    Role.CLOSE: ItemKind.JINGLE,
}


def with_placed_breaks(
    conn: Connection, station: str, items: Sequence[ScheduledItem]
) -> list[ScheduledItem]:
    """``items`` with each placed spot break replaced by its placed items."""
    breaks = [i.id for i in items if i.kind is ItemKind.SPOT and i.asset_id is None]
    if not breaks:
        return list(items)
    query = (
        sa.select(AdLogItem)
        .where(AdLogItem.station_id == station, AdLogItem.break_item_id.in_(breaks))
        .order_by(AdLogItem.break_item_id, AdLogItem.position)
    )
    placed: dict[str, list[Any]] = {}
    for row in conn.execute(query):
        placed.setdefault(row.break_item_id, []).append(row)
    aired: list[ScheduledItem] = []
    for item in items:
        rows = placed.get(item.id)
        if rows is None or rows[0].break_ms != item.duration_ms:
            aired.append(item)
            continue
        for n, row in enumerate(rows):
            aired.append(
                replace(
                    item,
                    id=row.id,
                    start=item.start + ms(row.offset_ms),
                    duration_ms=row.length_ms,
                    overlap_next_ms=0,
                    kind=_KIND[Role(row.role)],
                    category=row.category,
                    hard=item.hard and n == 0,
                    nominal_start=item.nominal_start if n == 0 else None,
                    asset_id=row.asset_id,
                    why={
                        "break": item.id,
                        "role": row.role,
                        "order_id": row.order_id,
                        "code": row.code,
                    },
                )
            )
    return aired
