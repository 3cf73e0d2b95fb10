"""Old days out of the database copy: exported from their archive, pruned only once verified.

The application never deletes ledger entries on its own. An administrator asks
for days before a date to be pruned; each must be sealed, and its seal, archive
and database entries must verify, before its rows go (the database's triggers
let a DELETE through only for a day with a prune record). The archive stays,
so the day can still be verified and reported on; the prune itself is recorded
in the ledger as an operator action.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ulid import ULID

from onair.compliance.audit import verify
from onair.compliance.ports import Archive, LedgerStore
from onair.compliance.records import action_draft
from onair.compliance.sealing import day_keys
from onair.domain.ledger import DaySeal, LedgerError

__all__ = ["Pruned", "export_day", "prune_before"]


@dataclass(frozen=True)
class Pruned:
    day: date
    entries: int


def prune_before(
    store: LedgerStore, archive: Archive, station: str, zone: ZoneInfo, before: date, *,
    who: str, now: datetime,
) -> list[Pruned]:  # fmt: skip
    """Prune every sealed day before ``before``, oldest first, each verified first."""
    today = now.astimezone(zone).date()
    if before > today:
        raise LedgerError(f"--before {before} is in the future: only past, sealed days are pruned")
    done = {p.day for p in store.prunes(station)}
    wanted = [s for s in store.seals(station, None, before - timedelta(days=1))
              if s.day not in done]  # fmt: skip
    _all_sealed(store, station, zone, before, wanted)
    pruned = []
    for seal in wanted:
        audit = verify(store, archive, station, zone, first_day=seal.day, last_day=seal.day)
        if not audit.ok:
            raise LedgerError(f"{seal.day} not pruned, its record does not verify: {audit.problem}")
        count = store.prune(seal, who)
        store.append(action_draft(
            station, str(ULID()), "compliance.prune", who, now,
            before={"day": seal.day, "entries_in_database": count},
            after={"entries_in_database": 0, "archive_key": seal.archive_key},
            detail={"first_seq": seal.first_seq, "last_seq": seal.last_seq},
        ))  # fmt: skip
        pruned.append(Pruned(seal.day, count))
    return pruned


def _all_sealed(
    store: LedgerStore, station: str, zone: ZoneInfo, before: date, wanted: list[DaySeal]
) -> None:
    """Refuse when entries before ``before`` lie in days that are not sealed yet."""
    first = store.first_entry_at(station)
    if first is None:
        return
    sealed = {s.day for s in store.seals(station, None, before - timedelta(days=1))}
    day = first.astimezone(zone).date()
    while day < before:
        if day not in sealed:
            raise LedgerError(f"{day} is not sealed: seal it (onair audit seal) before pruning")
        day += timedelta(days=1)


def export_day(
    store: LedgerStore, archive: Archive, station: str, zone: ZoneInfo, day: date, folder: Path
) -> list[Path]:
    """Copy a sealed, verified day's archive (as JSON lines) and manifest into ``folder``."""
    audit = verify(store, archive, station, zone, first_day=day, last_day=day)
    seals = store.seals(station, day, day)
    if not seals:
        raise LedgerError(f"{station} {day} is not sealed: only sealed days are exported")
    if not audit.ok:
        raise LedgerError(f"{station} {day} does not verify: {audit.problem}")
    entries_key, manifest_key = day_keys(station, day)
    folder.mkdir(parents=True, exist_ok=True)
    lines = folder / f"{station}-{day}.jsonl"
    manifest = folder / f"{station}-{day}.manifest.json"
    lines.write_bytes(gzip.decompress(archive.get_bytes(entries_key)))
    manifest.write_bytes(archive.get_bytes(manifest_key))
    return [lines, manifest]
