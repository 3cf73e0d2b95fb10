"""The events the ledger records, turned into entries: airings, operator actions, segments.

Each event names its fact by a stable id (a play id, an action id, a segment
id), so a redelivered event appends nothing. An airing is recorded with the
library's tags as they stand when it is recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from onair.compliance.ports import AssetCatalog
from onair.compliance.records import action_draft, aired_draft, segment_draft
from onair.domain.events import Envelope
from onair.domain.ledger import EntryDraft, LedgerError, utc_instant
from onair.domain.library import LibraryAsset
from onair.domain.playout import AsRunEntry, EndedBy, OperatorAction
from onair.domain.programming import ItemKind

__all__ = ["RECORDED", "action_from_log", "aired_with_tags", "draft_of"]

# The event types the ledger records, and what each becomes.
RECORDED = ("playout.item_ended", "playout.action_taken", "agents.segment_ready",
            "agents.segment_failed")  # fmt: skip


def draft_of(envelope: Envelope, catalog: AssetCatalog) -> EntryDraft:
    """The ledger entry an event asks for; raises :class:`LedgerError` on a malformed one."""
    payload = envelope.payload
    try:
        if envelope.type == "playout.item_ended":
            return aired_with_tags(_as_run(envelope.station, payload), catalog)
        if envelope.type == "playout.action_taken":
            return action_draft(
                envelope.station, str(payload["action_id"]), f"playout.{payload['trigger']}",
                str(payload.get("who") or "unknown"), _instant(payload.get("at")) or envelope.time,
                before=payload.get("before"), after=payload.get("after"),
                detail={"asset_id": payload.get("asset_id"), "note": payload.get("note"),
                        "done": payload.get("done")},
                correlation_id=envelope.id,
            )  # fmt: skip
        if envelope.type.startswith("agents.segment_"):
            return segment_draft(envelope.station, envelope.time, payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise LedgerError(f"{envelope.type} {envelope.id} cannot be recorded: {exc}") from None
    raise LedgerError(f"{envelope.type} is not recorded in the ledger")


def aired_with_tags(entry: AsRunEntry, catalog: AssetCatalog) -> EntryDraft:
    """An airing's entry with the library's record of what aired (None for a lost asset)."""
    asset: LibraryAsset | None = None
    if entry.asset_id:
        found = catalog.get_many([entry.asset_id])
        asset = found[0] if found else None
    return aired_draft(entry, asset)


def action_from_log(action: OperatorAction) -> EntryDraft:
    """An operator action read back from playout's own log (its before and after not kept)."""
    return action_draft(
        action.station, action.id, f"playout.{action.trigger.value}", action.who, action.at,
        detail={"asset_id": action.asset_id, "note": action.note,
                "recovered": "from playout's operator log; the air's state was not recorded"},
        correlation_id=action.correlation_id,
    )  # fmt: skip


def _as_run(station: str, payload: dict[str, Any]) -> AsRunEntry:
    actual = _instant(payload["actual_start"])
    if actual is None:
        raise ValueError("actual_start is missing")
    return AsRunEntry(
        play_id=str(payload["play_id"]), station=station, asset_id=payload.get("asset_id"),
        kind=ItemKind(payload["kind"]), category=str(payload["category"]),
        title=str(payload["title"]), artist=payload.get("artist"), actual_start=actual,
        duration_s=float(payload["duration_s"]), ended_by=EndedBy(payload["ended_by"]),
        schedule_item_id=payload.get("schedule_item_id"),
        scheduled_start=_instant(payload.get("scheduled_start")),
        substitution_reason=payload.get("substitution_reason"),
        adjustments=tuple(payload.get("adjustments") or ()), listeners=payload.get("listeners"),
    )  # fmt: skip


def _instant(value: object) -> datetime | None:
    return None if value is None else utc_instant(str(value))
