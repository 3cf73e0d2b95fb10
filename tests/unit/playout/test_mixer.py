"""The mixer: each airing lands on its sample, fades keep the power, ducks and cuts act as said."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from onair.playout.curves import equal_power_in, equal_power_out
from onair.playout.mixer import Mixer

RATE = 48_000
Audio = npt.NDArray[np.float32]


def noise(frames: int, level: float = 0.05, seed: int = 0) -> Audio:
    """Uncorrelated stereo noise of RMS ``level``: well under the limiter's ceiling."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((frames, 2)) * level).astype(np.float32)


def tone(frames: int, amplitude: float = 0.25, hz: float = 1_000) -> Audio:
    wave = amplitude * np.sin(2 * np.pi * hz * np.arange(frames) / RATE)
    return np.stack([wave, wave], axis=1).astype(np.float32)


def power_db(audio: Audio) -> float:
    return float(10 * np.log10(np.mean(audio.astype(np.float64) ** 2)))


def test_a_crossfade_keeps_the_power_and_hands_over_cleanly() -> None:
    overlap, length = RATE, 4 * RATE
    a, b = noise(length, seed=1), noise(length, seed=2)
    mixer = Mixer()
    mixer.place("a", a, 0)
    b_start = length - overlap
    mixer.place("b", b, b_start, fade_in=overlap)
    mixer.fade_out("a", b_start, overlap)
    out = mixer.render(b_start + length)
    np.testing.assert_array_equal(out[:b_start], a[:b_start])
    np.testing.assert_array_equal(out[length:], b[overlap:])
    reference = power_db(a[:b_start])
    window = RATE // 10
    for i in range(b_start, length, window):
        assert power_db(out[i : i + window]) == pytest.approx(reference, abs=1.0)


def test_equal_power_curves_sum_to_unit_power() -> None:
    fade_in, fade_out = equal_power_in(1_000), equal_power_out(1_000)
    assert fade_in[0] == 0
    assert fade_out[0] == 1
    np.testing.assert_allclose(fade_in**2 + fade_out**2, 1.0, atol=1e-6)


def test_a_click_sounds_at_exactly_its_sample_with_the_limiter_on() -> None:
    mixer = Mixer()
    assert mixer.latency > 0
    click = np.zeros((1, 2), np.float32)
    click[0] = 0.5
    mixer.place("click", click, 12_345)
    out = np.concatenate([mixer.render(0), mixer.render(20_000), mixer.render(0)])
    assert np.flatnonzero(out[:, 0]).tolist() == [12_345]
    assert out[12_345, 0] == np.float32(0.5)


def test_a_station_that_starts_late_counts_from_its_start() -> None:
    mixer = Mixer(start=1_000_000)
    audio = noise(5_000)
    mixer.place("x", audio, 1_000_100)
    out = mixer.render(10_000)
    assert not out[:100].any()
    np.testing.assert_array_equal(out[100:5_100], audio)
    assert mixer.position == 1_010_000


