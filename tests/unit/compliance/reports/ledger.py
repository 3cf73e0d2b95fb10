"""A station's ledger built in memory for the report tests: airings with known plays."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from onair.compliance.records import aired_draft, segment_draft
from onair.domain.ledger import GENESIS_HASH, EntryDraft, LedgerEntry, seal_entry
from onair.domain.library import AssetKind, LibraryAsset
from onair.domain.playout import AsRunEntry, EndedBy
from onair.domain.programming import ItemKind
from onair.domain.tags import TrackTags

CHICAGO = ZoneInfo("America/Chicago")
STATION = "kxyz"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def local(text: str) -> datetime:
    """A Chicago wall-clock time (``2026-03-08 03:00``) as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


@dataclass
class Ledger:
    """Entries appended in order, each chained to the one before."""

    entries: list[LedgerEntry] = field(default_factory=list)

    def append(self, draft: EntryDraft) -> LedgerEntry:
        prev = self.entries[-1].hash if self.entries else GENESIS_HASH
        entry = seal_entry(draft, len(self.entries) + 1, prev, draft.at + timedelta(seconds=1))
        self.entries.append(entry)
        return entry

    def aired(
        self, at: datetime, title: str, artist: str | None = None, *,
        kind: ItemKind = ItemKind.MUSIC, duration_s: float = 200.0,
        listeners: int | None = 10, scheduled: datetime | None = None,
        ended_by: EndedBy = EndedBy.CROSSFADE, asset_id: str | None = None,
        category: str | None = None, tags: dict[str, Any] | None = None,
        item_id: str | None = None, body: dict[str, Any] | None = None, **extra: Any,
    ) -> LedgerEntry:  # fmt: skip
        """One airing; ``tags`` are the library's (album, isrc, label, composer...).

        ``body`` adds fields to the entry (ones a later intake may record).
        """
        n = len(self.entries) + 1
        asset_id = asset_id or f"asset-{n}"
        entry = AsRunEntry(
            play_id=f"play-{n}", station=STATION, asset_id=asset_id, kind=kind,
            category=category or kind.value, title=title, artist=artist, actual_start=at,
            duration_s=duration_s, ended_by=ended_by, scheduled_start=scheduled,
            schedule_item_id=item_id or (f"item-{n}" if scheduled else None), listeners=listeners,
            **extra,
        )  # fmt: skip
        asset = None
        if tags is not None:
            asset_kind = AssetKind.SPOT if kind is ItemKind.SPOT else AssetKind.MUSIC
            track = TrackTags(title=title, artist=artist, **tags)
            asset = LibraryAsset(asset_id, STATION, asset_kind, track)
        draft = aired_draft(entry, asset)
        return self.append(replace(draft, body={**draft.body, **(body or {})}))

    def segment(
        self, at: datetime, segment_id: str, script: str, *, status: str = "ready",
        reason: str | None = None, stand_in: str | None = None,
    ) -> None:  # fmt: skip
        """An agent's segment (a station ID's script) as ``Segment.record()`` gives it.

        A fallback airs ``stand_in`` (a recorded ID) in place of the voiced segment.
        """
        record = {
            "segment_id": segment_id, "schedule_item_id": f"item-{segment_id}",
            "hour": at.isoformat(), "kind": "station_id", "status": status, "language": "en",
            "generator": "rules", "script": script, "reason": reason,
            "asset_id": stand_in if status != "ready" else segment_id,
        }  # fmt: skip
        self.append(segment_draft(STATION, at, record))
