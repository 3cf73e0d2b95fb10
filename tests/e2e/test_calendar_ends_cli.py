"""Days near the ends of the calendar are one line for every command that reads a time."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from importlib.resources import files
from pathlib import Path

import pytest

from tests.e2e.cli import onair

DEMO = str(files("onair.scheduler") / "demo_station.yaml")
KEPT = "is outside the calendar onair keeps: give a day from 1971-01-01 to 9998-12-31"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = str(tmp_path_factory.mktemp("calendar") / "d")
    applied = onair("station", "apply", DEMO, "--data-dir", folder)
    assert applied.returncode == 0, applied.stderr
    return folder


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("schedule", "build", "--from", "9999-12-31"), f"--from 9999-12-31 {KEPT}"),
        (("schedule", "build", "--from", "0001-01-01"), f"--from 0001-01-01 {KEPT}"),
        (("schedule", "show", "--from", "9999-12-31"), f"--from 9999-12-31 {KEPT}"),
        (("agents", "run", "--hour", "0001-01-01T00"), f"--hour 0001-01-01 {KEPT}"),
        (("agents", "list", "--hour", "9999-12-31T23"), f"--hour 9999-12-31 {KEPT}"),
        (("playout", "asrun", "--from", "9999-12-31T22:00", "--to", "9999-12-31T23:00"),
         f"--from 9999-12-31 {KEPT}"),
        (("audit", "log", "--from", "9999-12-31"), f"--from 9999-12-31 {KEPT}"),
        (("audit", "verify", "--from", "0001-01-01"), f"--from 0001-01-01 {KEPT}"),
        (("report", "asrun", "--day", "0001-01-01"), f"the report's first day 0001-01-01 {KEPT}"),
    ],
)  # fmt: skip
def test_a_day_past_the_calendar_is_one_line(data: str, args: tuple[str, ...], line: str) -> None:
    result = onair(*args, "--data-dir", data)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"error: {line}"]


def test_nothing_is_built_or_rendered_for_the_ends_of_the_calendar(
    data: str, tmp_path: Path
) -> None:
    for day in ("9999-12-31", "0001-01-01"):
        assert onair("schedule", "build", "--from", day, "--data-dir", data).returncode == 1
    output = tmp_path / "air.wav"
    rendered = onair("playout", "render", str(output), "--from", "0001-01-01T00:00",
                     "--to", "0001-01-01T01:00", "--data-dir", data)  # fmt: skip
    assert rendered.stderr.splitlines() == [f"error: --from 0001-01-01 {KEPT}"]
    assert list(tmp_path.iterdir()) == []
    with closing(sqlite3.connect(Path(data) / "onair.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM schedule_hours").fetchone() == (0,)
