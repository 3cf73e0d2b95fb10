"""Sealing a station day: its entries archived once, its hashes pinned in a manifest.

A day is the station-local date of each entry's ``recorded_at`` (23 or 25 hours
on a daylight-saving change). Days are sealed in order, each after the one
before, so every seal's ``prev_hash`` is the previous seal's ``last_hash`` and
the seals alone chain the whole history together, even once old days are
pruned from the database copy. A day with no entries is sealed too, so a gap
in the record is stated, not silent.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from onair.compliance.ports import Archive, LedgerStore
from onair.domain.ledger import (
    GENESIS_HASH,
    DaySeal,
    LedgerEntry,
    LedgerError,
    canonical_json,
    chain_break,
    merkle_root,
)

__all__ = [
    "archive_bytes",
    "archive_entries",
    "day_bounds",
    "day_keys",
    "seal_day",
    "seal_due",
]

ARCHIVE_TYPE = "application/gzip"
SETTLE = timedelta(minutes=2)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants that start ``day`` and the day after it in ``zone``.

    A midnight that does not exist (a zone that springs forward at 00:00) is
    read with the offset before the change, which is the instant the day begins.
    """
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def day_keys(station: str, day: date) -> tuple[str, str]:
    """Object keys of a sealed day: its entries and its manifest."""
    folder = f"ledger/{station}/{day:%Y/%m/%d}"
    return f"{folder}/entries.jsonl.gz", f"{folder}/manifest.json"


def archive_bytes(entries: Iterable[LedgerEntry]) -> bytes:
    """Entries as gzip-compressed lines of their canonical JSON (hash included): the same
    entries always give the same bytes."""
    lines = "".join(canonical_json(e.hashed_fields() | {"hash": e.hash}) + "\n" for e in entries)
    return gzip.compress(lines.encode("utf-8"), compresslevel=6, mtime=0)


def archive_entries(data: bytes) -> list[LedgerEntry]:
    """The entries of an archive; raises :class:`LedgerError` if it is not one."""
    try:
        text = gzip.decompress(data).decode("utf-8")
        return [LedgerEntry.from_record(json.loads(line)) for line in text.splitlines()]
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LedgerError(f"not a ledger archive: {exc}") from None


def seal_day(
    store: LedgerStore, archive: Archive, station: str, day: date, zone: ZoneInfo, *,
    now: datetime, retain_days: int,
) -> DaySeal:  # fmt: skip
    """Seal ``day``: check its chain, archive its entries once, keep the seal. Idempotent.

    Refuses a day not yet over, a day whose previous day is not sealed (unless
    it is the station's first), and a day whose chain does not hold.
    """
    sealed = store.seals(station, day, day)
    if sealed:
        return sealed[0]
    start, end = day_bounds(day, zone)
    if end > now:
        raise LedgerError(f"{station} {day} is not over until {end.astimezone(zone)}")
    prev_hash = _hash_before(store, station, day, zone)
    span = store.seq_range(station, start, end)
    entries = list(store.entries(station, span[0], span[1])) if span else []
    first_seq = span[0] if span else None
    broken = chain_break(entries, prev_hash=prev_hash, first_seq=first_seq or 1)
    if broken is not None:
        raise LedgerError(f"{broken}: {day} not sealed")
    data = archive_bytes(entries)
    entries_key, manifest_key = day_keys(station, day)
    hashes = [e.hash for e in entries]
    seal = DaySeal(
        station=station, day=day, timezone=zone.key, first_seq=first_seq,
        last_seq=span[1] if span else None, count=len(entries), prev_hash=prev_hash,
        first_hash=hashes[0] if hashes else None, last_hash=hashes[-1] if hashes else prev_hash,
        merkle_root=merkle_root(hashes), archive_key=entries_key,
        archive_sha256=hashlib.sha256(data).hexdigest(), sealed_at=now,
    )  # fmt: skip
    archive.put_once(entries_key, data, content_type=ARCHIVE_TYPE, retain_days=retain_days)
    seal = _manifest_once(archive, manifest_key, seal, retain_days)
    store.add_seal(seal)
    return seal


def _manifest_once(archive: Archive, key: str, seal: DaySeal, retain_days: int) -> DaySeal:
    """Write the manifest; after a crash between the manifest and the row, adopt the written one."""
    data = json.dumps(seal.manifest(), sort_keys=True, indent=1).encode()
    try:
        archive.put_once(key, data, content_type="application/json", retain_days=retain_days)
        return seal
    except Exception:
        written = DaySeal.from_manifest(json.loads(archive.get_bytes(key)))
        if replace(written, sealed_at=seal.sealed_at) != seal:
            raise LedgerError(f"{key} holds another seal of {seal.day}") from None
        return written


def _hash_before(store: LedgerStore, station: str, day: date, zone: ZoneInfo) -> str:
    """The chain's hash at the start of ``day``: the previous day's seal, or genesis."""
    earlier = store.seals(station, None, day - timedelta(days=1))
    if earlier:
        last = earlier[-1]
        if last.day != day - timedelta(days=1):
            missing = day - timedelta(days=1)
            raise LedgerError(f"{station} {missing} is not sealed: days are sealed in order")
        return last.last_hash
    first = store.first_entry_at(station)
    if first is not None and first.astimezone(zone).date() < day:
        raise LedgerError(f"{station} has unsealed days before {day}: days are sealed in order")
    return GENESIS_HASH


def seal_due(
    store: LedgerStore, archive: Archive, station: str, zone: ZoneInfo, *,
    now: datetime, retain_days: int, on_seal: Callable[[DaySeal], None] | None = None,
) -> list[DaySeal]:  # fmt: skip
    """Seal every day that is over and not sealed, oldest first, up to yesterday.

    A day is sealed only once it has been over for :data:`SETTLE`, so an append
    by a process whose clock runs a little behind still lands before its seal.
    """
    today = (now - SETTLE).astimezone(zone).date()
    seals = store.seals(station)
    if seals:
        day = seals[-1].day + timedelta(days=1)
    else:
        first = store.first_entry_at(station)
        if first is None:
            return []
        day = first.astimezone(zone).date()
    made = []
    while day < today:
        seal = seal_day(store, archive, station, day, zone, now=now, retain_days=retain_days)
        made.append(seal)
        if on_seal is not None:
            on_seal(seal)
        day += timedelta(days=1)
    return made
