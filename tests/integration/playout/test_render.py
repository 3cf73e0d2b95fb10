"""Rendered schedules, checked in the audio itself: crossfades, ducks, hard posts, no dead air."""

from __future__ import annotations

import wave
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from onair.domain.library import AssetKind, Ending
from onair.domain.playout import EndedBy
from onair.domain.programming import ItemKind
from onair.domain.rights import UsageRights
from onair.playout.timeline import TimelineSettings

from .world import T0, World, longest_silence_s, tone_db

MUSIC, ID, VOICE = ItemKind.MUSIC, ItemKind.ID, ItemKind.VOICE


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _starts(report_entries: list, asset_id: str) -> float:  # type: ignore[type-arg]
    entry = next(e for e in report_entries if e.asset_id == asset_id)
    return float((entry.actual_start - T0).total_seconds())


def test_songs_crossfade_over_the_schedules_overlap(world: World) -> None:
    world.asset("a", 440, 20, tail_s=3)
    world.asset("b", 660, 20, tail_s=3)
    world.asset("c", 880, 20, tail_s=3)
    world.plan(("a", MUSIC), ("b", MUSIC), ("c", MUSIC))
    pcm, report = world.render(50)

    # b is scheduled at 17 s: a alone before, both in the overlap, b alone after a's end.
    assert tone_db(pcm, 660, 16.7) < -60
    assert tone_db(pcm, 440, 17.4) > -30
    assert tone_db(pcm, 660, 17.4) > -30
    assert tone_db(pcm, 440, 20.1) < -60
    assert tone_db(pcm, 660, 20.1) > -15
    starts = {e.asset_id: e for e in report.as_run}
    assert [e.asset_id for e in report.as_run] == ["a", "b", "c"]
    assert abs(_starts(report.as_run, "b") - 17.0) < 0.001
    assert abs(_starts(report.as_run, "c") - 34.0) < 0.001
    assert starts["a"].ended_by is EndedBy.CROSSFADE
    assert starts["a"].duration_s == pytest.approx(20.0, abs=0.01)


def test_an_equal_power_crossfade_keeps_the_level(world: World) -> None:
    world.asset("a", 440, 20, tail_s=4)
    world.asset("b", 440, 20, tail_s=4)  # the same tone: a dip in the sum would show
    world.plan(("a", MUSIC), ("b", MUSIC))
    pcm, _ = world.render(30)
    # The two copies are not phase-aligned, so compare power, not amplitude: within 3 dB.
    levels = [tone_db(pcm, 440, 16.0 + k * 0.4) for k in range(10)]
    assert max(levels) - min(levels) < 3.5


def test_a_talk_up_ducks_the_intro_and_ends_before_the_post(world: World) -> None:
    world.asset("a", 440, 20, tail_s=2)
    world.asset("v", 1000, 4, kind=AssetKind.VOICE, category="voice", intro_s=0, tail_s=0)
    world.asset("s", 660, 30, intro_s=6, tail_s=2)
    world.plan(("a", MUSIC), ("v", VOICE, {"talk_up": True}), ("s", MUSIC))
    settings = TimelineSettings(duck_db=12.0, duck_ramp_s=0.2)
    pcm, report = world.render(40, world.timeline(settings))

    voice = _starts(report.as_run, "v")
    song = _starts(report.as_run, "s")
    assert voice == pytest.approx(18.0, abs=0.001)
    assert song == pytest.approx(voice, abs=0.001)
    under = tone_db(pcm, 660, song + 1.5)
    clear = tone_db(pcm, 660, song + 5.0)
    assert clear - under == pytest.approx(12.0, abs=1.0)
    assert tone_db(pcm, 1000, song + 2.0) > -20  # the voice itself is not ducked
    assert tone_db(pcm, 1000, song + 4.3) < -60  # and it has ended before the post at 6 s


def test_a_cold_open_is_a_hard_cut(world: World) -> None:
    world.asset("a", 440, 20, tail_s=2, ending=Ending.COLD)
    world.asset("b", 660, 20, intro_s=0, tail_s=2)
    world.plan(("a", MUSIC), ("b", MUSIC))
    pcm, _ = world.render(25)
    assert tone_db(pcm, 660, 18.0, 0.05) > -15  # b at full level from its first moment
    assert tone_db(pcm, 440, 18.05, 0.05) < -60  # a is gone at once


