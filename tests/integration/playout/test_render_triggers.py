"""Operator triggers in a render land on the sample of their instant, as on air."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from onair.domain.playout import SAMPLE_RATE, EndedBy, Trigger
from onair.domain.programming import ItemKind
from onair.playout.render import TimedTrigger, render

from .world import STATION, T0, World, _Collect, tone_db

MUSIC = ItemKind.MUSIC


def test_a_skip_at_an_instant_fades_the_song_on_air_there_and_the_next_follows(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    world.asset("a", 440, 20, tail_s=3)
    world.asset("b", 660, 20, tail_s=3)
    world.plan(("a", MUSIC), ("b", MUSIC))
    skip = TimedTrigger(T0 + timedelta(seconds=5.5), Trigger.SKIP)
    sink = _Collect()

    report = render(world.timeline(), STATION, 15 * SAMPLE_RATE, sink, triggers=[skip])

    pcm = sink.pcm()
    first = report.as_run[0]
    assert (first.asset_id, first.ended_by) == ("a", EndedBy.SKIP)
    assert "skipped by an operator" in first.adjustments
    assert report.as_run[1].asset_id == "b"
    assert abs((report.as_run[1].actual_start - T0).total_seconds() - 5.5) < 0.01
    assert tone_db(pcm, 440, 5.2) > -15  # a until the skip
    assert tone_db(pcm, 440, 7.0) < -60  # gone once its fade is over
    assert tone_db(pcm, 660, 7.0) > -15
    assert report.triggers == [(skip, True)]
