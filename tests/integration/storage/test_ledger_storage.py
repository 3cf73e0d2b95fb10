"""The compliance ledger's storage on both databases: the chain, its seals and prunes, and the
triggers that keep it append-only against anyone with a SQL prompt."""

from __future__ import annotations

import itertools
import threading
import tracemalloc
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.ledger import (
    GENESIS_HASH,
    DaySeal,
    EntryDraft,
    EntryKind,
    LedgerEntry,
    chain_break,
    merkle_root,
)
from onair.storage.db import create_engine_for
from onair.storage.migrate import current_revision, downgrade, head_revision, upgrade
from onair.storage.repositories import StationNotFound, Stations
from onair.storage.repositories.ledger import PruneRefused, SealConflict, SqlLedger
from tests.integration.storage.conftest import STATION

OTHER = "kabc"
T0 = datetime(2026, 3, 2, 18, tzinfo=UTC)  # noon in Chicago
LEDGER_TABLES = {"compliance_ledger", "compliance_seals", "compliance_prunes"}


class Clock:
    """The store's clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _draft(
    n: int, *, station: str = STATION, kind: EntryKind = EntryKind.AIRED, at: datetime = T0
) -> EntryDraft:
    return EntryDraft(
        station=station, kind=kind, source_id=f"play-{n}", at=at + timedelta(minutes=n),
        body={"title": f"Song {n} — Café", "listeners": n, "duration_s": 199.123456,
              "adjustments": ["faded 12.4 s early"], "isrc": None, "nested": {"b": 1, "a": [2]}},
        correlation={"play_id": f"play-{n}", "show_id": "morning"},
    )  # fmt: skip


def _seal(ledger: SqlLedger, day: date, first: int, last: int, prev_hash: str) -> DaySeal:
    entries = list(ledger.entries(STATION, first, last))
    hashes = [e.hash for e in entries]
    return DaySeal(
        station=STATION, day=day, timezone="America/Chicago", first_seq=first, last_seq=last,
        count=len(entries), prev_hash=prev_hash, first_hash=hashes[0], last_hash=hashes[-1],
        merkle_root=merkle_root(hashes), archive_key=f"ledger/{STATION}/{day}.jsonl.gz",
        archive_sha256="ab" * 32, sealed_at=T0 + timedelta(days=3),
    )  # fmt: skip


def _refused(engine: Engine, statement: str) -> str:
    """The database's refusal of ``statement`` (run in a transaction of its own)."""
    with pytest.raises(sa.exc.DBAPIError) as refused, engine.begin() as conn:
        conn.execute(sa.text(statement))
    return str(refused.value.orig)


def _count(engine: Engine, table: str = "compliance_ledger") -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608


def test_appends_form_a_chain_that_reads_back_as_written(engine: Engine) -> None:
    ledger = SqlLedger(engine, read_batch=3)  # several batches for seven entries
    one = [ledger.append(_draft(n)) for n in range(1, 4)]
    many = ledger.append_many([_draft(n) for n in range(4, 8)])
    written = [e for e in one if e is not None] + many
    assert [e.seq for e in written] == list(range(1, 8))
    assert written[0].prev_hash == GENESIS_HASH
    stored = list(ledger.entries(STATION))
    assert stored == written
    assert chain_break(stored) is None
    assert stored[0].body["title"] == "Song 1 — Café"
    assert stored[0].at == T0 + timedelta(minutes=1)
    assert ledger.head(STATION) == written[-1]
    assert [e.seq for e in ledger.entries(STATION, 3, 5)] == [3, 4, 5]
    assert chain_break(ledger.entries(STATION, 3), prev_hash=written[1].hash, first_seq=3) is None
    assert ledger.head(OTHER) is None
    assert list(ledger.entries(STATION, 8)) == []