def build_hour_of_changes(limit: bool, level: float) -> Mixer:
    mixer = Mixer(limit=limit)
    mixer.place("song", noise(6 * RATE, level, seed=3), 0, fade_in=RATE // 2)
    mixer.place("next", noise(6 * RATE, level, seed=4), 5 * RATE, fade_in=RATE)
    mixer.fade_out("song", 5 * RATE, RATE)
    mixer.duck("next", 7 * RATE, 9 * RATE, 9.0, 4_800)
    mixer.place("voice", tone(3 * RATE, 0.3), int(6.5 * RATE), gain_db=-3.0)
    return mixer


@pytest.mark.parametrize(
    ("limit", "level", "tolerance"), [(False, 0.05, 0.0), (True, 0.05, 0.0), (True, 0.6, 1e-6)]
)
def test_rendering_in_blocks_gives_the_same_samples_as_one_render(
    limit: bool, level: float, tolerance: float
) -> None:
    whole = build_hour_of_changes(limit, level).render(12 * RATE)
    mixer = build_hour_of_changes(limit, level)
    sizes = [1, 7, 1_000, 48_000, 333, 100_000, 4_096]
    pieces, done = [], 0
    while done < len(whole):
        n = min(sizes[len(pieces) % len(sizes)], len(whole) - done)
        pieces.append(mixer.render(n))
        done += n
    blocks = np.concatenate(pieces)
    # Under the ceiling the samples are identical; while limiting, the gain's float
    # rounding depends on block edges at the 1e-15 level, far under any audible change.
    np.testing.assert_allclose(blocks, whole, rtol=0, atol=tolerance)


def test_a_duck_lowers_by_its_depth_and_leaves_the_rest_at_full_level() -> None:
    ramp = 4_800
    audio = tone(4 * RATE)
    mixer = Mixer()
    mixer.place("bed", audio, 0)
    mixer.duck("bed", RATE, 3 * RATE, 12.0, ramp)
    out = mixer.render(4 * RATE)
    middle = slice(RATE + ramp + 2_400, 3 * RATE - ramp - 2_400)
    drop = power_db(audio[middle]) - power_db(out[middle])
    assert drop == pytest.approx(12.0, abs=0.5)
    np.testing.assert_array_equal(out[:RATE], audio[:RATE])
    np.testing.assert_array_equal(out[3 * RATE :], audio[3 * RATE :])
    # The ramp is a glide, not a step: half way down at its middle, in dB.
    half = RATE + ramp // 2
    level = power_db(out[half - 240 : half + 240]) - power_db(audio[half - 240 : half + 240])
    assert level == pytest.approx(-6.0, abs=1.0)


def test_a_cut_is_silence_from_its_sample_on() -> None:
    audio = tone(3 * RATE)
    mixer = Mixer()
    mixer.place("song", audio, 0)
    out = mixer.render(RATE)
    mixer.cut("song", RATE + 5_000)
    assert mixer.ends_at("song") == RATE + 5_000
    out = np.concatenate([out, mixer.render(2 * RATE)])
    np.testing.assert_array_equal(out[: RATE + 5_000], audio[: RATE + 5_000])
    assert not out[RATE + 5_000 :].any()
    assert mixer.active() == []
    assert not mixer.placed("song")
    assert mixer.ends_at("song") == RATE + 5_000


def test_an_early_fade_out_ends_the_airing_early() -> None:
    audio = noise(10 * RATE)
    mixer = Mixer()
    mixer.place("song", audio, 0)
    mixer.place("later", noise(RATE, seed=9), 20 * RATE)
    mixer.fade_out("song", 2 * RATE, RATE)
    assert mixer.ends_at("song") == 3 * RATE
    out = mixer.render(3 * RATE - 1)
    assert mixer.active() == ["song", "later"]
    assert out[2 * RATE - 1].tolist() == audio[2 * RATE - 1].tolist()
    assert np.abs(out[2 * RATE + RATE // 2]).max() < np.abs(audio).max()
    out = mixer.render(RATE)
    assert mixer.active() == ["later"]
    assert not out[1:].any()
    # A later, longer fade cannot make it play on.
    with pytest.raises(KeyError):
        mixer.fade_out("song", mixer.horizon, 5 * RATE)


def test_a_second_fade_out_makes_it_end_sooner_never_later() -> None:
    mixer = Mixer()
    mixer.place("song", noise(10 * RATE), 0)
    mixer.fade_out("song", 2 * RATE, 2 * RATE)
    mixer.fade_out("song", 3 * RATE, 3 * RATE)
    assert mixer.ends_at("song") == 4 * RATE
    mixer.fade_out("song", 3 * RATE, RATE // 2)
    assert mixer.ends_at("song") == 3 * RATE + RATE // 2
    out = mixer.render(5 * RATE)
    assert out[3 * RATE + RATE // 2 - 100].any()
    assert not out[3 * RATE + RATE // 2 :].any()


def test_a_resumed_airing_plays_its_remainder_aligned() -> None:
    audio = noise(5 * RATE)
    mixer = Mixer(start=10 * RATE)
    mixer.render(RATE)  # a second of silence before the engine resumes the song
    lat = mixer.horizon - mixer.position
    start = mixer.horizon - 2 * RATE  # it had been on air for two seconds at the horizon
    mixer.place("song", audio, start)
    out = mixer.render(4 * RATE)
    # Station sample position + i plays audio[position + i - start]; what fell before
    # the horizon (already summed into the limiter) is simply not heard.
    assert not out[:lat].any()
    np.testing.assert_array_equal(out[lat : 3 * RATE + lat], audio[2 * RATE :])
    assert not out[3 * RATE + lat :].any()
    assert mixer.ends_at("song") == start + 5 * RATE


def test_gain_db_scales_the_amplitude() -> None:
    audio = tone(RATE)
    mixer = Mixer()
    mixer.place("half", audio, 0, gain_db=-20 * np.log10(2))
    out = mixer.render(RATE)
    np.testing.assert_allclose(out, audio / 2, atol=1e-6)
    mixer = Mixer()
    mixer.place("six", audio, 0, gain_db=-6.0)
    assert np.abs(mixer.render(RATE)).max() == pytest.approx(0.25 * 0.501, rel=1e-3)


def test_changes_before_the_horizon_are_refused() -> None:
    mixer = Mixer()
    mixer.place("song", noise(10 * RATE), 0)
    mixer.render(RATE)
    assert mixer.horizon == mixer.position + mixer.latency
    late = mixer.horizon - 1
    with pytest.raises(ValueError, match="too late"):
        mixer.fade_out("song", late, RATE)
    with pytest.raises(ValueError, match="too late"):
        mixer.cut("song", late)
    with pytest.raises(ValueError, match="too late"):
        mixer.duck("song", late, late + RATE, 6.0, 100)
    mixer.cut("song", mixer.horizon)  # the first sample still to be summed can change
    assert mixer.ends_at("song") == mixer.horizon


def test_an_airing_cut_before_it_starts_can_be_placed_again_later() -> None:
    first, second = noise(RATE, seed=5), noise(RATE, seed=6)
    mixer = Mixer()
    mixer.place("song", first, 2 * RATE)
    mixer.render(RATE)
    mixer.cut("song", mixer.horizon)  # taken back off before it aired
    assert not mixer.placed("song")
    mixer.place("song", second, 3 * RATE)
    out = mixer.render(4 * RATE)
    assert not out[: 2 * RATE].any()
    np.testing.assert_array_equal(out[2 * RATE : 3 * RATE], second)


def test_a_key_airs_once_at_a_time() -> None:
    mixer = Mixer()
    mixer.place("song", noise(RATE), 0)
    with pytest.raises(ValueError, match="already placed"):
        mixer.place("song", noise(RATE), RATE)
    with pytest.raises(KeyError):
        mixer.cut("other", 100)
    with pytest.raises(ValueError, match="frames, 2"):
        mixer.place("mono", np.zeros(RATE, np.float32), 0)


def test_the_master_is_limited() -> None:
    mixer = Mixer(ceiling_dbtp=-1.0)
    loud = tone(RATE, amplitude=1.5, hz=440)
    mixer.place("a", loud, 0)
    out = mixer.render(2 * RATE)
    assert np.abs(out).max() <= 10 ** (-1 / 20)
    unlimited = Mixer(limit=False)
    unlimited.place("a", loud, 0)
    np.testing.assert_array_equal(unlimited.render(RATE), loud)
