"""The true-peak limiter: inaudible under the ceiling, a hard ceiling over it, no clicks."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy.signal import resample_poly

from onair.audio.limiter import TruePeakLimiter

RATE = 48_000
Audio = npt.NDArray[np.float32]


def true_peak_db(audio: Audio) -> float:
    """The 4x oversampled peak over both channels, in dBTP (ITU-R BS.1770-4 Annex 2)."""
    upsampled = resample_poly(audio.astype(np.float64), 4, 1, axis=0)
    return float(20 * np.log10(np.abs(upsampled).max()))


def programme(seconds: float, seed: int = 1) -> Audio:
    """Music-like stereo: a tone, a bright tone near fs/4 and noise, differing per channel."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * RATE)) / RATE
    left = np.sin(2 * np.pi * 997 * t + 0.3) + 0.3 * rng.standard_normal(len(t))
    right = 0.8 * np.sin(2 * np.pi * 11_025 * t + 0.7) + 0.2 * rng.standard_normal(len(t))
    return np.stack([left, right], axis=1).astype(np.float32)


def at_true_peak(audio: Audio, dbtp: float) -> Audio:
    return (audio * 10 ** ((dbtp - true_peak_db(audio)) / 20)).astype(np.float32)


def run(limiter: TruePeakLimiter, audio: Audio, block: int) -> Audio:
    out = [limiter.process(audio[i : i + block]) for i in range(0, len(audio), block)]
    return np.concatenate(out)


@pytest.mark.parametrize("block", [48_000, 1_024, 77])
def test_overs_of_3_dbtp_come_out_under_the_ceiling(block: int) -> None:
    hot = at_true_peak(programme(3.0), 3.0)
    assert true_peak_db(hot) == pytest.approx(3.0, abs=0.01)
    out = run(TruePeakLimiter(ceiling_dbtp=-1.0), hot, block)
    assert true_peak_db(out) <= -1.0 + 0.1
    # Limited, not muted: the loud passage stays near the ceiling.
    assert true_peak_db(out) > -1.5


def test_a_signal_under_the_ceiling_passes_bit_for_bit_late_by_the_latency() -> None:
    quiet = at_true_peak(programme(2.0), -1.2)
    limiter = TruePeakLimiter(ceiling_dbtp=-1.0)
    out = run(limiter, quiet, 4_800)
    lat = limiter.latency
    assert lat > 0
    assert not out[:lat].any()
    np.testing.assert_array_equal(out[lat:], quiet[:-lat])


def test_gain_moves_smoothly_and_returns_to_exactly_one_after_a_burst() -> None:
    calm = at_true_peak(programme(4.0, seed=2), -6.0)
    burst = calm.copy()
    burst[RATE : 2 * RATE] *= np.float32(10 ** (8 / 20))  # one second 8 dB hotter: +2 dBTP
    limiter = TruePeakLimiter(ceiling_dbtp=-1.0)
    out = run(limiter, burst, 4_800)[limiter.latency :]
    source = burst[: len(out)]
    loud = np.abs(source[:, 0]) > 0.05
    gain = out[loud, 0] / source[loud, 0]
    steps = np.abs(np.diff(gain))
    assert gain.min() < 10 ** (-2 / 20)  # it did limit the burst
    assert steps.max() < 0.01  # no step in the gain a listener would hear as a click
    # Before the burst's look-ahead and once the release is done: untouched.
    np.testing.assert_array_equal(out[: RATE - 200], source[: RATE - 200])
    np.testing.assert_array_equal(out[int(3.8 * RATE) :], source[int(3.8 * RATE) :])
    # The release is gradual: 50 ms after the burst the gain is still well below 1.
    after = 2 * RATE + 2_400
    assert out[after, 0] / source[after, 0] < 0.97


def test_blocks_must_be_stereo() -> None:
    with pytest.raises(ValueError, match="frames, 2"):
        TruePeakLimiter().process(np.zeros(100, np.float32))


def test_any_block_sizes_give_the_same_output() -> None:
    hot = at_true_peak(programme(2.0, seed=3), 3.0)
    whole = TruePeakLimiter().process(hot)
    limiter, sizes, pieces, done = TruePeakLimiter(), [1, 7, 15, 16, 17, 999, 30_000], [], 0
    while done < len(hot):
        n = sizes[len(pieces) % len(sizes)]
        pieces.append(limiter.process(hot[done : done + n]))
        done += n
    # The gain's float rounding depends on where blocks start, at the 1e-15 level.
    np.testing.assert_allclose(np.concatenate(pieces), whole, rtol=0, atol=1e-6)
