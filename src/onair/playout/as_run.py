"""An ended airing as the as-run log keeps it: what aired, when, how long, how it ended."""

from __future__ import annotations

from datetime import datetime

from onair.domain.playout import SAMPLE_RATE, AsRunEntry
from onair.playout.timeline import Airing

__all__ = ["as_run_entry"]


def as_run_entry(
    station: str, airing: Airing, started: datetime, ended_sample: int, listeners: int | None = None
) -> AsRunEntry:
    """The entry for ``airing``, started at ``started`` and silent from ``ended_sample``."""
    item = airing.item
    return AsRunEntry(
        play_id=item.play_id,
        station=station,
        asset_id=item.asset_id,
        kind=item.kind,
        category=item.category,
        title=item.title,
        artist=item.artist,
        actual_start=started,
        duration_s=round((ended_sample - airing.first_heard) / SAMPLE_RATE, 6),
        ended_by=airing.ended_by,
        schedule_item_id=item.schedule_item_id,
        scheduled_start=item.scheduled_start,
        substitution_reason=item.substitution_reason,
        adjustments=tuple(airing.adjustments),
        listeners=listeners,
    )
