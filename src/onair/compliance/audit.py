"""Verifying the ledger: the chain recomputed entry by entry, each seal against its archive.

What is checked, for the days asked (all by default):

- every entry in the database recomputes to its hash and links to the one before;
- seals follow each other day by day, each starting where the one before ended;
- each sealed day still in the database has the seal's count and Merkle root;
- each archive object is there, has the seal's SHA-256, and its entries chain
  from the seal's ``prev_hash`` to its ``last_hash`` with the seal's Merkle root;
- each manifest object says what the database's seal says.

The first problem found, in chain order, is named in one line.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from onair.compliance.ports import Archive, LedgerStore
from onair.compliance.sealing import archive_entries, day_bounds, day_keys
from onair.domain.ledger import (
    GENESIS_HASH,
    DaySeal,
    LedgerEntry,
    LedgerError,
    Prune,
    chain_break,
    merkle_root,
)

__all__ = ["Audit", "verify"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Audit:
    """What a verification looked at and the problems it found, first in chain order first."""

    station: str
    entries_checked: int = 0
    seals_checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> str | None:
        """The first problem in chain order, or None."""
        return min(self.problems, key=lambda p: p[0])[1] if self.problems else None

    def found(self, seq: int, message: str) -> None:
        self.problems.append((seq, message))

    def summary(self) -> dict[str, object]:
        return {"station": self.station, "ok": self.ok, "entries_checked": self.entries_checked,
                "seals_checked": self.seals_checked, "first_seq": self.first_seq,
                "last_seq": self.last_seq, "problem": self.problem,
                "problems": [m for _, m in sorted(self.problems, key=lambda p: p[0])]}  # fmt: skip


def verify(
    store: LedgerStore, archive: Archive, station: str, zone: ZoneInfo, *,
    first_day: date | None = None, last_day: date | None = None,
) -> Audit:  # fmt: skip
    """Verify the station's ledger over ``first_day..last_day`` (station-local, inclusive)."""
    audit = Audit(station)
    seals = store.seals(station, first_day, last_day)
    pruned = store.prunes(station)
    days = _SealedDays(seals)
    _check_chain(store, station, zone, seals, pruned, first_day, last_day, audit, days)
    pruned_days = {p.day for p in pruned}
    previous = store.seals(station, None, seals[0].day)[-2:-1] if seals else []
    for seal in seals:
        _check_seal(archive, seal, previous[0] if previous else None, audit)
        if seal.day not in pruned_days:
            _check_stored_day(store, seal, days, audit)
        previous = [seal]
    return audit


class _SealedDays:
    """Each sealed day's stored hashes, gathered as the chain walk passes them.

    A day the walk saw whole is checked against its seal from these, so the
    database's entries are read once; a day it did not (the walk stopped at a
    break first) is read again on its own.
    """

    def __init__(self, seals: list[DaySeal]) -> None:
        spans = sorted((s.first_seq, s.last_seq, s.day) for s in seals
                       if s.first_seq is not None and s.last_seq is not None)  # fmt: skip
        self._firsts = [first for first, _, _ in spans]
        self._spans = spans
        self._hashes: dict[date, list[str]] = {}
        self.roots: dict[date, tuple[str, int]] = {}  # a day seen whole: its root and count

    def add(self, entry: LedgerEntry) -> None:
        at = bisect_right(self._firsts, entry.seq) - 1
        if at < 0:
            return
        first, last, day = self._spans[at]
        if entry.seq > last:
            return
        hashes = self._hashes.setdefault(day, [])
        hashes.append(entry.hash)
        if entry.seq == last and len(hashes) == last - first + 1:
            self.roots[day] = (merkle_root(hashes), len(hashes))
            del self._hashes[day]


def _check_chain(
    store: LedgerStore, station: str, zone: ZoneInfo, seals: list[DaySeal], pruned: list[Prune],
    first_day: date | None, last_day: date | None, audit: Audit, days: _SealedDays,
) -> None:  # fmt: skip
    """Walk the database's entries in the period from the hash the chain holds before it."""
    first_seq, prev_hash = _chain_start(store, station, zone, seals, pruned, first_day)
    last_seq = None
    if last_day is not None:
        span = store.seq_range(station, _EPOCH, day_bounds(last_day, zone)[1])
        last_seq = span[1] if span else first_seq - 1
    if last_seq is not None and last_seq < first_seq:
        return
    walked = _walk(store.entries(station, first_seq, last_seq), audit, days)
    broken = chain_break(walked, prev_hash=prev_hash, first_seq=first_seq)
    if broken is not None:
        audit.found(broken.seq, str(broken))


