"""``onair audit`` and ``onair report`` as an operator runs them, on a demo station's data dir.

Yesterday's air is written into playout's own as-run table (as the engine does
while it airs); ``onair audit seal`` records it in the ledger and seals the day.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from onair.domain.playout import AsRunEntry, EndedBy
from onair.domain.programming import ItemKind
from onair.storage.db import create_engine_for
from onair.storage.repositories.as_run import SqlAsRun
from tests.e2e.cli import onair

pytestmark = pytest.mark.timeout(300)

ZONE = ZoneInfo("America/Chicago")  # the demo station's


@pytest.fixture(scope="module")
def yesterday() -> str:
    return (datetime.now(ZONE).date() - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory, yesterday: str) -> Path:
    """A demo station without a library, and eight songs that aired yesterday at noon."""
    data = tmp_path_factory.mktemp("station") / "data"
    made = onair("demo", "--tracks", "0", "--no-serve", "--data-dir", str(data), timeout=240)
    assert made.returncode == 0, made.stderr
    noon = datetime.combine(datetime.fromisoformat(yesterday).date(), time(12), ZONE)
    engine = create_engine_for(f"sqlite:///{data / 'onair.sqlite3'}")
    as_run = SqlAsRun(engine)
    for n in range(8):
        start = (noon + timedelta(minutes=4 * n)).astimezone(UTC)
        as_run.record(AsRunEntry(f"play{n:022d}", "demo", None, ItemKind.MUSIC, "power",
                                 f"Song {n}", f"Band {n % 3}", start, 238.0, EndedBy.CROSSFADE,
                                 scheduled_start=start, listeners=n + 1))  # fmt: skip
    engine.dispose()
    return data


def _run(station: Path, *args: str) -> tuple[int, str, str]:
    done = onair(*args, "--data-dir", str(station))
    return done.returncode, done.stdout, done.stderr


def test_seal_verify_and_report_a_day(station: Path, yesterday: str, tmp_path: Path) -> None:
    code, out, err = _run(station, "audit", "seal")
    assert code == 0, err
    assert "8 entries recorded from playout's own tables" in out
    assert "ledger_caught_up" in err  # a JSON log line, never in what stdout carries
    # Recorded today, they belong to today's seal: yesterday holds nothing of the ledger's.
    assert "no finished day left to seal" in out
    code, out, err = _run(station, "audit", "verify")
    assert code == 0, err
    assert "9 entries and 0 sealed days verified" in out  # and the station file applied

    code, out, err = _run(station, "report", "asrun", "--day", yesterday, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert [r["listeners"] for r in report["rows"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert report["warnings"] == []

    csv_file = tmp_path / "licensing.csv"
    code, _, err = _run(station, "report", "licensing", "--from", yesterday, "-o", str(csv_file))
    assert code == 0, err
    assert csv_file.read_text().count("Song ") == 8

    code, out, err = _run(station, "audit", "log", "--from", yesterday, "--json")
    assert code == 0, err
    assert len(json.loads(out)) == 8

    code, out, err = _run(station, "audit", "export", "--day", yesterday, str(tmp_path / "x"))
    assert code == 1
    assert f"demo {yesterday} is not sealed" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("report", "soundexchange", "--month", "2026-13"), "is not a month"),
        (("report", "soundexchange", "--month", "2099-01"), "has not begun"),
        (("report", "asrun", "--day", "yesterday"), "yesterday"),
        (("audit", "verify", "--from", "2026-02-30"), "is not a day"),
        (("audit", "verify", "--from", "2026-03-02", "--to", "2026-03-01"), "is before --from"),
        (("audit", "prune", "--before", "2026-01-01"), "add --yes"),
    ],
)
def test_bad_input_is_one_line(station: Path, args: tuple[str, ...], says: str) -> None:
    code, _, err = _run(station, *args)
    assert code != 0
    assert says in err
    assert len(err.strip().splitlines()) == 1


def test_a_changed_row_fails_verify_and_refuses_reports(
    station: Path, yesterday: str, tmp_path: Path
) -> None:
    code, _, err = _run(station, "audit", "seal")
    assert code == 0, err
    database = sqlite3.connect(station / "onair.sqlite3")
    with database:
        refused = False
        try:
            database.execute("UPDATE compliance_ledger SET body = '{}' WHERE seq = 1")
        except sqlite3.DatabaseError as exc:
            refused = "append-only" in str(exc)
        assert refused
        names = [r[0] for r in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'compliance_ledger'")]  # fmt: skip
        for name in names:
            database.execute(f'DROP TRIGGER "{name}"')
        (seq,) = database.execute(
            "SELECT seq FROM compliance_ledger WHERE body LIKE '%\"Song 1\"%'"
        ).fetchone()
        database.execute("UPDATE compliance_ledger SET body = replace(body, 'Song 1', 'Song X')"
                         " WHERE seq = ?", (seq,))  # fmt: skip
    database.close()

    code, _, err = _run(station, "audit", "verify")
    assert code == 1
    assert f"entry {seq}: its contents do not match its hash" in err
    code, _, err = _run(station, "report", "asrun", "--day", yesterday)
    assert code == 1
    assert "does not verify" in err
    assert "--allow-unverified" in err
    code, out, _ = _run(station, "report", "asrun", "--day", yesterday, "--allow-unverified")
    assert code == 0
    assert out.startswith("# WARNING: built on a ledger that does not verify")