def test_running_long_fades_early_and_the_hard_item_starts_on_its_post(world: World) -> None:
    for n, freq in enumerate((300, 400, 500)):
        world.asset(f"s{n}", freq, 60, tail_s=2)
    world.asset("ins", 700, 40, tail_s=2)
    world.asset("bed", 150, 25, kind=AssetKind.BED, category="fill", tail_s=1)
    world.asset("id", 1200, 8, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)
    world.plan(("s0", MUSIC), ("s1", MUSIC), ("s2", MUSIC), ("id", ID, {"hard": True, "at_s": 174}))
    timeline = world.timeline()
    timeline.begin()
    timeline.advance(48_000)  # one second in, an operator inserts a song next
    timeline.insert_next("ins")
    pcm, report = world.render(200, timeline)
    hard = next(e for e in report.as_run if e.asset_id == "id")
    assert abs((hard.actual_start - T0).total_seconds() - 174.0) < 1.0
    # 38 s late after the insert: a song is dropped at once, not the last one cut short.
    dropped = [a for e in report.as_run for a in e.adjustments if a.startswith("dropped")]
    assert dropped == ["dropped 'Title s1' (item-001): the air ran 38.0 s late"]
    songs = [e for e in report.as_run if e.kind is MUSIC]
    assert all(e.ended_by is not EndedBy.FADE_EARLY for e in songs)
    assert tone_db(pcm, 1200, 175.0) > -20
    assert longest_silence_s(pcm) < 1.0


def test_running_short_fills_to_the_hard_post(world: World) -> None:
    world.asset("s0", 300, 60, tail_s=2)
    world.asset("s1", 400, 60, tail_s=2, rights=(UsageRights(valid_until=date(2020, 1, 1)),))
    world.asset("short", 450, 30, tail_s=2)  # the only substitute for s1: 30 s short
    world.asset("bed", 150, 20, kind=AssetKind.BED, category="fill", tail_s=1)
    world.asset("id", 1200, 8, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)
    world.plan(("s0", MUSIC), ("s1", MUSIC), ("id", ID, {"hard": True, "at_s": 116}))
    pcm, report = world.render(130)

    swapped = next(e for e in report.as_run if e.asset_id == "short")
    assert swapped.schedule_item_id == "item-001"
    assert "no usage rights" in (swapped.substitution_reason or "")
    assert any(e.category == "fill" for e in report.as_run)
    hard = next(e for e in report.as_run if e.asset_id == "id")
    assert abs((hard.actual_start - T0).total_seconds() - 116.0) < 1.0
    assert longest_silence_s(pcm) < 2.0


def test_a_missing_master_is_substituted_without_dead_air(world: World) -> None:
    world.asset("a", 440, 20, tail_s=2)
    world.asset("b", 660, 20, tail_s=2)
    world.asset("spare", 550, 20, tail_s=2)
    world.plan(("a", MUSIC), ("b", MUSIC))
    world.without_audio("b")
    pcm, report = world.render(40)
    assert [e.asset_id for e in report.as_run][:2] == ["a", "spare"]
    assert report.failovers
    assert "b" in report.failovers[0]
    assert longest_silence_s(pcm[: 38 * 48_000]) < 2.0


def test_a_planned_break_without_audio_is_aired_in_its_time(world: World) -> None:
    world.asset("a", 440, 30, tail_s=2)
    world.asset("b", 660, 30, tail_s=2)
    world.asset("bed", 150, 40, kind=AssetKind.BED, category="fill", tail_s=1)
    spots = {"planned_s": 20, "category": "spots"}
    world.plan(("a", MUSIC), ("", ItemKind.SPOT, spots), ("b", MUSIC))
    pcm, report = world.render(70)

    stand_in = report.as_run[1]
    assert stand_in.asset_id == "bed"
    assert stand_in.schedule_item_id == "item-001"
    assert "planned and has no audio" in (stand_in.substitution_reason or "")
    assert stand_in.duration_s == pytest.approx(20.0, abs=0.01)  # faded at the planned length
    assert _starts(report.as_run, "b") == pytest.approx(48.0, abs=0.001)  # on time
    assert longest_silence_s(pcm) < 2.0