def test_each_station_has_a_chain_of_its_own(engine: Engine) -> None:
    Stations(engine).ensure(OTHER, name="KABC", timezone="America/Los_Angeles")
    ledger = SqlLedger(engine)
    ledger.append(_draft(1))
    other = ledger.append(_draft(1, station=OTHER))
    assert other is not None
    assert (other.seq, other.prev_hash) == (1, GENESIS_HASH)
    assert [e.station for e in ledger.entries(OTHER)] == [OTHER]


def test_a_fact_already_recorded_appends_nothing(engine: Engine) -> None:
    ledger = SqlLedger(engine)
    first = ledger.append(_draft(1))
    assert first is not None
    assert ledger.append(_draft(1)) is None  # a redelivered event
    again = ledger.append_many([_draft(1), _draft(2), _draft(2), _draft(3)])
    assert [(e.seq, e.source_id) for e in again] == [(2, "play-2"), (3, "play-3")]
    action = ledger.append(_draft(1, kind=EntryKind.OPERATOR_ACTION))  # same id, other kind
    assert action is not None
    assert action.seq == 4
    assert ledger.append_many([_draft(2), _draft(3)]) == []
    assert chain_break(ledger.entries(STATION)) is None
    assert _count(engine) == 4


def test_recorded_at_comes_from_the_store_and_never_goes_back(engine: Engine) -> None:
    clock = Clock(T0)
    ledger = SqlLedger(engine, now=clock)
    first = ledger.append(_draft(1))
    clock.now = T0 - timedelta(hours=1)  # the clock stepped back (NTP, a VM resumed)
    second = ledger.append(_draft(2))
    clock.now = T0 + timedelta(seconds=5)
    third = ledger.append(_draft(3))
    assert first is not None
    assert second is not None
    assert third is not None
    assert (first.recorded_at, second.recorded_at) == (T0, T0)
    assert third.recorded_at == T0 + timedelta(seconds=5)
    assert [e.recorded_at for e in ledger.entries(STATION)] == [T0, T0, third.recorded_at]


def test_an_entry_for_an_unknown_station_is_refused(engine: Engine) -> None:
    ledger = SqlLedger(engine)
    with pytest.raises(StationNotFound, match="nowhere"):
        ledger.append(_draft(1, station="nowhere"))
    with pytest.raises(ValueError, match="one station"):
        ledger.append_many([_draft(1), _draft(2, station=OTHER)])
    entry = ledger.append(_draft(1))  # the refused transaction was rolled back
    assert entry is not None
    assert entry.seq == 1
    if engine.dialect.name == "sqlite":  # the connection is back to the engine's NORMAL
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE compliance_ledger SET body = '{}' WHERE seq = 3",
        "UPDATE compliance_ledger SET recorded_at = recorded_at",
        "DELETE FROM compliance_ledger WHERE seq = 3",
        "DELETE FROM compliance_ledger",
        "UPDATE compliance_seals SET merkle_root = 'x'",
        "DELETE FROM compliance_seals",
        "UPDATE compliance_prunes SET who = 'x'",
        "DELETE FROM compliance_prunes",
    ],
)
def test_the_database_refuses_to_change_or_remove_rows(engine: Engine, statement: str) -> None:
    ledger = SqlLedger(engine)
    ledger.append_many([_draft(n) for n in range(1, 5)])
    seal = _seal(ledger, date(2026, 3, 2), 1, 2, GENESIS_HASH)
    ledger.add_seal(seal)
    ledger.prune(seal, "ops@kxyz")
    before = list(ledger.entries(STATION))
    assert "append-only" in _refused(engine, statement)
    assert list(ledger.entries(STATION)) == before
    assert ledger.seals(STATION) == [seal]
    assert len(ledger.prunes(STATION)) == 1


