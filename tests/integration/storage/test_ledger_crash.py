"""``kill -9`` in the middle of a burst of ledger appends: whatever was acknowledged is there,
and the chain still holds, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from sqlalchemy.engine import Engine

from onair.domain.ledger import chain_break
from onair.storage.repositories.ledger import SqlLedger
from tests.integration.storage.conftest import STATION

# Appends one entry at a time, as the service does, and prints each seq once append returned.
WRITER = """
import sys
import time
from datetime import UTC, datetime
from onair.domain.ledger import EntryDraft, EntryKind
from onair.storage.db import create_engine_for
from onair.storage.repositories.ledger import SqlLedger

url, station, burst = sys.argv[1:]
ledger = SqlLedger(create_engine_for(url))
for n in range(1_000_000):
    body = {"n": n, "title": "Song " + str(n), "pad": "x" * 1500}
    draft = EntryDraft(station, EntryKind.AIRED, burst + "-" + str(n), datetime.now(UTC), body)
    print(ledger.append(draft).seq, flush=True)
"""


def _burst_killed(url: str, burst: str, acknowledged: int) -> list[int]:
    """Run a writer until ``acknowledged`` appends returned, SIGKILL it; every seq it printed."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, STATION, burst],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout is not None
    assert writer.stderr is not None
    seqs: list[int] = []
    try:
        while len(seqs) < acknowledged:
            line = writer.stdout.readline()
            if not line:
                raise AssertionError(f"the writer died on its own: {writer.stderr.read()[-2000:]}")
            seqs.append(int(line))
        time.sleep(random.uniform(0, 0.005))  # anywhere in an append: before, inside, after
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        seqs += [int(line) for line in writer.stdout.read().split()]  # printed before the kill
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        writer.stdout.close()
        writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL
    return seqs


def test_a_writer_killed_mid_burst_loses_nothing_it_acknowledged(
    engine: Engine, database_url: str
) -> None:
    first = _burst_killed(database_url, "first", 300)
    second = _burst_killed(database_url, "second", 200)  # appends after the crash, killed too
    assert second[0] > first[-1]
    stored = list(SqlLedger(engine).entries(STATION))
    assert chain_break(stored) is None
    kept = {entry.seq for entry in stored}
    assert set(first + second) <= kept
    assert len(kept) - len(first) - len(second) <= 2  # at most one unacknowledged per burst
    sources = {entry.source_id.split("-")[0] for entry in stored}
    assert sources == {"first", "second"}
