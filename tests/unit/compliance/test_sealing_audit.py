"""Sealing station days and verifying them, on the in-memory ledger and archive."""

from __future__ import annotations

import gzip
import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from onair.compliance.audit import verify
from onair.compliance.memory_ledger import MemoryArchive, MemoryLedger
from onair.compliance.sealing import archive_entries, day_keys, seal_day, seal_due
from onair.domain.ledger import EntryDraft, EntryKind, LedgerError

ZONE = ZoneInfo("America/Chicago")
START = datetime(2026, 3, 6, 23, 0, tzinfo=ZONE)  # 8 March 2026 is a 23-hour day here


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at


def fill(ledger: MemoryLedger, clock: Clock, hours: int, every_min: int = 30) -> None:
    """Append an airing every ``every_min`` minutes for ``hours``, the clock moving along."""
    for i in range(hours * 60 // every_min):
        clock.at += timedelta(minutes=every_min)
        ledger.append(EntryDraft("kxyz", EntryKind.AIRED, f"p{clock.at:%Y%m%d%H%M}", clock.at,
                                 {"title": f"Song {i}", "listeners": i % 7}))  # fmt: skip


@pytest.fixture
def world() -> tuple[MemoryLedger, MemoryArchive, Clock]:
    clock = Clock(START)
    ledger = MemoryLedger(now=clock)
    fill(ledger, clock, hours=4 * 24 - 1)  # 6 March 23:30 to 10 March 23:00 local
    return ledger, MemoryArchive(), clock


def test_seal_due_seals_each_finished_day_in_order(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    seals = seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    assert [s.day for s in seals] == [date(2026, 3, d) for d in (6, 7, 8, 9)]
    assert [s.count for s in seals] == [1, 48, 46, 48]  # the 23-hour day holds 46 half hours
    for before, after in itertools.pairwise(seals):
        assert after.prev_hash == before.last_hash
        assert after.first_seq == (before.last_seq or 0) + 1
    assert seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1) == []
    entries_key, _ = day_keys("kxyz", date(2026, 3, 8))
    archived = archive_entries(archive.get_bytes(entries_key))
    assert [e.seq for e in archived] == list(range(seals[2].first_seq or 0,
                                                   (seals[2].last_seq or 0) + 1))  # fmt: skip
    assert verify(ledger, archive, "kxyz", ZONE).ok


def test_an_empty_day_is_sealed_too(world: tuple[MemoryLedger, MemoryArchive, Clock]) -> None:
    ledger, archive, clock = world
    clock.at += timedelta(days=2)
    fill(ledger, clock, hours=1)
    seals = seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    empty = [s for s in seals if s.count == 0]
    assert [s.day for s in empty] == [date(2026, 3, 11)]
    assert empty[0].last_hash == empty[0].prev_hash
    assert verify(ledger, archive, "kxyz", ZONE).ok


def test_sealing_refuses_a_day_not_over_or_out_of_order(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    with pytest.raises(LedgerError, match="not over"):
        seal_day(ledger, archive, "kxyz", date(2026, 3, 10), ZONE, now=clock(), retain_days=1)
    with pytest.raises(LedgerError, match="in order"):
        seal_day(ledger, archive, "kxyz", date(2026, 3, 8), ZONE, now=clock(), retain_days=1)


def test_sealing_again_after_a_crash_before_the_row_is_kept(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    first = seal_day(ledger, archive, "kxyz", date(2026, 3, 6), ZONE, now=clock(), retain_days=1)
    fresh = MemoryLedger(now=clock)  # the same objects, a database that lost the seal row
    for entry in ledger.entries("kxyz"):
        fresh._entries.setdefault("kxyz", []).append(entry)
    clock.at += timedelta(minutes=5)
    again = seal_day(fresh, archive, "kxyz", date(2026, 3, 6), ZONE, now=clock(), retain_days=1)
    assert again == first


def test_a_row_changed_in_the_database_is_named(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    victim = next(e for e in ledger.entries("kxyz") if e.seq == 60)
    ledger.tamper("kxyz", 60, body={**victim.body, "listeners": 5000})
    audit = verify(ledger, archive, "kxyz", ZONE)
    assert not audit.ok
    assert (
        audit.problem == "ledger kxyz entry 60: its contents do not match its hash"
        " (changed after it was written)"
    )


def test_a_rewritten_chain_is_caught_by_the_seal(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    # Someone rewrites the whole database chain from entry 60 on, every hash recomputed.
    forged_clock = Clock(START)
    forged = MemoryLedger(now=forged_clock)
    for entry in ledger.entries("kxyz"):
        body = {**entry.body, "listeners": 0} if entry.seq >= 60 else entry.body
        forged_clock.at = entry.recorded_at
        forged.append(EntryDraft("kxyz", entry.kind, entry.source_id, entry.at, body))
    for seal in ledger.seals("kxyz"):
        forged.add_seal(seal)
    audit = verify(forged, archive, "kxyz", ZONE)
    assert not audit.ok
    assert "do not match the seal of kxyz 2026-03-08" in (audit.problem or "")


def test_an_archive_changed_in_the_store_is_named(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    key, _ = day_keys("kxyz", date(2026, 3, 7))
    text = (
        gzip.decompress(archive.get_bytes(key)).decode().replace('"listeners":3', '"listeners":8')
    )
    archive.overwrite(key, gzip.compress(text.encode()))
    audit = verify(ledger, archive, "kxyz", ZONE)
    assert (
        audit.problem == f"archive {key} does not match its seal of kxyz 2026-03-07"
        " (SHA-256 differs)"
    )
    archive.objects.pop(key)
    assert "is missing" in (verify(ledger, archive, "kxyz", ZONE).problem or "")


def test_verify_a_period_checks_only_its_days(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    victim = next(e for e in ledger.entries("kxyz") if e.seq == 10)  # on 7 March
    ledger.tamper("kxyz", 10, body={**victim.body, "title": "Forged"})
    later = verify(ledger, archive, "kxyz", ZONE, first_day=date(2026, 3, 8),
                   last_day=date(2026, 3, 9))  # fmt: skip
    assert later.ok
    assert later.seals_checked == 2
    assert later.entries_checked == 46 + 48
    day = verify(ledger, archive, "kxyz", ZONE, first_day=date(2026, 3, 7),
                 last_day=date(2026, 3, 7))  # fmt: skip
    assert "entry 10" in (day.problem or "")


def test_a_pruned_day_is_still_verified_from_its_archive(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    seals = seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    ledger.prune(seals[0], "ops")
    ledger.prune(seals[1], "ops")
    audit = verify(ledger, archive, "kxyz", ZONE)
    assert audit.ok, audit.problem
    assert audit.first_seq == (seals[1].last_seq or 0) + 1
    key = seals[1].archive_key
    archive.overwrite(key, archive.get_bytes(key)[:-10])
    assert "archive" in (verify(ledger, archive, "kxyz", ZONE).problem or "")


def test_a_seal_edited_in_the_database_is_named(
    world: tuple[MemoryLedger, MemoryArchive, Clock],
) -> None:
    ledger, archive, clock = world
    seals = seal_due(ledger, archive, "kxyz", ZONE, now=clock(), retain_days=1)
    ledger._seals[("kxyz", seals[2].day)] = replace(seals[2], count=1)
    assert "manifest" in (verify(ledger, archive, "kxyz", ZONE).problem or "")