@pytest.mark.parametrize("table", sorted(LEDGER_TABLES))
def test_postgres_refuses_truncate(postgres_url: str, table: str) -> None:
    upgrade(postgres_url)
    engine = create_engine_for(postgres_url)
    try:
        Stations(engine).ensure(STATION, name="KXYZ 101.1", timezone="America/Chicago")
        SqlLedger(engine).append(_draft(1))
        assert "append-only" in _refused(engine, f"TRUNCATE {table} CASCADE")
        assert _count(engine) == 1
    finally:
        engine.dispose()


def test_a_prune_opens_only_its_own_day_to_delete(engine: Engine) -> None:
    ledger = SqlLedger(engine)
    ledger.append_many([_draft(n) for n in range(1, 10)])
    day1 = _seal(ledger, date(2026, 3, 1), 1, 3, GENESIS_HASH)
    day2 = _seal(ledger, date(2026, 3, 2), 4, 6, day1.last_hash)
    ledger.add_seal(day1)
    ledger.add_seal(day2)
    assert ledger.prune(day1, "ops@kxyz") == 3
    assert "append-only" in _refused(engine, "DELETE FROM compliance_ledger WHERE seq = 5")
    assert "append-only" in _refused(engine, "DELETE FROM compliance_ledger")
    # A prune record must be its seal's range, so one cannot be forged to open others.
    forged = (
        "INSERT INTO compliance_prunes (station_id, day, first_seq, last_seq, pruned_at, who) "
        "VALUES ('kxyz', '2026-03-02', 4, 9, '2026-03-09 00:00:00', 'mallory')"
    )
    assert "append-only" in _refused(engine, forged)
    assert [e.seq for e in ledger.entries(STATION)] == [4, 5, 6, 7, 8, 9]


def test_prune_takes_out_exactly_the_sealed_day(engine: Engine) -> None:
    clock = Clock(T0)
    ledger = SqlLedger(engine, now=clock)
    for n in range(1, 10):
        clock.now = T0 + timedelta(hours=n)
        ledger.append(_draft(n))
    day1 = _seal(ledger, date(2026, 3, 2), 1, 3, GENESIS_HASH)
    day2 = _seal(ledger, date(2026, 3, 3), 4, 6, day1.last_hash)
    ledger.add_seal(day1)
    ledger.add_seal(day2)
    clock.now = T0 + timedelta(days=30)
    assert ledger.prune(day2, "ops@kxyz") == 3
    assert [e.seq for e in ledger.entries(STATION)] == [1, 2, 3, 7, 8, 9]
    assert chain_break(ledger.entries(STATION, 7), prev_hash=day2.last_hash, first_seq=7) is None
    assert ledger.prune(day2, "ops@kxyz") == 0  # pruned already: nothing more
    assert ledger.prune(day1, "ops@kxyz") == 3
    assert [e.seq for e in ledger.entries(STATION)] == [7, 8, 9]
    prunes = ledger.prunes(STATION)
    assert [(p.day, p.first_seq, p.last_seq, p.who) for p in prunes] == [
        (date(2026, 3, 2), 1, 3, "ops@kxyz"),
        (date(2026, 3, 3), 4, 6, "ops@kxyz"),
    ]
    assert prunes[0].pruned_at == T0 + timedelta(days=30)
    assert ledger.first_entry_at(STATION) == T0 + timedelta(hours=1)  # its rows are gone
    nine = ledger.head(STATION)
    ten = ledger.append(_draft(10))
    assert nine is not None
    assert ten is not None
    assert (nine.seq, ten.seq, ten.prev_hash) == (9, 10, nine.hash)


def test_prune_refuses_a_day_without_its_stored_seal(engine: Engine) -> None:
    ledger = SqlLedger(engine)
    ledger.append_many([_draft(n) for n in range(1, 7)])
    day1 = _seal(ledger, date(2026, 3, 1), 1, 3, GENESIS_HASH)
    with pytest.raises(PruneRefused, match="2026-03-01 of station kxyz has no stored seal"):
        ledger.prune(day1, "ops@kxyz")
    ledger.add_seal(day1)
    with pytest.raises(PruneRefused, match="no stored seal"):
        ledger.prune(replace(day1, last_seq=6), "ops@kxyz")
    assert _count(engine) == 6
    assert ledger.prunes(STATION) == []


