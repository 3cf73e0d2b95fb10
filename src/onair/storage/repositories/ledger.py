"""The compliance ledger on SQLite or PostgreSQL: one hash chain per station, with its seals.

Every write runs under the station's lock and is committed durably before it
returns: on PostgreSQL a transaction-scoped advisory lock keyed on the station and
``synchronous_commit = on``; on SQLite ``BEGIN IMMEDIATE`` (the database's one
writer lock, taken before the head is read) and ``PRAGMA synchronous=FULL`` for the
commit (the engine's NORMAL fsyncs the WAL only at checkpoints), NORMAL again after.
The database's triggers (migration 0009) refuse UPDATE and DELETE of entries, but
DELETE inside a recorded prune of a sealed day.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from onair.domain.ledger import (
    GENESIS_HASH,
    DaySeal,
    EntryDraft,
    EntryKind,
    LedgerEntry,
    Prune,
    canonical_json,
    seal_entry,
)
from onair.storage.db import StorageError
from onair.storage.repositories.stations import StationNotFound
from onair.storage.tables import (
    ComplianceLedgerEntry,
    CompliancePrune,
    ComplianceSeal,
    Station,
    utc_now,
)

__all__ = ["PruneRefused", "Recording", "SealConflict", "SqlLedger"]

_READ_BATCH = 10_000
_IN_CHUNK = 500  # source ids per ``IN (...)`` when looking for entries already there

_L = ComplianceLedgerEntry
_ENTRY_COLUMNS = (
    _L.station_id, _L.seq, _L.kind, _L.source_id, _L.at, _L.recorded_at, _L.body,
    _L.correlation, _L.prev_hash, _L.hash,
)  # fmt: skip
_S = ComplianceSeal
_SEAL_COLUMNS = (
    _S.station_id, _S.day, _S.timezone, _S.first_seq, _S.last_seq, _S.count, _S.prev_hash,
    _S.first_hash, _S.last_hash, _S.merkle_root, _S.archive_key, _S.archive_sha256,
    _S.sealed_at,
)  # fmt: skip


class SealConflict(StorageError, ValueError):
    """A day already sealed is sealed again with different contents."""


class PruneRefused(StorageError, ValueError):
    """A prune of a day without a matching stored seal."""


@dataclass
class Recording:
    """A change under way in the ledger's transaction, and the entry that will record it."""

    conn: Connection
    draft: EntryDraft


