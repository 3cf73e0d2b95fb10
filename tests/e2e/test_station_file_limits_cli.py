"""Station files beyond the limits are refused in one line, quickly, and nothing is stored."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import pytest

from tests.e2e.cli import onair

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml")).read_text()
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def _deep() -> str:
    return "a: " + "[" * 5000 + "]" * 5000 + "\n"


def _wide() -> str:
    return "a: [" + ", ".join(["1"] * 10_001) + "]\n"


CASES = {
    "billion laughs": (
        lambda: LAUGHS,
        ":6: the file comes to more than 200,000 values with its aliases repeated:"
        " write it without aliases that repeat each other",
    ),
    "an alias inside itself": (
        lambda: "a: &a [1, *a]\n",
        ":1: the alias *a is inside its own anchor: a value cannot contain itself",
    ),
    "49 MB": (
        lambda: DEMO + "# padding\n" * (49 * 1024 * 1024 // 10),
        ":1: the file is over 1,000,000 bytes, far more than a station needs:"
        " check that this is the station file",
    ),
    "a long name": (
        lambda: DEMO.replace("name: ", "name: " + "N" * 5000 + " ", 1),
        ":4: a value of 5,014 characters: keys and values are at most 1,000",
    ),
    "deep": (
        _deep,
        ":1: lists and mappings nested more than 20 deep: a station file needs far fewer",
    ),
    "wide": (
        _wide,
        ":1: a list or mapping of more than 10,000 entries: a station file holds far fewer",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_station_file_beyond_the_limits_is_refused(case: str, tmp_path: Path) -> None:
    text, problem = CASES[case]
    path = tmp_path / "station.yaml"
    path.write_text(text())
    data = ("--data-dir", str(tmp_path / "d"))
    result = onair("station", "apply", str(path), *data, timeout=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}{problem}",
        f"error: 1 problem in {path}: nothing applied",
    ]
    shown = onair("station", "show", *data)
    assert shown.stderr.splitlines() == [
        "error: station 'demo' has no program yet: run 'onair station apply FILE'"
    ]


def test_an_anchor_used_once_more_still_applies(tmp_path: Path) -> None:
    path = tmp_path / "station.yaml"
    community = next(line for line in DEMO.splitlines() if line.startswith("community:"))
    path.write_text(
        DEMO.replace("name: ", "name: &name ", 1).replace(community, "community: *name")
    )
    result = onair("station", "apply", str(path), "--dry-run", "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr


def test_a_pipe_or_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    pipe = tmp_path / "station.yaml"
    os.mkfifo(pipe)  # opening it to read would wait for a writer for ever
    for path in (pipe, Path("/dev/zero")):
        result = onair("station", "apply", str(path), "--data-dir", str(tmp_path / "d"), timeout=30)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"{path}:1: not a regular file: give the station file's path",
            f"error: 1 problem in {path}: nothing applied",
        ]
