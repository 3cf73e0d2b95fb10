"""``onair station`` as a program director runs it: apply, export, show, and bad files."""

from __future__ import annotations

import json
import sqlite3
from importlib.resources import files
from pathlib import Path

import pytest

from tests.e2e.cli import onair

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))


def _body(exported: str) -> str:
    """An export without its first line (which names the version and when it was applied)."""
    first, _, rest = exported.partition("\n")
    assert first.startswith("# Version "), first
    return rest


@pytest.mark.parametrize("command", ["apply", "export", "show"])
def test_every_station_command_has_help(command: str) -> None:
    result = onair("station", command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_apply_export_and_apply_the_export_again(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    applied = onair("station", "apply", str(DEMO), *data)
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.strip() == "station demo: version 1 applied (11 categories, 3 clocks)"

    exported = onair("station", "export", *data)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("# Version 1, applied 20")
    assert f"from {DEMO.resolve()}." in exported.stdout.splitlines()[0]
    copy = tmp_path / "edited.yaml"
    copy.write_text(exported.stdout)

    again = onair("station", "apply", str(copy), *data)
    assert again.returncode == 0, again.stderr
    assert "version 2 applied" in again.stdout
    written = tmp_path / "written.yaml"
    to_file = onair("station", "export", "--output", str(written), *data)
    assert to_file.returncode == 0, to_file.stderr
    assert to_file.stdout == ""
    assert _body(written.read_text()) == _body(exported.stdout)  # the same program

    shown = json.loads(onair("station", "show", "--json", *data).stdout)
    assert (shown["station"], shown["version"], shown["source"]) == ("demo", 2, str(copy))
    assert {c["name"]: c["length"] for c in shown["clocks"]} == {
        "music_hour": "51:38",
        "news_hour": "47:48",
        "overnight": "45:08",
    }
    assert shown["week"][0] == {
        "days": "mon-fri",
        "runs": [
            {"hours": "00-05", "clock": "overnight"},
            {"hours": "05-10", "clock": "news_hour"},
            {"hours": "10-15", "clock": "music_hour"},
            {"hours": "15-19", "clock": "news_hour"},
            {"hours": "19-24", "clock": "music_hour"},
        ],
    }
    table = onair("station", "show", *data)
    assert table.returncode == 0, table.stderr
    assert "music_hour" in table.stdout
    assert "version 2 applied" in table.stdout


def test_a_bad_file_lists_every_problem_by_line_and_changes_nothing(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    assert onair("station", "apply", str(DEMO), *data).returncode == 0
    before = onair("station", "export", *data).stdout

    lines = DEMO.read_text().splitlines()
    timezone = lines.index("timezone: America/Chicago")
    lines[timezone] = "timezone: Mars/Olympus"
    rule = lines.index("  - {rule: artist_separation, minutes: 70}")
    lines[rule] = "  - {rule: artist_separation, minutes: -5}"
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(lines) + "\n")

    result = onair("station", "apply", str(bad), *data)
    assert result.returncode == 1
    assert result.stdout == ""
    problems = result.stderr.strip().splitlines()
    assert problems[0].startswith(f"{bad}:{timezone + 1}: timezone: unknown timezone")
    assert problems[1].startswith(f"{bad}:{rule + 1}: rules.5.minutes:")
    assert problems[2] == f"error: 2 problems in {bad}: nothing applied"
    assert "Traceback" not in result.stderr

    assert onair("station", "export", *data).stdout == before  # version 1 still in force


def test_a_dry_run_checks_the_file_and_stores_nothing(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    checked = onair("station", "apply", str(DEMO), "--dry-run", *data)
    assert checked.returncode == 0, checked.stderr
    assert "station demo:" in checked.stdout
    assert "is valid (11 categories, 3 clocks)" in checked.stdout
    exported = onair("station", "export", *data)
    assert exported.returncode == 1
    assert exported.stdout == ""
    assert exported.stderr.strip() == (
        "error: station 'demo' has no program yet: run 'onair station apply FILE'"
    )


def test_a_missing_file_and_a_station_without_a_program_are_one_line_each(
    tmp_path: Path,
) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    missing = tmp_path / "nowhere.yaml"
    result = onair("station", "apply", str(missing), *data)
    assert result.returncode == 1
    first, tally = result.stderr.strip().splitlines()
    assert first.startswith(f"{missing}:1: cannot read the file")
    assert tally == f"error: 1 problem in {missing}: nothing applied"
    shown = onair("station", "show", "--station", "kxyz", *data)
    assert shown.returncode == 1
    assert shown.stderr.strip().splitlines() == [
        "error: station 'kxyz' has no program yet: run 'onair station apply FILE'"
    ]


def test_the_demo_applies_the_demo_station_file_once(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    env = {"ONAIR_STATION": "kdemo"}
    made = onair("demo", "--no-serve", "--tracks", "0", *data, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    again = onair("demo", "--no-serve", "--tracks", "0", *data, env=env, timeout=120)
    assert again.returncode == 0, again.stderr
    shown = json.loads(onair("station", "show", "--json", *data, env=env).stdout)
    assert (shown["station"], shown["name"], shown["version"]) == ("kdemo", "onair demo FM", 1)
    with sqlite3.connect(tmp_path / "d" / "onair.sqlite3") as db:
        row = db.execute("SELECT name, timezone, call_letters FROM stations WHERE id = 'kdemo'")
        assert row.fetchone() == ("onair demo FM", "America/Chicago", "KONR")


def test_each_apply_is_an_operator_action_in_the_ledger(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    for _ in range(2):
        assert onair("station", "apply", str(DEMO), *data).returncode == 0
    assert onair("station", "apply", str(DEMO), "--dry-run", *data).returncode == 0
    log = onair("audit", "log", "--from", "2020-01-01", "--to", "2099-12-31", "--kind",
                "operator_action", "--json", *data)  # fmt: skip
    assert log.returncode == 0, log.stderr
    applies = [e["body"] for e in json.loads(log.stdout)]
    assert [(a["action"], a["before"], a["after"]["version"]) for a in applies] == [
        ("station.apply", None, 1), ("station.apply", {"version": 1}, 2),
    ]  # fmt: skip
    assert applies[0]["who"].startswith("shell:")
    assert applies[0]["after"]["source"] == str(DEMO.resolve())
