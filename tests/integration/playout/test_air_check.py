"""The air check's figures, on output whose faults are known, and on a real render's as-run."""

from __future__ import annotations

import json
import math
import wave
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from onair.cli.playout import _row
from onair.domain.playout import SAMPLE_RATE, AsRunEntry, EndedBy
from onair.domain.programming import ItemKind
from onair.domain.schedule import ScheduledItem
from tests.fixtures.air_check import as_run_from_json, check_air
from tests.fixtures.air_meter import AirMeter, meter_wav

from .world import T0, World

MUSIC, ID = ItemKind.MUSIC, ItemKind.ID


def _tone(seconds: float, freq: float, lufs: float) -> np.ndarray:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    x = np.stack([np.sin(2 * np.pi * freq * t)] * 2, axis=1)
    level = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(x)
    return (x * 10 ** ((lufs - level) / 20)).astype(np.float32)


def _aired(n: int, start_s: float, seconds: float, **extra: object) -> AsRunEntry:
    fields: dict[str, object] = {"play_id": f"p{n}", "station": "test", "asset_id": f"a{n}",
                    "kind": MUSIC, "category": "music", "title": f"Song {n}", "artist": None,
                    "actual_start": T0 + timedelta(seconds=start_s), "duration_s": seconds,
                    "ended_by": EndedBy.CROSSFADE} | extra  # fmt: skip
    return AsRunEntry(**fields)  # type: ignore[arg-type]


def _scheduled(n: int, start_s: float, *, hard: bool = False) -> ScheduledItem:
    return ScheduledItem(
        id=f"s{n}", hour=T0, position=n, start=T0 + timedelta(seconds=start_s),
        duration_ms=10_000, overlap_next_ms=0, kind=ID if hard else MUSIC, category="music",
        hard=hard, nominal_start=T0 + timedelta(seconds=start_s) if hard else None,
    )  # fmt: skip


Known = tuple[np.ndarray, list[AsRunEntry], list[ScheduledItem]]


@pytest.fixture
def known() -> Known:
    """A minute of air: a song on target, 2.3 s of dead air, a song 3 dB quiet, an ID late.

    Song 1 (0-20 s, -16 LUFS) was faded 6 s before its segue point; 2.3 s of
    silence; song 2 (22.3-40.3 s, -19 LUFS) started 2.3 s after its scheduled
    20.0 s; the hard ID (40.3-50 s) missed its 40.0 s post by 0.3 s.
    """
    pcm = np.concatenate([
        _tone(20.0, 440, -16.0), np.zeros((round(2.3 * SAMPLE_RATE), 2), np.float32),
        _tone(18.0, 660, -19.0), _tone(9.7, 880, -16.0),
        np.zeros((round(10.0 * SAMPLE_RATE), 2), np.float32),
    ])  # fmt: skip
    pcm[round(5.0 * SAMPLE_RATE)] = 0.99  # one full-scale click: the true peak
    as_run = [
        _aired(1, 0.0, 20.0, ended_by=EndedBy.FADE_EARLY, schedule_item_id="s1",
               scheduled_start=T0),
        _aired(2, 22.3, 18.0, schedule_item_id="s2", scheduled_start=T0 + timedelta(seconds=20)),
        _aired(3, 40.3, 9.7, kind=ID, schedule_item_id="s3",
               scheduled_start=T0 + timedelta(seconds=40)),
    ]  # fmt: skip
    schedule = [_scheduled(1, 0.0), _scheduled(2, 20.0), _scheduled(3, 40.0, hard=True)]
    return pcm, as_run, schedule


def test_the_air_check_reads_each_known_fault(known: Known) -> None:
    pcm, as_run, schedule = known
    meter = AirMeter()
    for start in range(0, len(pcm), 7919):  # blocks that cut windows anywhere
        meter.write(pcm[start : start + 7919])
    meter.close()

    figures = check_air(meter, as_run, schedule, {"a1": 26.0, "a2": 16.0}, T0, target_lufs=-16.0)

    assert figures.hours == pytest.approx(60.0 / 3600, abs=1e-3)
    assert figures.longest_silence_s == pytest.approx(10.0, abs=0.11)  # the end of the minute
    assert figures.max_drift_s == pytest.approx(2.3)
    assert figures.posts == 1
    assert figures.post_error_max_s == pytest.approx(0.3)
    assert figures.post_drift_max_s == pytest.approx(0.3)
    # Song 1 ended at 20 s of a 26 s segue; song 2 sounded past its 16 s segue.
    assert figures.worst_early_fade_s == pytest.approx(6.0)
    assert (figures.items_measured, figures.loudness_within_1lu_share) == (3, pytest.approx(2 / 3))
    low, high = figures.loudness_range_lufs or (0, 0)
    assert low == pytest.approx(-19.0, abs=0.1)
    assert high == pytest.approx(-16.0, abs=0.1)
    _, kind, title, lufs = figures.loudness_furthest[0]
    assert (kind, title, lufs) == ("music", "Song 2", pytest.approx(-19.0, abs=0.1))
    oversampled = float(np.max(np.abs(resample_poly(pcm, 4, 1, axis=0))))
    assert figures.true_peak_max_dbtp == pytest.approx(20 * math.log10(oversampled), abs=0.01)
    assert figures.misses(early_fade_s=2.0) == [
        "longest_silence_s", "worst_early_fade_s", "loudness_within_1lu_share",
        "true_peak_max_dbtp",
    ]  # fmt: skip


def test_a_missed_post_counts_and_silence_is_found_inside_the_output(known: Known) -> None:
    pcm, as_run, schedule = known
    meter = AirMeter()
    meter.write(pcm[: round(45 * SAMPLE_RATE)])  # the last 15 s not rendered
    meter.close()

    figures = check_air(meter, as_run[:2], schedule, {}, T0)

    assert figures.longest_silence_s == pytest.approx(2.3, abs=0.11)
    assert figures.longest_silence_at == (T0 + timedelta(seconds=20.0)).isoformat()
    assert (figures.posts, figures.posts_missed) == (1, 1)
    assert "posts_missed" in figures.misses(early_fade_s=2.0)


def test_a_rendered_wav_and_its_as_run_log_read_back_as_the_render_made_them(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    world.asset("a", 440, 20, tail_s=3)
    world.asset("b", 660, 20, tail_s=3)
    world.plan(("a", MUSIC), ("b", MUSIC))
    pcm, report = world.render(40)
    wav = tmp_path / "out.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(pcm, -1, 1) * 32767).astype("<i2").tobytes())
    log = tmp_path / "out.wav.asrun.json"
    log.write_text(json.dumps([_row(e) for e in report.as_run]))

    as_run = as_run_from_json(log)
    figures = check_air(meter_wav(wav), as_run, world.items, {"a": 17.0, "b": 17.0}, T0,
                        target_lufs=-12.7)  # fmt: skip

    assert [(e.asset_id, e.actual_start, e.duration_s, e.ended_by) for e in as_run] == [
        (e.asset_id, e.actual_start, e.duration_s, e.ended_by) for e in report.as_run
    ]
    assert figures.hours == pytest.approx(40 / 3600, abs=1e-3)
    assert figures.max_drift_s < 0.01
    assert figures.worst_early_fade_s == 0.0
    # Each tone is a 0.25 sine in both channels: -12.7 LUFS, as the render aired it.
    assert figures.loudness_within_1lu_share == 1.0
