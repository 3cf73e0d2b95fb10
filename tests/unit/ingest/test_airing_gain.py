"""The gain an item airs with: the target as heard through the limiter, within max_gain_db."""

from __future__ import annotations

import pytest

from onair.audio.airing_gain import CLOSE_LU, airing_gain

TARGET, CEILING, MAX_GAIN = -16.0, -1.0, 12.0


class Limited:
    """A song through a limiter: each dB over the ceiling costs ``cost`` LU of loudness."""

    def __init__(self, loudness: float, true_peak: float, cost: float) -> None:
        self.loudness, self.true_peak, self.cost = loudness, true_peak, cost
        self.measured: list[float] = []

    def __call__(self, gain_db: float) -> float:
        self.measured.append(gain_db)
        over = max(0.0, self.true_peak + gain_db - CEILING)
        return self.loudness + gain_db - self.cost * over


def _gain(song: Limited) -> tuple[float, float]:
    found = airing_gain(song.loudness, song.true_peak, target_lufs=TARGET,
                        ceiling_dbtp=CEILING, max_gain_db=MAX_GAIN, aired=song)  # fmt: skip
    return found.gain_db, found.aired_lufs


def test_an_item_whose_peaks_stay_under_the_ceiling_is_not_measured_again() -> None:
    song = Limited(-20.0, -8.0, cost=0.5)
    assert _gain(song) == (4.0, -16.0)
    assert song.measured == []


def test_a_loud_master_is_turned_down_to_the_target() -> None:
    assert _gain(Limited(-8.0, 0.0, cost=0.5)) == (-8.0, -16.0)


@pytest.mark.parametrize("cost", [0.05, 0.15, 0.3])
def test_a_dynamic_master_is_turned_up_until_it_airs_at_the_target(cost: float) -> None:
    # -24 LUFS with transients at full scale: +8 dB puts them 9 dB over the ceiling.
    song = Limited(-24.0, 0.0, cost=cost)
    gain, aired = _gain(song)
    assert abs(aired - TARGET) <= CLOSE_LU
    assert gain > 8.0 if cost > 0.05 else gain >= 8.0
    assert len(song.measured) <= 4


def test_a_quiet_item_is_turned_up_by_max_gain_db_and_no_more() -> None:
    song = Limited(-32.0, -20.0, cost=0.5)
    assert _gain(song) == (MAX_GAIN, -20.0)
    assert song.measured == []


def test_an_item_whose_loudness_is_in_its_peaks_stops_at_max_gain_db() -> None:
    song = Limited(-22.0, 0.0, cost=0.9)  # the limiter takes nearly all it is given
    gain, aired = _gain(song)
    assert gain == MAX_GAIN
    assert aired < TARGET - 1
    assert max(song.measured) == MAX_GAIN


def test_silence_gets_no_gain() -> None:
    found = airing_gain(float("-inf"), float("-inf"), target_lufs=TARGET, ceiling_dbtp=CEILING,
                        max_gain_db=MAX_GAIN, aired=Limited(0, 0, 0))  # fmt: skip
    assert found.gain_db == 0.0