def test_after_the_newest_day_is_pruned_the_chain_continues_from_its_seal(
    engine: Engine,
) -> None:
    clock = Clock(T0)
    ledger = SqlLedger(engine, now=clock)
    ledger.append_many([_draft(n) for n in range(1, 4)])
    clock.now = T0 + timedelta(hours=1)
    ledger.append_many([_draft(n) for n in range(4, 7)])
    day1 = _seal(ledger, date(2026, 3, 1), 1, 3, GENESIS_HASH)
    day2 = _seal(ledger, date(2026, 3, 2), 4, 6, day1.last_hash)
    ledger.add_seal(day1)
    ledger.add_seal(day2)
    assert ledger.prune(day2, "ops@kxyz") == 3  # the day holding the newest entry
    assert [e.seq for e in ledger.entries(STATION)] == [1, 2, 3]
    clock.now = T0 - timedelta(days=1)  # and the clock went back meanwhile
    seven = ledger.append(_draft(7))
    assert seven is not None
    assert (seven.seq, seven.prev_hash) == (7, day2.last_hash)
    assert seven.recorded_at == T0 + timedelta(hours=1)
    assert ledger.prune(day1, "ops@kxyz") == 3
    assert [e.seq for e in ledger.entries(STATION)] == [7]
    assert ledger.first_entry_at(STATION) == T0


def test_an_empty_sealed_day_is_pruned_without_deleting(engine: Engine) -> None:
    ledger = SqlLedger(engine)
    entry = ledger.append(_draft(1))
    assert entry is not None
    empty = DaySeal(
        station=STATION, day=date(2026, 3, 5), timezone="America/Chicago", first_seq=None,
        last_seq=None, count=0, prev_hash=entry.hash, first_hash=None, last_hash=entry.hash,
        merkle_root=merkle_root([]), archive_key="ledger/kxyz/2026-03-05.jsonl.gz",
        archive_sha256="cd" * 32, sealed_at=T0 + timedelta(days=4),
    )  # fmt: skip
    ledger.add_seal(empty)
    assert ledger.seals(STATION) == [empty]
    assert ledger.prune(empty, "ops@kxyz") == 0
    assert _count(engine) == 1
    assert ledger.prunes(STATION)[0].first_seq is None


def test_seals_round_trip_and_a_sealed_day_keeps_its_seal(engine: Engine) -> None:
    ledger = SqlLedger(engine)
    ledger.append_many([_draft(n) for n in range(1, 7)])
    day1 = _seal(ledger, date(2026, 3, 1), 1, 3, GENESIS_HASH)
    day2 = _seal(ledger, date(2026, 3, 2), 4, 6, day1.last_hash)
    ledger.add_seal(day2)
    ledger.add_seal(day1)
    ledger.add_seal(day1)  # the same seal again: nothing changes
    ledger.add_seal(replace(day1, sealed_at=T0 + timedelta(days=9)))  # resealed, same contents
    assert ledger.seals(STATION) == [day1, day2]
    assert DaySeal.from_manifest(ledger.seals(STATION)[0].manifest()) == day1
    with pytest.raises(SealConflict, match="2026-03-01 of station kxyz is already sealed"):
        ledger.add_seal(replace(day1, merkle_root="ff" * 32))
    with pytest.raises(SealConflict):
        ledger.add_seal(replace(day1, count=2, last_seq=2))
    assert ledger.seals(STATION) == [day1, day2]
    assert ledger.seals(STATION, date(2026, 3, 2)) == [day2]
    assert ledger.seals(STATION, None, date(2026, 3, 1)) == [day1]
    assert ledger.seals(STATION, date(2026, 3, 3), date(2026, 3, 9)) == []
    assert _count(engine, "compliance_seals") == 2