def test_an_empty_schedule_airs_fallback_rotation(world: World) -> None:
    world.asset("a", 440, 15, tail_s=2)
    world.asset("b", 660, 15, tail_s=2)
    pcm, report = world.render(40)
    assert {e.asset_id for e in report.as_run} == {"a", "b"}
    assert all((e.substitution_reason or "").startswith("fallback rotation") for e in report.as_run)
    assert longest_silence_s(pcm) < 2.0


def test_the_same_inputs_render_the_same_samples(world: World) -> None:
    world.asset("a", 440, 12, tail_s=3)
    world.asset("b", 660, 12, tail_s=3)
    world.plan(("a", MUSIC), ("b", MUSIC))
    first, _ = world.render(20)
    second, _ = world.render(20)
    assert np.array_equal(first, second)


def test_a_restart_resumes_the_item_on_air_at_its_offset(world: World) -> None:
    world.asset("a", 440, 30, tail_s=2)
    world.asset("b", 660, 30, tail_s=2)
    world.plan(("a", MUSIC), ("b", MUSIC))
    # The engine comes back 10 s into a, which its saved state says started 0.25 s late.
    saved = T0 + timedelta(seconds=0.25)
    timeline = world.timeline(t0=T0 + timedelta(seconds=10), resume_start=lambda _: saved)
    pcm, report = world.render(10, timeline)
    resumed = report.as_run[0]
    assert resumed.asset_id == "a"
    assert tone_db(pcm, 440, 0.0) > -15  # a sounds from the first sample, not from its start
    assert resumed.actual_start == saved
    assert resumed.adjustments == ("resumed 9.8 s in after a restart",)


def test_an_engine_started_mid_item_joins_it_and_says_so(world: World) -> None:
    world.asset("a", 440, 30, tail_s=2)
    world.plan(("a", MUSIC))
    timeline = world.timeline(t0=T0 + timedelta(seconds=10))
    pcm, report = world.render(10, timeline)
    joined = report.as_run[0]
    assert tone_db(pcm, 440, 0.0) > -15
    assert joined.actual_start == T0 + timedelta(seconds=10)
    assert joined.duration_s == pytest.approx(10.0, abs=0.01)
    assert joined.adjustments == ("joined 10.0 s in: the engine started during it",)


