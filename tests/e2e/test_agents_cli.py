"""``onair agents`` as an operator runs it on a small demo station, and playout airing it."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import pytest

from tests.e2e.cli import onair

pytestmark = pytest.mark.timeout(300)

ZONE = ZoneInfo("America/Chicago")  # the demo station's


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo station of eight items with today's and tomorrow's schedule built."""
    data = tmp_path_factory.mktemp("station") / "data"
    made = onair("demo", "--tracks", "8", "--no-serve", "--data-dir", str(data), timeout=240)
    assert made.returncode == 0, made.stderr
    return data


def _next_hour() -> datetime:
    """The next station-local hour with voice links, as the operator types it.

    The demo's overnight clock (up to 07:00 at weekends, 05:00 on weekdays) has
    none, so a run after midnight waits for 07:00 (today and tomorrow are built).
    """
    hour = (datetime.now(ZONE) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    while hour.hour < 7:
        hour += timedelta(hours=1)
    return hour


def _run(station: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return onair("agents", *args, "--data-dir", str(station), timeout=timeout)


def test_run_voices_the_hour_and_playout_airs_it(station: Path, tmp_path: Path) -> None:
    hour = _next_hour()
    label = hour.strftime("%Y-%m-%dT%H")
    made = _run(station, "run", "--hour", label, "--json")
    assert made.returncode == 0, made.stderr
    rows = json.loads(made.stdout)
    links = [r for r in rows if r["kind"] == "voice_link"]
    assert links, rows
    for link in links:
        assert link["status"] == "ready"
        assert link["script"]
        assert 0 < link["duration_s"] <= link["planned_s"]
        if link["post_s"] is not None:  # a talk-up ends at least 0.5 s before the post
            assert link["duration_s"] <= link["post_s"] - 0.5

    listed = _run(station, "list", "--hour", label, "--json")
    assert listed.returncode == 0, listed.stderr
    assert {r["segment_id"] for r in json.loads(listed.stdout)} == {r["segment_id"] for r in rows}
    again = _run(station, "run", "--hour", label)
    assert again.returncode == 0, again.stderr
    assert "made already" in again.stdout

    out = tmp_path / "hour.wav"
    start, end = hour.isoformat(), (hour + timedelta(minutes=30)).isoformat()
    rendered = onair("playout", "render", str(out), "--from", start, "--to", end,
                     "--data-dir", str(station), timeout=240)  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    aired = json.loads((tmp_path / "hour.wav.asrun.json").read_text())
    voiced = {r["segment_id"] for r in links}
    assert voiced & {r["asset_id"] for r in aired}, "no voice link aired"


def test_preview_prints_the_script_and_writes_the_audio(station: Path, tmp_path: Path) -> None:
    listed = onair("library", "list", "--kind", "music", "--json", "--data-dir", str(station))
    songs = [a["id"] for a in json.loads(listed.stdout)]
    out = tmp_path / "link.flac"
    shown = _run(station, "preview", "--kind", "voice_link", "--prev", songs[0],
                 "--next", songs[1], "--out", str(out))  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.strip().splitlines()
    assert lines[0]  # the script
    said = float(
        next(line for line in lines if line.startswith(str(out))).split(": ")[1].split()[0]
    )
    with av.open(str(out)) as audio:
        stream = audio.streams.audio[0]
        assert stream.rate == 48_000
        samples = sum(frame.samples for frame in audio.decode(stream))
    assert samples / 48_000 == pytest.approx(said, abs=0.01)
    assert any(w in shown.stdout for w in ("before the post", "opens cold", "straight link"))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("run", "--hour", "tomorrow"), "is not an hour"),
        (("run", "--hour", "2027-01-01T10:30"), "not the top of an hour"),
        (("preview", "--kind", "voice_link", "--next", "01NOSUCHASSET0000000000000"), "no asset"),
        (("preview", "--kind", "voice_link", "--out", "link.mp3"), "give a .flac file"),
        (("list", "--hour", "2027-13-01T10"), "is not an hour"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(
    station: Path, args: tuple[str, ...], says: str
) -> None:
    done = _run(station, *args)
    assert done.returncode == 1
    assert says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_list_says_when_nothing_is_made(station: Path) -> None:
    past = (datetime.now(UTC) - timedelta(days=30)).astimezone(ZONE)
    done = _run(station, "list", "--hour", past.strftime("%Y-%m-%dT%H"))
    assert done.returncode == 0, done.stderr
    assert "no segments made" in done.stdout
