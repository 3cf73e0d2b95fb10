"""The program meters against pyloudnorm's BS.1770 loudness and plain sample peaks."""

from __future__ import annotations

import numpy as np
import pyloudnorm

from onair.domain.playout import SAMPLE_RATE
from onair.playout.program_meter import ProgramMeter


def test_a_reading_every_100_ms_with_bs1770_momentary_loudness() -> None:
    rng = np.random.default_rng(7)
    program = (rng.standard_normal((SAMPLE_RATE * 3, 2)) * [0.05, 0.2]).astype(np.float32)
    meter = ProgramMeter()
    readings = []
    for start in range(0, len(program), 2400):  # the engine's 50 ms blocks
        reading = meter.measure(program[start : start + 2400])
        if reading is not None:
            readings.append(reading)
    assert len(readings) == 30
    last_400_ms = program[-SAMPLE_RATE * 4 // 10 :].astype(np.float64)
    # pyloudnorm starts its filters from rest on the excerpt; the meter has run all along.
    expected = pyloudnorm.Meter(SAMPLE_RATE, block_size=0.4).integrated_loudness(last_400_ms)
    assert abs(readings[-1]["momentary_lufs"] - expected) < 0.3
    last_100_ms = np.abs(program[-SAMPLE_RATE // 10 :]).max(axis=0)
    assert readings[-1]["peak_dbfs"] == [round(20 * np.log10(p), 1) for p in last_100_ms]


def test_silence_reads_as_the_floor_and_odd_blocks_still_make_100_ms_gates() -> None:
    meter = ProgramMeter()
    readings = [meter.measure(np.zeros((1000, 2), np.float32)) for _ in range(10)]
    assert [r is not None for r in readings] == [False, False, False, False, True,
                                                 False, False, False, False, True]  # fmt: skip
    assert readings[4] == {"peak_dbfs": [-120.0, -120.0], "momentary_lufs": -120.0}