def _walk(entries: Iterable[LedgerEntry], audit: Audit, days: _SealedDays) -> Iterator[LedgerEntry]:
    for entry in entries:
        days.add(entry)
        audit.entries_checked += 1
        if audit.first_seq is None:
            audit.first_seq = entry.seq
        audit.last_seq = entry.seq
        yield entry


def _chain_start(
    store: LedgerStore, station: str, zone: ZoneInfo, seals: list[DaySeal], pruned: list[Prune],
    first_day: date | None,
) -> tuple[int, str]:  # fmt: skip
    """The first seq to walk from in the database, and the hash the chain holds before it.

    That is the first seq recorded on ``first_day`` (or ever), past any pruned
    days. The hash before it comes from the day's seal when there is one, else
    from the entry before it, else from the seal of a pruned day ending there.
    """
    pruned_to = max((p.last_seq or 0 for p in pruned), default=0)
    recorded_before = 0
    if first_day is not None:
        span = store.seq_range(station, _EPOCH, day_bounds(first_day, zone)[0])
        recorded_before = span[1] if span else 0
    start = max(recorded_before, pruned_to) + 1
    if (
        first_day is not None
        and seals
        and seals[0].day == first_day
        and recorded_before >= pruned_to
    ):
        return start, seals[0].prev_hash
    if start == 1:
        return 1, GENESIS_HASH
    before = list(store.entries(station, start - 1, start - 1))
    if before:
        return start, before[0].hash
    ending = [s for s in store.seals(station) if s.last_seq == start - 1]
    return start, ending[-1].last_hash if ending else GENESIS_HASH


def _check_seal(archive: Archive, seal: DaySeal, previous: DaySeal | None, audit: Audit) -> None:
    audit.seals_checked += 1
    where = seal.first_seq or seal.last_seq or 0
    name = f"seal of {seal.station} {seal.day}"
    if previous is not None and previous.last_hash != seal.prev_hash:
        audit.found(where, f"{name} does not follow the seal of {previous.day}")
    _, manifest_key = day_keys(seal.station, seal.day)
    try:
        written = DaySeal.from_manifest(json.loads(archive.get_bytes(manifest_key)))
        if written != seal:
            audit.found(where, f"manifest {manifest_key} differs from the database's {name}")
    except Exception as exc:  # missing, garbled or the store away: named, never a traceback
        audit.found(where, f"manifest {manifest_key} unreadable: {exc}")
    _check_archive(archive, seal, name, where, audit)


def _check_stored_day(store: LedgerStore, seal: DaySeal, days: _SealedDays, audit: Audit) -> None:
    """The day's entries still in the database against its seal's count and Merkle root."""
    if seal.first_seq is None or seal.last_seq is None:
        return
    if seal.day in days.roots:
        root, count = days.roots[seal.day]
    else:
        stored = [e.hash for e in store.entries(seal.station, seal.first_seq, seal.last_seq)]
        root, count = merkle_root(stored), len(stored)
    if root != seal.merkle_root:
        audit.found(seal.first_seq, f"the database's entries of {seal.day} do not match the"
                                    f" seal of {seal.station} {seal.day} ({count} entries,"
                                    f" sealed {seal.count})")  # fmt: skip


def _check_archive(archive: Archive, seal: DaySeal, name: str, where: int, audit: Audit) -> None:
    key = seal.archive_key
    try:
        data = archive.get_bytes(key)
    except Exception as exc:
        audit.found(where, f"archive {key} is missing or unreadable: {exc}")
        return
    if hashlib.sha256(data).hexdigest() != seal.archive_sha256:
        audit.found(where, f"archive {key} does not match its {name} (SHA-256 differs)")
        return
    try:
        entries = archive_entries(data)
    except LedgerError as exc:
        audit.found(where, f"archive {key}: {exc}")
        return
    broken = chain_break(entries, prev_hash=seal.prev_hash, first_seq=seal.first_seq or 1)
    if broken is not None:
        audit.found(broken.seq, f"archive {key}: {broken}")
    elif merkle_root([e.hash for e in entries]) != seal.merkle_root or len(entries) != seal.count:
        audit.found(where, f"archive {key} does not hold the entries its {name} pins")