def test_entries_by_airing_time_and_seqs_by_recording_time(engine: Engine) -> None:
    clock = Clock(T0)
    ledger = SqlLedger(engine, now=clock)
    for n in range(1, 7):
        clock.now = T0 + timedelta(hours=n)
        kind = EntryKind.AD_PLAY if n % 3 == 0 else EntryKind.AIRED
        ledger.append(_draft(n, kind=kind, at=T0 - timedelta(minutes=2 * n)))
    window = ledger.entries_at(STATION, T0 - timedelta(minutes=4, seconds=30), T0)
    assert [e.seq for e in window] == [4, 3, 2, 1]  # by ``at``: later seqs aired earlier
    ads = ledger.entries_at(STATION, T0 - timedelta(hours=1), T0, [EntryKind.AD_PLAY])
    assert [e.seq for e in ads] == [6, 3]
    assert ledger.entries_at(STATION, T0 - timedelta(hours=1), T0, []) == []
    hours = ledger.seq_range(STATION, T0 + timedelta(hours=2), T0 + timedelta(hours=5))
    assert hours == (2, 4)
    assert ledger.seq_range(STATION, T0 + timedelta(days=1), T0 + timedelta(days=2)) is None
    assert ledger.first_entry_at(STATION) == T0 + timedelta(hours=1)
    assert ledger.first_entry_at(OTHER) is None


def test_concurrent_appends_leave_a_gapless_valid_chain(engine: Engine, database_url: str) -> None:
    # Three engines are three processes' pools; two threads on each.
    engines = [engine, create_engine_for(database_url), create_engine_for(database_url)]
    ledgers = [SqlLedger(e) for e in engines for _ in range(2)]
    made: list[LedgerEntry] = []
    failures: list[BaseException] = []

    def burst(worker: int, ledger: SqlLedger) -> None:
        try:
            for n in range(25):
                entry = ledger.append(_draft(worker * 1000 + n))
                assert entry is not None
                made.append(entry)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=burst, args=(w, lg)) for w, lg in enumerate(ledgers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for extra in engines[1:]:
        extra.dispose()
    assert failures == []
    stored = list(SqlLedger(engine).entries(STATION))
    assert [e.seq for e in stored] == list(range(1, 151))
    assert sorted(made, key=lambda e: e.seq) == stored  # what each caller was told is what is kept
    assert chain_break(stored) is None
    assert all(a.recorded_at <= b.recorded_at for a, b in itertools.pairwise(stored))


def test_a_long_ledger_streams_through_in_batches(engine: Engine) -> None:
    ledger = SqlLedger(engine, read_batch=1_000)
    for start in range(0, 25_000, 5_000):
        ledger.append_many([_draft(n) for n in range(start + 1, start + 5_001)])
    tracemalloc.start()
    try:
        assert chain_break(ledger.entries(STATION)) is None
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        held = list(ledger.entries(STATION))
        holding = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [held[0].seq, held[-1].seq, len(held)] == [1, 25_000, 25_000]
    assert streamed < holding / 4, f"streaming peaked at {streamed} bytes, holding at {holding}"


def test_migration_0009_goes_down_and_up_again(database_url: str, engine: Engine) -> None:
    SqlLedger(engine).append(_draft(1))
    downgrade(database_url, "0008")
    assert current_revision(database_url) == "0008"
    assert not LEDGER_TABLES & set(sa.inspect(engine).get_table_names())
    if engine.dialect.name == "postgresql":
        query = "SELECT proname FROM pg_proc WHERE proname LIKE 'compliance%'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    with engine.connect() as conn:
        assert list(conn.execute(sa.text(query))) == []
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert SqlLedger(engine).head(STATION) is None
    SqlLedger(engine).append(_draft(1))
    assert "append-only" in _refused(engine, "UPDATE compliance_ledger SET kind = 'x'")
