"""What each kind of ledger entry holds, written once here for the intake and the reports.

An aired entry keeps the library's facts as they stood when the item aired
(ISRC, album, label, composer, publisher): a later edit of the library never
changes what a past report says aired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from onair.domain.ledger import EntryDraft, EntryKind, LedgerEntry, operator_action, utc_text
from onair.domain.library import LibraryAsset
from onair.domain.playout import AsRunEntry

__all__ = ["AiredPlay", "action_draft", "aired_draft", "check_draft", "segment_draft"]


def _when(value: datetime | None) -> str | None:
    return utc_text(value) if value is not None else None


def aired_draft(entry: AsRunEntry, asset: LibraryAsset | None) -> EntryDraft:
    """The ledger entry of one airing; ``asset`` is the library's record of what aired."""
    tags = asset.tags if asset is not None else None
    body: dict[str, Any] = {
        "play_id": entry.play_id,
        "schedule_item_id": entry.schedule_item_id,
        "asset_id": entry.asset_id,
        "kind": entry.kind.value,
        "category": entry.category,
        "title": entry.title,
        "artist": entry.artist,
        "artists": list(tags.artists) if tags else [],
        "album": tags.album if tags else None,
        "album_artist": tags.album_artist if tags else None,
        "isrc": tags.isrc if tags else None,
        "label": tags.label if tags else None,
        "composer": tags.composer if tags else None,
        "publisher": tags.publisher if tags else None,
        "scheduled_start": _when(entry.scheduled_start),
        "actual_start": utc_text(entry.actual_start),
        "duration_s": entry.duration_s,
        "ended_by": entry.ended_by.value,
        "substitution_reason": entry.substitution_reason,
        "adjustments": list(entry.adjustments),
        "listeners": entry.listeners,
    }
    correlation = {"playout_event_id": entry.play_id}
    if entry.asset_id:
        correlation["asset_id"] = entry.asset_id
    if entry.scheduled_start is not None:
        correlation["hour"] = utc_text(entry.scheduled_start.replace(minute=0, second=0,
                                                                      microsecond=0))  # fmt: skip
    return EntryDraft(entry.station, EntryKind.AIRED, entry.play_id, entry.actual_start, body,
                      correlation)  # fmt: skip


# An operator action, in the one shape every service records it in.
action_draft = operator_action


def segment_draft(station: str, at: datetime, record: Mapping[str, Any]) -> EntryDraft:
    """An agent's segment as ``Segment.record()`` gives it (script, status, why it fell back)."""
    segment_id = str(record["segment_id"])
    correlation = {"segment_id": segment_id}
    if record.get("schedule_item_id"):
        correlation["schedule_item_id"] = str(record["schedule_item_id"])
    return EntryDraft(station, EntryKind.AGENT_OUTPUT, segment_id, at, dict(record), correlation)


def check_draft(
    station: str, check_id: str, check: str, at: datetime, passed: bool, detail: Mapping[str, Any]
) -> EntryDraft:
    """A compliance check's outcome (an audit verify run, a report's verification)."""
    body = {"check": check, "passed": passed, "detail": dict(detail)}
    return EntryDraft(station, EntryKind.COMPLIANCE_CHECK, check_id, at, body)


@dataclass(frozen=True)
class AiredPlay:
    """An aired entry read back for the reports."""

    seq: int
    play_id: str
    schedule_item_id: str | None
    asset_id: str | None
    kind: str
    category: str
    title: str
    artist: str | None
    artists: tuple[str, ...]
    album: str | None
    isrc: str | None
    label: str | None
    composer: str | None
    publisher: str | None
    scheduled_start: datetime | None
    actual_start: datetime
    duration_s: float
    ended_by: str
    substitution_reason: str | None
    adjustments: tuple[str, ...]
    listeners: int | None

    @classmethod
    def from_entry(cls, entry: LedgerEntry) -> AiredPlay:
        b = entry.body
        scheduled = b.get("scheduled_start")
        return cls(
            seq=entry.seq, play_id=str(b["play_id"]),
            schedule_item_id=b.get("schedule_item_id"), asset_id=b.get("asset_id"),
            kind=str(b["kind"]), category=str(b["category"]), title=str(b["title"]),
            artist=b.get("artist"), artists=tuple(b.get("artists") or ()),
            album=b.get("album"), isrc=b.get("isrc"), label=b.get("label"),
            composer=b.get("composer"), publisher=b.get("publisher"),
            scheduled_start=datetime.fromisoformat(scheduled) if scheduled else None,
            actual_start=datetime.fromisoformat(b["actual_start"]),
            duration_s=float(b["duration_s"]), ended_by=str(b["ended_by"]),
            substitution_reason=b.get("substitution_reason"),
            adjustments=tuple(b.get("adjustments") or ()), listeners=b.get("listeners"),
        )  # fmt: skip
