"""``onair demo``: on the air from a starter library, whole a few minutes later."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.cli import onair, running_server

pytestmark = pytest.mark.e2e

TRACKS = 22  # three imaging items, 16 starter songs and 3 songs made while on the air


def _first_audio(base: str) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        with httpx.stream("GET", f"{base}/stream.mp3", timeout=10) as response:
            if response.status_code == 200:
                for chunk in response.iter_bytes():
                    return chunk
        assert time.monotonic() < deadline, "no audio on /stream.mp3 within 60 s"
        time.sleep(0.5)


def _scheduled_titles(data: Path) -> set[str]:
    today = time.strftime("%Y-%m-%d")
    exported = onair("schedule", "export", "--from", today, "--days", "2", "--format", "json",
                     "--data-dir", str(data))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    return {(item.get("asset") or {}).get("title") for item in json.loads(exported.stdout)["items"]}


@pytest.mark.timeout(420)
def test_demo_airs_before_its_library_is_whole_and_rebuilds_later_hours(tmp_path: Path) -> None:
    data = tmp_path / "station"
    library = data / "demo-library"
    args = ("demo", "--tracks", str(TRACKS), "--data-dir", str(data))
    with running_server(*args, startup_s=240) as (base, proc):
        audio = _first_audio(base)
        assert audio[:3] == b"ID3" or audio[0] == 0xFF  # MP3: a tag or a frame sync
        truth = json.loads((library / "truth.json").read_text())
        later = [t for t in truth if t["kind"] == "music"][16:]
        assert len(later) == 3
        deadline = time.monotonic() + 300
        while not (library / ".complete").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the rest of the library never came in"
            time.sleep(1)
        # The rebuild comes after the mark; the later songs then rotate in the hours ahead.
        while not ({t["title"] for t in later} & _scheduled_titles(data)):
            assert time.monotonic() < deadline, "no hour was rebuilt with the later songs"
            time.sleep(2)
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "the other 3 items of the demo library are made while the station airs" in err
    listed = onair("library", "list", "--json", "--data-dir", str(data))
    assert len(json.loads(listed.stdout)) == TRACKS
    again = onair("demo", "--no-serve", "--tracks", str(TRACKS), "--data-dir", str(data))
    assert again.returncode == 0, again.stderr
    assert "synthesizing" not in again.stderr
    assert "while the station airs" not in again.stderr
