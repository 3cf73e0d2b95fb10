"""The entries a report is built from, verified first, pruned days read from their archives.

An entry belongs to a report by when it happened (``at``), but it is chained by
when it was recorded, which can be later (an item that ends after midnight, an
airing caught up after a bus outage). So the chain is verified from the start
of the period to its head, and a pruned day's entries come from its archive.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from onair.compliance.audit import Audit, verify
from onair.compliance.ports import Archive, LedgerStore
from onair.compliance.sealing import archive_entries
from onair.domain.ledger import EntryKind, LedgerEntry, LedgerError

__all__ = ["PeriodEntries", "read_period"]


@dataclass(frozen=True)
class PeriodEntries:
    entries: list[LedgerEntry]
    audit: Audit

    @property
    def warnings(self) -> list[str]:
        """What a report built on these entries must say about them."""
        if self.audit.ok:
            return []
        return [f"built on a ledger that does not verify: {self.audit.problem}"]


def read_period(
    store: LedgerStore, archive: Archive, station: str, zone: ZoneInfo,
    start: datetime, end: datetime, kinds: Collection[EntryKind] | None = None,
) -> PeriodEntries:  # fmt: skip
    """Entries of ``kinds`` that happened in ``[start, end)``, by time, with their audit."""
    first_day = (start - timedelta(days=1)).astimezone(zone).date()
    audit = verify(store, archive, station, zone, first_day=first_day)
    found = {e.seq: e for e in store.entries_at(station, start, end, kinds)}
    for prune in store.prunes(station):
        if not first_day <= prune.day <= end.astimezone(zone).date() + timedelta(days=2):
            continue
        for seal in store.seals(station, prune.day, prune.day):
            try:
                archived = archive_entries(archive.get_bytes(seal.archive_key))
            except (LedgerError, KeyError) as exc:
                audit.found(seal.first_seq or 0, f"archive {seal.archive_key}: {exc}")
                continue
            found |= {e.seq: e for e in archived
                      if start <= e.at < end and (kinds is None or e.kind in kinds)}  # fmt: skip
    entries = sorted(found.values(), key=lambda e: (e.at, e.seq))
    return PeriodEntries(entries, audit)
