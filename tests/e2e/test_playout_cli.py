"""``onair playout`` and the playout role as an operator runs them, on a small demo station."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest

from tests.e2e.cli import closed_port, onair, running_server
from tests.fixtures.icecast import IcecastServer

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo station of eight items with today's schedule built (no serving)."""
    data = tmp_path_factory.mktemp("station") / "data"
    made = onair("demo", "--tracks", "8", "--no-serve", "--data-dir", str(data), timeout=240)
    assert made.returncode == 0, made.stderr
    return data


def _next_minute() -> datetime:
    return (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)


def _decoded_seconds(path: Path) -> float:
    ffprobe = shutil.which("ffprobe")
    assert ffprobe is not None
    probe = [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"]
    out = subprocess.run([*probe, str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def test_render_writes_the_audio_and_its_as_run(station: Path, tmp_path: Path) -> None:
    start = _next_minute()
    out = tmp_path / "two-minutes.mp3"
    args = ("--from", start.isoformat(), "--to", (start + timedelta(minutes=2)).isoformat())
    done = onair("playout", "render", str(out), *args, "--data-dir", str(station), timeout=120)
    assert done.returncode == 0, done.stderr
    assert _decoded_seconds(out) == pytest.approx(120.0, abs=0.1)
    rows = json.loads((tmp_path / "two-minutes.mp3.asrun.json").read_text())
    assert rows
    assert set(rows[0]) >= {"schedule_item_id", "asset_id", "kind", "title", "artist",
                            "scheduled_start", "actual_start", "duration_s", "ended_by",
                            "substitution_reason"}  # fmt: skip
    again = tmp_path / "again.mp3"
    onair("playout", "render", str(again), *args, "--data-dir", str(station), timeout=120)
    assert again.read_bytes() == out.read_bytes()  # the same inputs, the same bytes


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--from", "2027-01-01T10:00", "--to", "2027-01-01T09:00"), "is not after --from"),
        (("--from", "tomorrow", "--to", "2027-01-01T09:00"), "is not a date-time"),
        (("--from", "2027-01-01T10:00", "--to", "2027-01-03T10:00"), "at most 24 hours"),
        (("--from", "2027-01-01T10:00", "--to", "2027-01-01T17:00"), "at most 6 h 12 min"),
    ],
)
def test_render_refuses_bad_times_in_one_line(
    station: Path, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    out = tmp_path / "x.wav"
    done = onair("playout", "render", str(out), *args, "--data-dir", str(station))
    assert done.returncode == 1
    assert says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_render_refuses_an_unknown_format(station: Path, tmp_path: Path) -> None:
    args = ("--from", "2027-01-01T10:00", "--to", "2027-01-01T10:01")
    done = onair("playout", "render", str(tmp_path / "x.ogg"), *args, "--data-dir", str(station))
    assert done.returncode == 1
    assert "use a .wav or .mp3 file" in done.stderr


def _operator_token(station: Path, name: str) -> str:
    """A new operator token named ``name``, as ``onair token create`` prints it."""
    made = onair("token", "create", "--name", name, "--role", "operator", "--data-dir",
                 str(station))  # fmt: skip
    assert made.returncode == 0, made.stderr
    return made.stdout.splitlines()[-1]


def _skip_once_on_air(base: str, *credential: str) -> subprocess.CompletedProcess[str]:
    """``onair playout skip`` once the station has something on air (a loaded machine takes
    a few seconds to prepare the first item); a skip before that has nothing to do."""
    deadline = time.monotonic() + 30
    while True:
        skipped = onair("playout", "skip", "--url", base, *credential)
        if "skip: done" in skipped.stdout or time.monotonic() > deadline:
            return skipped
        time.sleep(0.5)


def test_triggers_reach_the_running_station_and_land_in_the_as_run(station: Path) -> None:
    with running_server("serve", "--role", "playout", "--data-dir", str(station)) as (base, _):
        # On the station's own machine, the token 'onair serve' left in the data dir.
        skipped = _skip_once_on_air(base, "--data-dir", str(station))
        assert skipped.returncode == 0, skipped.stderr
        assert "skip: done (by token:local-operator)" in skipped.stdout
        anonymous = httpx.post(f"{base}/api/v1/playout/skip", json={})
        assert anonymous.status_code == 401
        unknown = onair("playout", "insert", "no-such-asset", "--url", base, "--data-dir",
                        str(station))  # fmt: skip
        assert unknown.returncode == 1
        assert unknown.stderr.strip() == (
            "error: insert_next refused (422): asset 'no-such-asset' is not in the station's"
            " library"
        )
        elsewhere = onair("playout", "hold", "--url", base)  # no token for this data dir
        assert elsewhere.returncode == 1
        assert "pass --token or ONAIR_TOKEN" in elsewhere.stderr
        time.sleep(3)
    today = datetime.now(UTC)
    window = ("--from", (today - timedelta(hours=1)).isoformat(),
              "--to", (today + timedelta(minutes=1)).isoformat())  # fmt: skip
    listed = onair("playout", "asrun", *window, "--json", "--data-dir", str(station))
    rows = json.loads(listed.stdout)
    assert any(r["ended_by"] == "skip" for r in rows)


def test_the_compliance_role_ledgers_what_aired_and_who_skipped_it(station: Path) -> None:
    roles = ("--role", "playout", "--role", "compliance")
    token = _operator_token(station, "lee")
    with running_server("serve", *roles, "--data-dir", str(station)) as (base, _):
        skipped = _skip_once_on_air(base, "--token", token)
        assert "skip: done (by token:lee)" in skipped.stdout, skipped.stderr
        time.sleep(3)
    today = datetime.now(ZoneInfo("America/Chicago")).date().isoformat()
    listed = onair("audit", "log", "--from", today, "--json", "--data-dir", str(station))
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    # The last of lee's skips: the one that found a song on air.
    lees = [e for e in entries
            if e["kind"] == "operator_action" and e["body"]["who"] == "token:lee"]  # fmt: skip
    action = lees[-1]
    assert action["body"]["action"] == "playout.skip"
    assert action["body"]["after"]["on_air"]["ending"] == "skip"
    aired = [e for e in entries if e["kind"] == "aired" and e["body"]["ended_by"] == "skip"]
    assert aired
    assert aired[-1]["body"]["play_id"] == action["body"]["before"]["on_air"]["play_id"]
    assert "listeners" in aired[-1]["body"]
    verified = onair("audit", "verify", "--data-dir", str(station))
    assert verified.returncode == 0, verified.stderr


def test_the_liquidsoap_engine_streams_the_schedule_to_icecast(
    station: Path, icecast: IcecastServer
) -> None:
    env = {
        "ONAIR_PLAYOUT_ENGINE": "liquidsoap",
        "ONAIR_ICECAST_URL": icecast.mount_url("/e2e.mp3"),
        "ONAIR_ICECAST_PASSWORD": icecast.source_password,
    }
    with running_server("serve", "--role", "playout", "--data-dir", str(station), env=env):
        deadline = time.monotonic() + 30
        while "/e2e.mp3" not in icecast.sources():
            assert time.monotonic() < deadline, "liquidsoap never connected to icecast"
            time.sleep(0.5)
        ffmpeg = shutil.which("ffmpeg")
        assert ffmpeg is not None
        heard = subprocess.run([ffmpeg, "-loglevel", "error", "-i", icecast.mount_url("/e2e.mp3"),
                                "-t", "6", "-f", "f32le", "-ac", "1", "-"],
                               capture_output=True, timeout=60, check=True).stdout  # fmt: skip
    pcm = np.frombuffer(heard, np.float32)
    assert len(pcm) > 5 * 44_100
    assert float(np.sqrt(np.mean(pcm**2))) > 0.01  # programme, not silence


def test_the_liquidsoap_engine_needs_an_icecast_mount(station: Path) -> None:
    env = {"ONAIR_PLAYOUT_ENGINE": "liquidsoap"}
    port = str(closed_port())
    done = onair("serve", "--role", "playout", "--data-dir", str(station), "--port", port, env=env)
    assert done.returncode == 1
    assert "set ONAIR_ICECAST_URL" in done.stderr
    assert "Traceback" not in done.stderr
