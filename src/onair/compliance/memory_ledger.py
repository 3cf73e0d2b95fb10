"""Test doubles beside the ports: a ledger and an archive in memory, with the same promises."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from onair.domain.ledger import (
    GENESIS_HASH,
    DaySeal,
    EntryDraft,
    EntryKind,
    LedgerEntry,
    LedgerError,
    Prune,
    seal_entry,
)

__all__ = ["MemoryArchive", "MemoryLedger"]


class MemoryLedger:
    """A ``LedgerStore`` in a list: appends serialized by a lock, entries never changed.

    ``tamper`` stands in for someone editing a row behind the database's back.
    """

    def __init__(self, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.now = now
        self._entries: dict[str, list[LedgerEntry]] = {}
        self._sources: set[tuple[str, str, str]] = set()
        self._seals: dict[tuple[str, date], DaySeal] = {}
        self._prunes: list[Prune] = []
        self._first: dict[str, datetime] = {}  # kept through prunes, as the database keeps it
        self._lock = threading.Lock()

    def append(self, draft: EntryDraft) -> LedgerEntry | None:
        made = self.append_many([draft])
        return made[0] if made else None

    def append_many(self, drafts: Sequence[EntryDraft]) -> list[LedgerEntry]:
        made = []
        with self._lock:
            for draft in drafts:
                key = (draft.station, draft.kind.value, draft.source_id)
                if key in self._sources:
                    continue
                chain = self._entries.setdefault(draft.station, [])
                head = chain[-1] if chain else None
                recorded = max(self.now(), head.recorded_at) if head else self.now()
                seq = head.seq + 1 if head else self._pruned_head(draft.station)[0] + 1
                prev = head.hash if head else self._pruned_head(draft.station)[1]
                entry = seal_entry(draft, seq, prev, recorded)
                chain.append(entry)
                self._first.setdefault(draft.station, entry.recorded_at)
                self._sources.add(key)
                made.append(entry)
        return made

    def _pruned_head(self, station: str) -> tuple[int, str]:
        seals = [s for s in self._seals.values() if s.station == station and s.last_seq]
        if not seals:
            return 0, GENESIS_HASH
        last = max(seals, key=lambda s: s.last_seq or 0)
        return last.last_seq or 0, last.last_hash

    def head(self, station: str) -> LedgerEntry | None:
        chain = self._entries.get(station, [])
        return chain[-1] if chain else None

    def entries(
        self, station: str, first_seq: int = 1, last_seq: int | None = None
    ) -> Iterator[LedgerEntry]:
        for entry in list(self._entries.get(station, [])):
            if entry.seq >= first_seq and (last_seq is None or entry.seq <= last_seq):
                yield entry

    def entries_at(
        self, station: str, start: datetime, end: datetime,
        kinds: Collection[EntryKind] | None = None,
    ) -> list[LedgerEntry]:  # fmt: skip
        found = [e for e in self._entries.get(station, []) if start <= e.at < end
                 and (kinds is None or e.kind in kinds)]  # fmt: skip
        return sorted(found, key=lambda e: (e.at, e.seq))

    def seq_range(self, station: str, start: datetime, end: datetime) -> tuple[int, int] | None:
        seqs = [e.seq for e in self._entries.get(station, []) if start <= e.recorded_at < end]
        return (min(seqs), max(seqs)) if seqs else None

    def first_entry_at(self, station: str) -> datetime | None:
        return self._first.get(station)

    def add_seal(self, seal: DaySeal) -> None:
        with self._lock:
            old = self._seals.get((seal.station, seal.day))
            if old is not None and old != seal:
                raise LedgerError(f"day {seal.day} of {seal.station} is sealed already")
            self._seals[(seal.station, seal.day)] = seal

    def seals(
        self, station: str, first: date | None = None, last: date | None = None
    ) -> list[DaySeal]:
        found = [s for (name, day), s in self._seals.items() if name == station
                 and (first is None or day >= first) and (last is None or day <= last)]  # fmt: skip
        return sorted(found, key=lambda s: s.day)

    def prune(self, seal: DaySeal, who: str) -> int:
        with self._lock:
            chain = self._entries.get(seal.station, [])
            if seal.first_seq is None or seal.last_seq is None:
                kept, gone = chain, 0
            else:
                kept = [e for e in chain if not seal.first_seq <= e.seq <= seal.last_seq]
                gone = len(chain) - len(kept)
            self._entries[seal.station] = kept
            self._prunes.append(Prune(seal.station, seal.day, seal.first_seq, seal.last_seq,
                                      self.now(), who))  # fmt: skip
            return gone

    def prunes(self, station: str) -> list[Prune]:
        return [p for p in self._prunes if p.station == station]

    def tamper(self, station: str, seq: int, **changes: Any) -> None:
        """Change a stored entry in place, as a row edited behind the triggers' back."""
        chain = self._entries[station]
        index = next(i for i, e in enumerate(chain) if e.seq == seq)
        chain[index] = replace(chain[index], **changes)


class MemoryArchive:
    """An ``Archive`` in a dict: write once, and ``overwrite`` for tamper tests."""

    description = "memory archive"

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_once(self, key: str, data: bytes, *, content_type: str, retain_days: int) -> None:
        if key in self.objects and self.objects[key] != data:
            raise LedgerError(f"{key!r} holds other bytes: archives are never replaced")
        self.objects[key] = data

    def get_bytes(self, key: str) -> bytes:
        try:
            return self.objects[key]
        except KeyError:
            raise KeyError(f"no object {key!r} in {self.description}") from None

    def overwrite(self, key: str, data: bytes) -> None:
        self.objects[key] = data
