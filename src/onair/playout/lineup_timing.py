"""What comes next on the air, and how early or late the air will reach the next hard post.

The studio's "next" list and its under/over clock: the items after the one on
air, each with when it should start: exactly, for those already mixed ahead;
for the rest (operator inserts first, then what an insert pushed back, then the
schedule), as if everything before them airs at its planned length from there.
The under/over is the difference between when that walk reaches the next hard
post and the post's own time (negative: under, the air gets there early;
positive: over, late).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from onair.domain.playout import AirItem
from onair.domain.schedule import ScheduledItem
from onair.playout.timeline import Timeline

__all__ = ["lineup_timed"]

_SHOWN = 5  # next items in the payload


class _Walk:
    """The items ahead in air order, the instant each should start, the first hard post."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.items: list[dict[str, Any]] = []
        self.post: dict[str, Any] | None = None
        self.under_over_ms: int | None = None

    def add(self, row: dict[str, Any], length_ms: int, post_at: datetime | None) -> None:
        if post_at is not None and self.post is None:
            self.post = {"schedule_item_id": row.get("schedule_item_id"), "at": post_at.isoformat()}
            self.under_over_ms = round((self.at - post_at).total_seconds() * 1000)
        if len(self.items) < _SHOWN:
            self.items.append(row | {"expected_start": self.at.isoformat()})
        self.at += timedelta(milliseconds=length_ms)

    @property
    def done(self) -> bool:
        return self.post is not None and len(self.items) >= _SHOWN


def lineup_timed(timeline: Timeline) -> dict[str, Any]:
    """The ``playout.lineup_timed`` payload for the air as it is now (worker thread)."""
    airing = timeline.on_air
    if airing is None:
        return {"items": [], "hard_post": None, "under_over_ms": None}
    lineup = timeline.lineup
    walk = _Walk(timeline.instant(airing.next_at))
    for placed in timeline.placed():
        walk.at = timeline.instant(placed.start)
        item = placed.item
        length_ms = round((placed.next_at - placed.start) * 1000 / 48_000)
        walk.add(_aired(item), length_ms, item.scheduled_start if item.hard else None)
    for asset_id in lineup.queued():
        playable = lineup.playable(asset_id)
        row = {"asset_id": asset_id, "inserted": True,
               "title": playable.title if playable else None,
               "artist": playable.artist if playable else None}  # fmt: skip
        walk.add(row, (playable.segue_ms or playable.length_ms) if playable else 0, None)
    for item in timeline.waiting():  # taken off the mixer for an insert: placed again after it
        length_ms = round((item.segue_s - item.cue_in_s) * 1000)
        walk.add(_aired(item), length_ms, item.scheduled_start if item.hard else None)
    for scheduled in lineup.upcoming(timeline.instant(airing.start)):
        if walk.done:
            break
        walk.add(_scheduled(timeline, scheduled), scheduled.duration_ms - scheduled.overlap_next_ms,
                 scheduled.start if scheduled.hard else None)  # fmt: skip
    return {"items": walk.items, "hard_post": walk.post, "under_over_ms": walk.under_over_ms}


def _aired(item: AirItem) -> dict[str, Any]:
    return {
        "schedule_item_id": item.schedule_item_id, "asset_id": item.asset_id,
        "title": item.title, "artist": item.artist, "kind": item.kind.value,
        "category": item.category, "hard": item.hard, "inserted": item.schedule_item_id is None,
        "scheduled_start": item.scheduled_start.isoformat() if item.scheduled_start else None,
    }  # fmt: skip


def _scheduled(timeline: Timeline, scheduled: ScheduledItem) -> dict[str, Any]:
    playable = timeline.lineup.playable(scheduled.asset_id) if scheduled.asset_id else None
    return {
        "schedule_item_id": scheduled.id, "asset_id": scheduled.asset_id,
        "title": playable.title if playable else None,
        "artist": playable.artist if playable else None,
        "kind": scheduled.kind.value, "category": scheduled.category, "hard": scheduled.hard,
        "inserted": False, "scheduled_start": scheduled.start.isoformat(),
    }  # fmt: skip