class SqlLedger:
    """The ``LedgerStore``: ``compliance_ledger``, ``compliance_seals``, ``compliance_prunes``.

    ``now`` is the store's clock for ``recorded_at`` and ``pruned_at``.
    """

    def __init__(
        self, engine: Engine, now: Callable[[], datetime] = utc_now, read_batch: int = _READ_BATCH
    ) -> None:
        self.engine = engine
        self.now = now
        self.read_batch = read_batch

    def append(self, draft: EntryDraft) -> LedgerEntry | None:
        """Append and commit ``draft``; None when its ``(station, kind, source_id)`` is there."""
        appended = self.append_many([draft])
        return appended[0] if appended else None

    def append_many(self, drafts: Sequence[EntryDraft]) -> list[LedgerEntry]:
        """Append ``drafts`` (one station) in one transaction; those already there are skipped.

        All of them get the same ``recorded_at``. Raises :class:`StationNotFound` for
        a station the database does not know.
        """
        if not drafts:
            return []
        station = drafts[0].station
        if any(d.station != station for d in drafts):
            raise ValueError("append_many takes the drafts of one station at a time")
        with self._writing(station) as conn:
            return self._append(conn, station, drafts)

    @contextmanager
    def recorded(self, draft: EntryDraft) -> Iterator[Recording]:
        """A transaction for a change and the operator action that records it: both or neither.

        The caller makes its change on ``recording.conn`` and may replace
        ``recording.draft`` with what it learnt there (the version it stored); the
        draft is appended after the change, under the station's write lock, and
        the two commit together.
        """
        with self._writing(draft.station) as conn:
            recording = Recording(conn, draft)
            yield recording
            self._append(conn, draft.station, [recording.draft])

    def head(self, station: str) -> LedgerEntry | None:
        """The station's newest entry."""
        query = sa.select(*_ENTRY_COLUMNS).where(_L.station_id == station)
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(_L.seq.desc()).limit(1)).first()
        return None if row is None else _entry(row)

    def entries(
        self, station: str, first_seq: int = 1, last_seq: int | None = None
    ) -> Iterator[LedgerEntry]:
        """Entries ``first_seq..last_seq`` in seq order, read ``read_batch`` at a time.

        Each batch is its own short read, so no connection or snapshot is held
        between batches (nor while the caller works on an entry).
        """
        next_seq = first_seq
        while last_seq is None or next_seq <= last_seq:
            query = sa.select(*_ENTRY_COLUMNS).where(_L.station_id == station, _L.seq >= next_seq)
            if last_seq is not None:
                query = query.where(_L.seq <= last_seq)
            with self.engine.connect() as conn:
                rows = conn.execute(query.order_by(_L.seq).limit(self.read_batch)).all()
            yield from map(_entry, rows)
            if len(rows) < self.read_batch:
                return
            next_seq = rows[-1].seq + 1

    def entries_at(
        self, station: str, start: datetime, end: datetime,
        kinds: Collection[EntryKind] | None = None,
    ) -> list[LedgerEntry]:  # fmt: skip
        """Entries whose ``at`` is in ``[start, end)``, of ``kinds`` (all if None), by ``at``."""
        query = sa.select(*_ENTRY_COLUMNS).where(
            _L.station_id == station, _L.at >= start, _L.at < end
        )
        if kinds is not None:
            query = query.where(_L.kind.in_([EntryKind(k).value for k in kinds]))
        with self.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query.order_by(_L.at, _L.seq))]

    def latest(
        self, station: str, kind: EntryKind, before_seq: int | None, limit: int
    ) -> list[LedgerEntry]:
        """Up to ``limit`` entries of ``kind``, newest first, before ``before_seq`` if given."""
        query = sa.select(*_ENTRY_COLUMNS).where(_L.station_id == station, _L.kind == kind.value)
        if before_seq is not None:
            query = query.where(_L.seq < before_seq)
        with self.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query.order_by(_L.seq.desc()).limit(limit))]

    def seq_range(self, station: str, start: datetime, end: datetime) -> tuple[int, int] | None:
        """First and last seq recorded in ``[start, end)`` (``recorded_at``), None if none."""
        query = sa.select(sa.func.min(_L.seq), sa.func.max(_L.seq)).where(
            _L.station_id == station, _L.recorded_at >= start, _L.recorded_at < end
        )
        with self.engine.connect() as conn:
            first, last = conn.execute(query).one()
        return None if first is None else (first, last)

    def first_entry_at(self, station: str) -> datetime | None:
        """``recorded_at`` of the station's first entry ever, pruned or not.

        A prune keeps the ``recorded_at`` of its day's first entry
        (``compliance_prunes.first_recorded_at``), so this is exact after pruning too.
        """
        kept = sa.select(sa.func.min(_L.recorded_at)).where(_L.station_id == station)
        pruned = sa.select(sa.func.min(CompliancePrune.first_recorded_at)).where(
            CompliancePrune.station_id == station
        )
        with self.engine.connect() as conn:
            found = [conn.execute(kept).scalar(), conn.execute(pruned).scalar()]
        instants: list[datetime] = [f for f in found if f is not None]
        return min(instants, default=None)

    def add_seal(self, seal: DaySeal) -> None:
        """Keep ``seal``; the same seal again is a no-op (the first ``sealed_at`` stays).

        Raises :class:`SealConflict` when the day is already sealed otherwise.
        """
        with self._writing(seal.station) as conn:
            stored = _stored_seal(conn, seal.station, seal.day)
            if stored is None:
                conn.execute(sa.insert(ComplianceSeal).values(_seal_row(seal)))
            elif not _same_seal(stored, seal):
                raise SealConflict(
                    f"day {seal.day} of station {seal.station} is already sealed with "
                    f"Merkle root {stored.merkle_root} over {stored.count} entries; a seal "
                    f"is never replaced (this one has {seal.merkle_root} over {seal.count})"
                )

    def seals(self, station: str, first: date | None = None, last: date | None = None
              ) -> list[DaySeal]:  # fmt: skip
        """Seals of days ``first..last`` (inclusive; all when None), by day."""
        query = sa.select(*_SEAL_COLUMNS).where(_S.station_id == station)
        if first is not None:
            query = query.where(_S.day >= first)
        if last is not None:
            query = query.where(_S.day <= last)
        with self.engine.connect() as conn:
            return [_seal(row) for row in conn.execute(query.order_by(_S.day))]

    def prune(self, seal: DaySeal, who: str) -> int:
        """Delete the sealed day's entries from the database copy; the number deleted.

        The prune record and the deletion commit together; a day pruned already
        deletes nothing. When the day held the newest entry, the next append
        continues the chain from the seal. Raises :class:`PruneRefused` when
        ``seal`` is not the stored seal of its day.
        """
        station, day = seal.station, seal.day
        with self._writing(station) as conn:
            stored = _stored_seal(conn, station, day)
            if stored is None or not _same_seal(stored, seal):
                raise PruneRefused(
                    f"day {day} of station {station} has no stored seal matching the one "
                    "given: seal the day and verify its archive before pruning it"
                )
            done = sa.select(CompliancePrune.day).where(
                CompliancePrune.station_id == station, CompliancePrune.day == day
            )
            if conn.execute(done).first() is not None:
                return 0
            if stored.first_seq is None or stored.last_seq is None:
                conn.execute(sa.insert(CompliancePrune).values(_prune_row(stored, who, self.now())))
                return 0
            in_day = (_L.station_id == station) & _L.seq.between(stored.first_seq, stored.last_seq)
            span = sa.select(sa.func.min(_L.recorded_at), sa.func.max(_L.recorded_at)).where(in_day)
            first_at, last_at = conn.execute(span).one()
            row = _prune_row(stored, who, self.now()) | {
                "first_recorded_at": first_at, "last_recorded_at": last_at,
            }  # fmt: skip
            conn.execute(sa.insert(CompliancePrune).values(row))
            delete = sa.delete(ComplianceLedgerEntry).where(in_day)
            deleted: int = conn.execute(delete).rowcount
            return deleted

    def prunes(self, station: str) -> list[Prune]:
        """The days pruned from the database copy, by day."""
        p = CompliancePrune
        query = (
            sa.select(p.station_id, p.day, p.first_seq, p.last_seq, p.pruned_at, p.who)
            .where(p.station_id == station)
            .order_by(p.day)
        )
        with self.engine.connect() as conn:
            return [Prune(*row) for row in conn.execute(query)]

    def _append(
        self, conn: Connection, station: str, drafts: Sequence[EntryDraft]
    ) -> list[LedgerEntry]:
        seq, prev_hash, clock = _tail(conn, station)
        recorded_at = self.now() if clock is None else max(self.now(), clock)
        taken = _present(conn, station, drafts)
        appended: list[LedgerEntry] = []
        for draft in drafts:
            key = (draft.kind.value, draft.source_id)
            if key in taken:
                continue
            taken.add(key)
            seq += 1
            entry = seal_entry(draft, seq, prev_hash, recorded_at)
            prev_hash = entry.hash
            appended.append(entry)
        if appended:
            conn.execute(sa.insert(ComplianceLedgerEntry), [_entry_row(e) for e in appended])
        return appended

    @contextmanager
    def _writing(self, station: str) -> Iterator[Connection]:
        """A transaction holding ``station``'s write lock, committed durably on leaving."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as conn:
                conn.exec_driver_sql("SET LOCAL synchronous_commit = on")
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(station))))
                yield conn
            return
        # pysqlite would BEGIN (deferred) only at the first write, after the head was
        # read; in AUTOCOMMIT it leaves transactions to us, so BEGIN IMMEDIATE it is.
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("PRAGMA synchronous=FULL")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.exec_driver_sql("COMMIT")
                except BaseException:
                    if _sqlite_in_transaction(conn):  # a failed COMMIT may have rolled back
                        conn.exec_driver_sql("ROLLBACK")
                    raise
            finally:
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")


def _sqlite_in_transaction(conn: Connection) -> bool:
    raw = conn.connection.dbapi_connection
    return bool(getattr(raw, "in_transaction", True))


def _tail(conn: Connection, station: str) -> tuple[int, str, datetime | None]:
    """The chain's last seq and hash, and its newest ``recorded_at``, to append after.

    That is the newest entry, or the seal of a pruned day past it (a day that held
    the newest entry when it was pruned).
    """
    newest = sa.select(_L.seq, _L.hash, _L.recorded_at).where(_L.station_id == station)
    head = conn.execute(newest.order_by(_L.seq.desc()).limit(1)).first()
    p = CompliancePrune
    pruned = (
        sa.select(p.last_seq, _S.last_hash, p.last_recorded_at)
        .join(_S, (_S.station_id == p.station_id) & (_S.day == p.day))
        .where(p.station_id == station, p.last_seq.is_not(None))
        .order_by(p.last_seq.desc())
        .limit(1)
    )
    tail = conn.execute(pruned).first()
    if tail is not None and (head is None or tail.last_seq > head.seq):
        return tail.last_seq, tail.last_hash, tail.last_recorded_at
    if head is not None:
        return head.seq, head.hash, head.recorded_at
    if conn.execute(sa.select(Station.id).where(Station.id == station)).first() is None:
        raise StationNotFound(f"no station {station!r}: run 'onair db upgrade' first")
    return 0, GENESIS_HASH, None


def _prune_row(seal: DaySeal, who: str, now: datetime) -> dict[str, Any]:
    return {
        "station_id": seal.station, "day": seal.day, "first_seq": seal.first_seq,
        "last_seq": seal.last_seq, "pruned_at": now, "who": who,
    }  # fmt: skip


def _lock_key(station: str) -> int:
    """The station's advisory lock: 64 bits of a hash, so no two stations share one."""
    digest = hashlib.sha256(f"onair.compliance_ledger:{station}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _present(conn: Connection, station: str, drafts: Sequence[EntryDraft]) -> set[tuple[str, str]]:
    """The ``(kind, source_id)`` of ``drafts`` already in the station's ledger."""
    wanted = {(d.kind.value, d.source_id) for d in drafts}
    source_ids = sorted({source_id for _, source_id in wanted})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(source_ids), _IN_CHUNK):
        chunk = source_ids[start : start + _IN_CHUNK]
        query = sa.select(_L.kind, _L.source_id).where(
            _L.station_id == station, _L.source_id.in_(chunk)
        )
        found.update((kind, source_id) for kind, source_id in conn.execute(query))
    return found & wanted


