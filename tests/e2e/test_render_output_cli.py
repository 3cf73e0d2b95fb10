"""``onair playout render`` refuses an output it could not write before it renders anything."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from tests.e2e.cli import onair

DEMO = str(files("onair.scheduler") / "demo_station.yaml")
SPAN = ("--from", "2027-02-01T10:00", "--to", "2027-02-01T14:00")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = str(tmp_path_factory.mktemp("render") / "d")
    assert onair("station", "apply", DEMO, "--data-dir", folder).returncode == 0
    return folder


def test_an_existing_folder_is_refused_before_rendering(data: str, tmp_path: Path) -> None:
    output = tmp_path / "air.wav"
    output.mkdir()
    result = onair("playout", "render", str(output), *SPAN, "--data-dir", data, timeout=20)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"error: cannot render to {output}: {output} is a folder"]
    assert [p.name for p in tmp_path.iterdir()] == ["air.wav"]


def test_a_folder_where_the_as_run_log_goes_is_refused(data: str, tmp_path: Path) -> None:
    output = tmp_path / "air.mp3"
    (tmp_path / "air.mp3.asrun.json").mkdir()
    result = onair("playout", "render", str(output), *SPAN, "--data-dir", data, timeout=20)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: cannot render to {output}: {output}.asrun.json is a folder"
    ]
    assert not output.exists()


def test_a_missing_or_unwritable_folder_is_one_line(data: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "air.wav"
    result = onair("playout", "render", str(missing), *SPAN, "--data-dir", data)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: cannot render to {missing}: folder {missing.parent} does not exist"
    ]
    unwritable = Path("/proc/onair-air.wav")  # no one, root included, makes files in /proc
    result = onair("playout", "render", str(unwritable), *SPAN, "--data-dir", data)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: cannot render to {unwritable} (No such file or directory):"
        " choose a folder you can write to"
    ]
