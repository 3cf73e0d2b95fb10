"""``schedule export``: a stored schedule as one JSON object (or CSV) outside tools can check.

Items are in air order; ``start`` is ISO 8601 UTC with milliseconds and
``start[i+1] = start[i] + duration_s[i] - overlap_next_s[i]`` holds exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from onair.domain.csv_cells import safe_cell
from onair.domain.programming import StationProgram
from onair.domain.schedule import HourPlan, Playable, ScheduledItem

__all__ = ["CSV_COLUMNS", "export_csv", "export_json", "instant"]

CSV_COLUMNS = (
    "id", "start", "duration_s", "overlap_next_s", "kind", "hard", "nominal_start", "slot",
    "category", "asset_id", "title", "artist", "album", "isrc", "explicit", "gender", "tempo",
    "energy",
)  # fmt: skip


def instant(at: datetime | None) -> str | None:
    """``2026-12-01T06:00:00.000Z``."""
    if at is None:
        return None
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def export_json(
    program: StationProgram,
    plans: Sequence[HourPlan],
    assets: Mapping[str, Playable],
    generated_at: datetime,
) -> dict[str, Any]:
    """The export object for ``plans`` in air order (its keys: docs/scheduler.md, "The export")."""
    return {
        "station": program.id,
        "timezone": program.timezone,
        "call_letters": program.call_letters,
        "generated_at": instant(generated_at),
        "from": instant(plans[0].start) if plans else None,
        "to": instant(plans[-1].end) if plans else None,
        "rules": {
            rule.name: {
                "enabled": rule.enabled,
                "breakable": rule.breakable,
                "params": rule.params(),
            }
            for rule in program.rules.rules
        },
        "items": [_item(program, i, assets) for p in plans for i in p.items],
        "unscheduled": [
            {
                "hour": instant(u.hour),
                "slot": u.slot,
                "category": u.category,
                "nominal_start": instant(u.nominal_start),
                "reason": u.reason,
            }
            for p in plans
            for u in p.unscheduled
        ],
        "relaxations": [
            {
                "hour": instant(x.hour),
                "slot": x.slot,
                "item_id": x.item_id,
                "rule": x.rule,
                "candidates": x.candidates,
                "rejected": x.rejected,
            }
            for p in plans
            for x in p.relaxations
        ],
        "hours": [
            {
                "start": instant(p.start),
                "local": p.local_label,
                "clock": p.clock,
                "show": _show(program, p),
                "under_over_s": p.under_over_ms / 1000,
                "locked": p.locked,
                "notes": list(p.notes),
            }
            for p in plans
        ],
    }


def _show(program: StationProgram, plan: HourPlan) -> dict[str, Any] | None:
    local = plan.start.astimezone(program.zone)
    show = program.show_at(local.date(), local.hour)
    return None if show is None else {"name": show.name, "hosts": list(show.hosts)}


def _item(
    program: StationProgram, item: ScheduledItem, assets: Mapping[str, Playable]
) -> dict[str, Any]:
    asset = assets.get(item.asset_id or "")
    return {
        "id": item.id,
        "start": instant(item.start),
        "duration_s": item.duration_ms / 1000,
        "overlap_next_s": item.overlap_next_ms / 1000,
        "kind": item.kind.value,
        "hard": item.hard,
        "nominal_start": instant(item.nominal_start),
        "slot": item.slot,
        "category": item.category,
        "asset": None if asset is None else _asset(program, item, asset),
    }


def _asset(program: StationProgram, item: ScheduledItem, asset: Playable) -> dict[str, Any]:
    day = item.start.astimezone(program.zone).date()
    deal = next(
        (d for d in asset.rights if d.allows(program.use, program.territory, day)), asset.rights[0]
    )
    return {
        "id": asset.id,
        "title": asset.title,
        "artist": asset.artist,
        "artists": list(asset.artists),
        "album": asset.album,
        "isrc": asset.isrc,
        "category": item.category,
        "explicit": asset.explicit,
        "gender": asset.gender.value if asset.gender else None,
        "tempo": asset.bpm,
        "energy": asset.energy,
        "rights": {
            "territories": sorted(deal.territories),
            "valid_from": deal.valid_from.isoformat() if deal.valid_from else None,
            "valid_until": deal.valid_until.isoformat() if deal.valid_until else None,
        },
    }


def export_csv(
    program: StationProgram, plans: Sequence[HourPlan], assets: Mapping[str, Playable]
) -> str:
    """One row per item, the asset's facts flattened; text a spreadsheet would run as a
    formula starts with a single quote (see :mod:`onair.domain.csv_cells`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for plan in plans:
        for item in plan.items:
            row = _item(program, item, assets)
            asset = row.pop("asset") or {}
            cells = [
                row["id"],
                row["start"],
                row["duration_s"],
                row["overlap_next_s"],
                row["kind"],
                row["hard"],
                row["nominal_start"] or "",
                "" if row["slot"] is None else row["slot"],
                row["category"],
                asset.get("id", ""),
                asset.get("title", ""),
                asset.get("artist") or "",
                asset.get("album") or "",
                asset.get("isrc") or "",
                asset.get("explicit", ""),
                asset.get("gender") or "",
                "" if asset.get("tempo") is None else asset["tempo"],
                "" if asset.get("energy") is None else asset["energy"],
            ]
            writer.writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()