def _entry_row(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "station_id": entry.station, "seq": entry.seq, "kind": entry.kind.value,
        "source_id": entry.source_id, "at": entry.at, "recorded_at": entry.recorded_at,
        "body": canonical_json(entry.body), "correlation": canonical_json(entry.correlation),
        "prev_hash": entry.prev_hash, "hash": entry.hash,
    }  # fmt: skip


def _entry(row: Row[*tuple[Any, ...]]) -> LedgerEntry:
    return LedgerEntry(
        station=row.station_id, seq=row.seq, kind=EntryKind(row.kind), source_id=row.source_id,
        at=row.at, recorded_at=row.recorded_at, body=json.loads(row.body),
        correlation=json.loads(row.correlation), prev_hash=row.prev_hash, hash=row.hash,
    )  # fmt: skip


def _seal_row(seal: DaySeal) -> dict[str, Any]:
    return {
        "station_id": seal.station, "day": seal.day, "timezone": seal.timezone,
        "first_seq": seal.first_seq, "last_seq": seal.last_seq, "count": seal.count,
        "prev_hash": seal.prev_hash, "first_hash": seal.first_hash, "last_hash": seal.last_hash,
        "merkle_root": seal.merkle_root, "archive_key": seal.archive_key,
        "archive_sha256": seal.archive_sha256, "sealed_at": seal.sealed_at,
    }  # fmt: skip


def _seal(row: Row[*tuple[Any, ...]]) -> DaySeal:
    return DaySeal(*row)  # the columns are DaySeal's fields, in order


def _stored_seal(conn: Connection, station: str, day: date) -> DaySeal | None:
    query = sa.select(*_SEAL_COLUMNS).where(_S.station_id == station, _S.day == day)
    row = conn.execute(query).first()
    return None if row is None else _seal(row)


def _same_seal(stored: DaySeal, seal: DaySeal) -> bool:
    """The same seal of the same day, whenever each was made."""
    return replace(seal, sealed_at=stored.sealed_at) == stored