def test_silence_on_air_jumps_to_fallback(world: World) -> None:
    world.asset("a", 440, 8, tail_s=1)
    world.asset("quiet", 440, 30, tail_s=1)
    world.asset("spare", 660, 30, tail_s=1)
    world.plan(("a", MUSIC), ("quiet", MUSIC))
    silent = np.zeros((30 * 48_000, 2), np.int16)  # a master that is all silence
    with wave.open(str(world.folder / "quiet.wav"), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(silent.tobytes())
    settings = TimelineSettings(silence_s=3.0)
    pcm, report = world.render(25, world.timeline(settings))
    assert any("below -50 dBFS for 3 s" in f for f in report.failovers)
    assert longest_silence_s(pcm) < 3.5
    assert tone_db(pcm, 660, 14.0) > -20  # fallback is on air a few seconds in


def test_insert_now_hold_and_resume_shape_what_airs(world: World) -> None:
    world.asset("a", 440, 20, tail_s=2)
    world.asset("b", 660, 20, tail_s=2)
    world.asset("c", 880, 20, tail_s=2)
    world.asset("promo", 1000, 6, kind=AssetKind.PROMO, category="promo", tail_s=0)
    world.plan(("a", MUSIC), ("b", MUSIC), ("c", MUSIC))
    timeline = world.timeline()
    timeline.begin()
    for _ in range(5):
        timeline.advance(48_000)
    timeline.insert_now("promo")  # 5 s in: the promo airs now, a fades
    timeline.hold()  # and the station stops after it
    pcm, report = world.render(20, timeline)
    aired = [e.asset_id for e in report.as_run]
    assert aired == ["a", "promo"]
    assert report.as_run[0].ended_by is EndedBy.SKIP
    assert tone_db(pcm, 1000, 1.0) > -20  # (pcm starts 5 s in) the promo is on
    assert tone_db(pcm, 440, 2.0) < -60  # a has gone
    assert tone_db(pcm, 660, 10.0) < -60  # held: b does not start
    timeline.resume()
    pcm, report = world.render(5, timeline)
    assert [e.asset_id for e in report.as_run][:1] == ["b"]


def test_break_now_jumps_to_the_next_spot_break(world: World) -> None:
    world.asset("a", 440, 30, tail_s=2)
    world.asset("b", 660, 30, tail_s=2)
    world.asset("spot", 1000, 10, kind=AssetKind.SPOT, category="spots", tail_s=0)
    world.plan(("a", MUSIC), ("b", MUSIC), ("spot", ItemKind.SPOT))
    timeline = world.timeline()
    timeline.begin()
    timeline.advance(48_000 * 3)
    assert timeline.break_now()
    _, report = world.render(12, timeline)
    assert [e.asset_id for e in report.as_run][:2] == ["a", "spot"]


def test_a_stand_in_whose_time_has_passed_is_dropped_not_faded_in_the_past(world: World) -> None:
    world.asset("a", 440, 30, tail_s=2)
    world.asset("long", 550, 60, tail_s=2)
    world.asset("b", 660, 30, tail_s=2)
    world.asset("bed", 150, 40, kind=AssetKind.BED, category="fill", tail_s=1)
    spots = {"planned_s": 20, "category": "spots"}
    world.plan(("a", MUSIC), ("", ItemKind.SPOT, spots), ("b", MUSIC))
    timeline = world.timeline()
    timeline.begin()
    timeline.advance(48_000)
    timeline.insert_next("long")  # runs past the whole of the spot break's time
    pcm, report = world.render(120, timeline)
    aired = [e.asset_id for e in report.as_run]
    assert aired[:3] == ["a", "long", "b"]  # the break's stand-in had no time left: dropped
    assert any("scheduled time had passed" in note for e in report.as_run for note in e.adjustments)
    assert longest_silence_s(pcm) < 2.0


def test_a_straight_link_never_voiced_is_filled_in_its_time(world: World) -> None:
    world.asset("a", 440, 30, tail_s=0, ending=Ending.COLD)
    world.asset("b", 660, 30, tail_s=2)
    world.asset("bed", 150, 40, kind=AssetKind.BED, category="fill", tail_s=1)
    world.asset("c", 880, 20, tail_s=2)
    world.plan(("a", MUSIC), ("", ItemKind.VOICE, {"planned_s": 12, "category": "link"}),
               ("b", MUSIC), ("c", MUSIC, {"hard": True, "at_s": 70}))  # fmt: skip
    pcm, report = world.render(90)
    stand_in = report.as_run[1]
    assert (stand_in.asset_id, stand_in.schedule_item_id) == ("bed", "item-001")
    assert stand_in.duration_s == pytest.approx(12.0, abs=0.01)
    assert _starts(report.as_run, "b") == pytest.approx(42.0, abs=0.01)  # on time, no gap
    assert _starts(report.as_run, "c") == pytest.approx(70.0, abs=0.01)
    assert longest_silence_s(pcm) < 2.0


def test_fallback_after_silence_still_makes_the_hard_post(world: World) -> None:
    world.asset("a", 440, 8, tail_s=1)
    world.asset("quiet", 440, 31, tail_s=1)
    world.asset("spare", 660, 120, tail_s=1)
    world.asset("id", 1000, 4, kind=AssetKind.STATION_ID, category="id", tail_s=0)
    world.plan(("a", MUSIC), ("quiet", MUSIC), ("id", ItemKind.ID, {"hard": True, "at_s": 38}))
    silent = np.zeros((31 * 48_000, 2), np.int16)  # a master that is all silence
    with wave.open(str(world.folder / "quiet.wav"), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(silent.tobytes())
    # Silence is found 2 s before the post, once the hard ID is already placed on the mix.
    pcm, report = world.render(60, world.timeline(TimelineSettings(silence_s=28.0)))
    assert any("below -50 dBFS for 28 s" in f for f in report.failovers)
    spare = next(e for e in report.as_run if e.asset_id == "spare")
    assert spare.ended_by is EndedBy.FADE_EARLY  # faded for the post, not aired whole
    assert _starts(report.as_run, "id") == pytest.approx(38.0, abs=0.01)
    assert tone_db(pcm, 1000, 39.0) > -20
