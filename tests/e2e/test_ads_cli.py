"""``onair ads`` as a traffic manager runs it: book orders, place them, read the log, and hear
the placed spots in a rendered stretch of the air (``onair playout render``)."""

from __future__ import annotations

import json
import shutil
import wave
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.e2e.cli import onair

NOTES = (262, 294, 330, 392, 440, 523, 587, 659)

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))
DAY = "2027-02-01"  # a Monday well ahead


@dataclass(frozen=True)
class Station:
    data: Path
    ids: dict[str, str]  # the ingested assets by title


def _ok(*args: str) -> str:
    result = onair(*args, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Station:
    """The demo station with traffic filling its spot breaks, three spots, a promo and two
    beds ingested, and a day built."""
    root = tmp_path_factory.mktemp("ads")
    data = root / "data"
    _ok("demo", "--no-serve", "--tracks", "0", "--data-dir", str(data))
    audio = root / "audio"
    for folder, name, hz, seconds in [
        # Each its own tune: two steady tones fingerprint as one recording.
        ("spots", "motors_spring", 440, 30.0), ("spots", "cars_15", 523, 15.0),
        ("spots", "bank_60", 587, 60.0), ("promos", "promo_weekend", 659, 30.0),
        ("beds", "bed_long", 698, 90.0), ("beds", "bed_short", 784, 12.0),
    ]:  # fmt: skip
        (audio / folder).mkdir(parents=True, exist_ok=True)
        _tune(audio / folder / f"{name}.wav", hz, seconds)
    ingested = onair("ingest", str(audio), "--no-index", "--data-dir", str(data), timeout=180)
    assert "6 ingested, 0 unchanged, 0 duplicate, 0 rejected" in ingested.stderr
    station_file = root / "station.yaml"
    station_file.write_text(DEMO.read_text() + "\ntraffic:\n  breaks: [spots]\n")
    _ok("station", "apply", str(station_file), "--data-dir", str(data))
    _ok("schedule", "build", "--from", DAY, "--days", "1", "--data-dir", str(data))
    listed = json.loads(_ok("library", "list", "--json", "--data-dir", str(data)))
    ids = {a["title"]: a["id"] for a in listed}
    return Station(data, ids)


def _tune(path: Path, seed: int, seconds: float) -> None:
    """Notes of half a second in an order ``seed`` picks, one WAV of ``seconds``."""
    rng = np.random.default_rng(seed)
    notes = rng.choice(NOTES, size=int(seconds * 2))
    rate = 48_000
    t = np.arange(rate // 2) / rate
    pcm = np.concatenate([0.25 * np.sin(2 * np.pi * f * t) for f in notes])
    stereo = (np.repeat(pcm[:, None], 2, axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(stereo.tobytes())


def _orders(ids: dict[str, str]) -> str:
    return f"""advertisers:
  - {{name: Main Street Motors, conflict: auto}}
  - {{name: Cars R Us, conflict: auto}}
  - {{name: First Prairie Bank}}
orders:
  - id: MSM-2027-01
    advertiser: Main Street Motors
    flight: {{start: 2027-02-01, end: 2027-02-28}}
    length: 30
    spots_per_day: 8
    separation: {{minutes: 30}}
    priority: 2
    copy: [{{asset: {ids["motors_spring"]}, isci: MSMA0030}}]
  - id: CRU-2027-01
    advertiser: Cars R Us
    flight: {{start: 2027-02-01, end: 2027-02-28}}
    length: 15
    spots_per_week: 35
    dayparts: [{{days: mon-fri, hours: "06-19"}}]
    copy: [{{asset: {ids["cars_15"]}, ad_id: CRUS0000001}}]
  - id: FPB-2027-01
    advertiser: First Prairie Bank
    flight: {{start: 2027-02-01, end: 2027-02-28}}
    length: 60
    spots_per_day: 6
    copy: [{{asset: {ids["bank_60"]}, isci: FPBK0060}}]
"""


@pytest.fixture(scope="module")
def placed(station: Station, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The orders booked and the day placed (seed 3); tests only read it."""
    orders = tmp_path_factory.mktemp("orders") / "orders.yaml"
    orders.write_text(_orders(station.ids))
    booked = _ok("ads", "order", "add", str(orders), "--data-dir", str(station.data))
    assert "booked MSM-2027-01: Main Street Motors, :30 x 8 a day" in booked
    data = str(station.data)
    printed = _ok("ads", "place", "--from", DAY, "--seed", "3", "--json", "--data-dir", data)
    summary: dict[str, Any] = json.loads(printed)
    return summary


def _log(station: Station) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        _ok("ads", "log", "--day", DAY, "--json", "--data-dir", str(station.data))
    )
    return found


def test_a_bad_order_file_is_one_line_per_problem_and_books_nothing(
    station: Station, tmp_path: Path
) -> None:
    data = shutil.copytree(station.data, tmp_path / "data")
    bad = tmp_path / "bad.yaml"
    bad.write_text(_orders(station.ids).replace("end: 2027-02-28}\n    length: 30",
                   "end: 2027-01-28}\n    length: 30").replace("length: 15", "length: 45")
                   .replace(station.ids["bank_60"], station.ids["promo_weekend"]))  # fmt: skip
    result = onair("ads", "order", "add", str(bad), "--data-dir", str(data), timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}:6: order MSM-2027-01: the flight ends 2027-01-28, before it starts"
        " 2027-02-01",
        f"{bad}:17: order CRU-2027-01: length 45: sell 15, 30 or 60 s",
    ]
    assert json.loads(_ok("ads", "order", "list", "--json", "--data-dir", str(data))) == []


def test_orders_are_listed_and_shown_as_booked(station: Station, placed: dict[str, Any]) -> None:
    listed = json.loads(_ok("ads", "order", "list", "--json", "--data-dir", str(station.data)))
    assert [o["id"] for o in listed] == ["CRU-2027-01", "FPB-2027-01", "MSM-2027-01"]
    shown = _ok("ads", "order", "show", "MSM-2027-01", "--data-dir", str(station.data))
    assert "conflict: auto, separation 30 min" in shown
    assert f"copy {station.ids['motors_spring']} MSMA0030 weight 1" in shown
    unknown = onair("ads", "order", "show", "NOPE", "--data-dir", str(station.data))
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error: no order 'NOPE' is booked for demo")


def test_the_day_is_placed_with_every_break_full(station: Station, placed: dict[str, Any]) -> None:
    assert placed["breaks"] > 0
    assert placed["spots"] == 8 + 7 + 6  # Cars R Us: 35 a week over five weekdays
    assert placed["bumps"] == 0
    assert placed["fill_error_max_s"] <= 0.5
    log = _log(station)
    for brk in log["breaks"]:
        assert brk["length_s"] == 120.0  # the scheduler left each break planned for traffic
        assert abs(brk["fill_error_s"]) <= 0.5
    motors = [i["offset_s"] for b in log["breaks"] for i in b["items"]
              if i["order_id"] == "MSM-2027-01"]  # fmt: skip
    assert len(motors) == 8
    text = _ok("ads", "log", "--day", DAY, "--data-dir", str(station.data))
    assert "motors_spring" in text
    assert "MSMA0030" in text


def test_placing_again_with_the_seed_gives_the_same_log(
    station: Station, placed: dict[str, Any], tmp_path: Path
) -> None:
    data = shutil.copytree(station.data, tmp_path / "data")
    before = _log(station)
    _ok("ads", "place", "--from", DAY, "--seed", "3", "--data-dir", str(data))
    again = json.loads(_ok("ads", "log", "--day", DAY, "--json", "--data-dir", str(data)))
    assert again["breaks"] == before["breaks"]


def test_the_placed_spots_air_in_the_rendered_break(
    station: Station, placed: dict[str, Any], tmp_path: Path
) -> None:
    log = _log(station)
    first = log["breaks"][0]
    begins = datetime.fromisoformat(first["local"])  # the break, station time
    since = begins.replace(minute=0, second=0)
    until = begins + timedelta(minutes=3)
    out = tmp_path / "air.wav"
    _ok("playout", "render", str(out), "--from", f"{since:%Y-%m-%dT%H:%M}",
        "--to", f"{until:%Y-%m-%dT%H:%M}", "--data-dir", str(station.data))  # fmt: skip
    as_run = json.loads((tmp_path / "air.wav.asrun.json").read_text())
    by_item = {e["schedule_item_id"]: e for e in as_run}
    for item in first["items"]:
        aired = by_item[item["id"]]  # each placed item airs, named by its log id
        assert aired["title"] == item["title"]
        assert aired["substitution_reason"] is None
    spot = next(i for i in first["items"] if i["role"] == "spot")
    assert by_item[spot["id"]]["kind"] == "spot"
