"""Back-timing on air: nothing waits in silence, and a moved hour lands its hard post.

Each test moves the air off the plan as real stations see it (a link voiced far
shorter than planned, a master that fails, an operator's skip or insert) and
checks what a listener and the as-run would show: no silence, the hard post
within a second, no song cut short beyond a short early fade, and every drop,
swap or added song on the as-run with its reason.
"""

from __future__ import annotations

import wave
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from onair.domain.library import AssetKind, Ending
from onair.domain.playout import AsRunEntry, EndedBy
from onair.domain.programming import ItemKind
from onair.domain.rights import UsageRights
from onair.playout.lineup import AirRules
from onair.playout.render import RenderReport

from .world import T0, World, longest_silence_s, tone_db

MUSIC, ID, VOICE = ItemKind.MUSIC, ItemKind.ID, ItemKind.VOICE


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _start_s(entry: AsRunEntry) -> float:
    return (entry.actual_start - T0).total_seconds()


def _entry(report: RenderReport, asset_id: str) -> AsRunEntry:
    return next(e for e in report.as_run if e.asset_id == asset_id)


def _notes(report: RenderReport) -> list[str]:
    notes = [n for e in report.as_run for n in e.adjustments]
    return notes + [e.substitution_reason for e in report.as_run if e.substitution_reason]


def _songs_cut_short(
    report: RenderReport, world: World, limit_s: float, until_s: float
) -> list[str]:
    """Songs that aired more than ``limit_s`` short of their segue point, before ``until_s``
    (where the render ends, whatever is on air is cut)."""
    short = []
    for entry in report.as_run:
        playable = world.playables.get(entry.asset_id or "")
        if entry.kind is not MUSIC or playable is None or entry.ended_by is EndedBy.SKIP:
            continue
        if _start_s(entry) + entry.duration_s >= until_s - 0.1:
            continue
        if entry.duration_s < playable.segue_ms / 1000 - limit_s:
            short.append(f"{entry.asset_id}: {entry.duration_s:.1f} s")
    return short


def _library(world: World) -> None:
    """Songs of many lengths to swap and add from, a bed to fill with, the hard ID."""
    for n, seconds in enumerate((50, 62, 75, 90, 104, 118, 135, 150)):
        world.asset(f"spare{n}", 200 + 10 * n, seconds, tail_s=2)
    world.asset("bed", 150, 25, kind=AssetKind.BED, category="fill", tail_s=1)
    world.asset("id", 1200, 6, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)


def test_a_link_far_shorter_than_planned_goes_straight_into_a_cold_open(world: World) -> None:
    _library(world)
    world.asset("s0", 300, 60, tail_s=2)
    world.asset("link", 900, 5.4, kind=AssetKind.VOICE, category="link", intro_s=0, tail_s=0)
    world.asset("cold", 400, 80, intro_s=0, tail_s=2)  # loud from its first sample
    world.asset("s2", 500, 70, tail_s=2)
    world.asset("s3", 600, 70, tail_s=2)
    world.plan(
        ("s0", MUSIC), ("link", VOICE, {"planned_s": 15}), ("cold", MUSIC), ("s2", MUSIC),
        ("s3", MUSIC), ("id", ID, {"hard": True, "at_s": 287}),
    )  # fmt: skip
    pcm, report = world.render(300)

    link, cold = _entry(report, "link"), _entry(report, "cold")
    assert _start_s(cold) == pytest.approx(_start_s(link) + 5.4, abs=0.01)  # no wait
    assert longest_silence_s(pcm) < 1.0
    assert _start_s(_entry(report, "id")) == pytest.approx(287.0, abs=1.0)
    assert tone_db(pcm, 1200, 288.0) > -20
    assert _songs_cut_short(report, world, limit_s=15.0, until_s=300) == []
    # The 9.6 s the link gave back is won back before the post, and the as-run says how.
    assert any(("early" in n) or n.startswith("fill") for n in _notes(report)) or any(
        e.category == "fill" for e in report.as_run
    )


def test_a_failed_master_early_in_the_hour_still_lands_the_post(world: World) -> None:
    _library(world)
    for n, seconds in enumerate((70, 90, 80, 100, 75)):
        world.asset(f"s{n}", 300 + 50 * n, seconds, tail_s=2)
    world.plan(*[(f"s{n}", MUSIC) for n in range(5)], ("id", ID, {"hard": True, "at_s": 405}))
    world.without_audio("s1")  # fails as it is prepared, 68 s into the hour
    pcm, report = world.render(420)

    stand_in = next(e for e in report.as_run if e.schedule_item_id == "item-001")
    assert stand_in.asset_id != "s1"
    assert "failed" in (stand_in.substitution_reason or "")
    # The stand-in fills about the failed song's time: the hour never runs far off.
    drift = [abs(e.start_error_ms or 0) / 1000 for e in report.as_run if e.schedule_item_id]
    assert max(drift) < 30.0
    assert _start_s(_entry(report, "id")) == pytest.approx(405.0, abs=1.0)
    assert longest_silence_s(pcm) < 1.0
    assert _songs_cut_short(report, world, limit_s=15.0, until_s=420) == []


def test_a_skip_early_in_the_hour_is_won_back_with_songs(world: World) -> None:
    _library(world)
    for n, seconds in enumerate((120, 80, 90, 100)):
        world.asset(f"s{n}", 300 + 50 * n, seconds, tail_s=2)
    world.plan(*[(f"s{n}", MUSIC) for n in range(4)], ("id", ID, {"hard": True, "at_s": 382}))
    timeline = world.timeline()
    timeline.begin()
    for _ in range(10):
        timeline.advance(48_000)
    assert timeline.skip()  # 10 s into a 120 s song: the air is 107 s early
    pcm, report = world.render(390, timeline)

    assert _entry(report, "s0").ended_by is EndedBy.SKIP
    changes = [n for n in _notes(report) if n.startswith(("added before", "swapped in for"))]
    assert changes, report.as_run
    assert "the air ran" in changes[0]
    assert "early" in changes[0]
    assert _start_s(_entry(report, "id")) == pytest.approx(382.0, abs=1.0)
    assert longest_silence_s(pcm[: 380 * 48_000]) < 1.0
    assert _songs_cut_short(report, world, limit_s=15.0, until_s=390) == []


def test_a_skip_early_in_a_long_song_adds_songs_until_the_next_is_on_time(world: World) -> None:
    _library(world)
    world.asset("epic", 300, 600, tail_s=2)  # ten minutes, skipped ten seconds in
    world.asset("s1", 350, 80, tail_s=2)
    world.asset("s2", 400, 90, tail_s=2)
    world.plan(("epic", MUSIC), ("s1", MUSIC), ("s2", MUSIC),
               ("id", ID, {"hard": True, "at_s": 766}))  # fmt: skip
    timeline = world.timeline()
    timeline.begin()
    for _ in range(10):
        timeline.advance(48_000)
    assert timeline.skip()
    pcm, report = world.render(780, timeline)
    added = [e for e in report.as_run if (e.substitution_reason or "").startswith("added before")]
    assert len(added) >= 3  # no one song fills the 587 s the skip gave back
    assert abs(_entry(report, "s1").start_error_ms or 0) < 30_000
    assert _start_s(_entry(report, "id")) == pytest.approx(766.0, abs=1.0)
    assert longest_silence_s(pcm[: 770 * 48_000]) < 1.0


def test_a_long_insert_drops_or_swaps_a_song_at_once(world: World) -> None:
    _library(world)
    for n, seconds in enumerate((80, 90, 70, 100, 85)):
        world.asset(f"s{n}", 300 + 50 * n, seconds, tail_s=2)
    world.plan(*[(f"s{n}", MUSIC) for n in range(5)], ("id", ID, {"hard": True, "at_s": 415}))
    timeline = world.timeline()
    timeline.begin()
    timeline.advance(48_000)
    timeline.insert_next("spare7")  # 148 s more on the air
    pcm, report = world.render(430, timeline)

    changes = [n for n in _notes(report) if n.startswith(("dropped", "swapped in for"))]
    assert changes
    assert "late" in changes[0]
    first_change = next(
        e for e in report.as_run
        if any(n.startswith(("dropped", "swapped")) for n in e.adjustments)
        or (e.substitution_reason or "").startswith("swapped in")
    )  # fmt: skip
    assert _start_s(first_change) < 250  # early in the hour, not at its end
    assert _start_s(_entry(report, "id")) == pytest.approx(415.0, abs=1.0)
    assert longest_silence_s(pcm[: 425 * 48_000]) < 1.0
    assert _songs_cut_short(report, world, limit_s=15.0, until_s=430) == []


def test_a_song_a_link_names_is_never_dropped_or_swapped(world: World) -> None:
    _library(world)
    world.asset("s0", 300, 80, tail_s=2)
    world.asset("named", 400, 90, tail_s=2)
    world.asset("link", 900, 8, kind=AssetKind.VOICE, category="link", intro_s=0, tail_s=0)
    world.asset("s2", 500, 90, tail_s=2)
    world.plan(("s0", MUSIC), ("named", MUSIC), ("link", VOICE), ("s2", MUSIC),
               ("id", ID, {"hard": True, "at_s": 264}))  # fmt: skip
    timeline = world.timeline()
    timeline.begin()
    timeline.advance(48_000)
    timeline.insert_next("spare0")  # 48 s late: "named" would be the one to drop
    _, report = world.render(280, timeline)

    aired = [e.asset_id for e in report.as_run]
    assert "named" in aired
    assert "link" in aired
    assert aired.index("link") == aired.index("named") + 1  # the link follows its song
    assert not any(n.startswith(("dropped 'Title named'", "swapped in for 'Title named'"))
                   for n in _notes(report))  # fmt: skip


def test_a_song_a_link_back_announces_may_have_a_song_added_before_it(world: World) -> None:
    _library(world)
    world.asset("s0", 300, 60, tail_s=2)
    world.asset("epic", 350, 300, tail_s=2, rights=(UsageRights(valid_until=date(2020, 1, 1)),))
    world.asset("named", 400, 90, tail_s=2)
    world.asset("link", 900, 8, kind=AssetKind.VOICE, category="link", intro_s=0, tail_s=0)
    world.asset("s4", 500, 90, tail_s=2)
    world.plan(("s0", MUSIC), ("epic", MUSIC), ("named", MUSIC), ("link", VOICE), ("s4", MUSIC),
               ("id", ID, {"hard": True, "at_s": 542}))  # fmt: skip
    pcm, report = world.render(560)
    # No song of the epic's length may air: its stand-in leaves the air far early, and
    # the next song, which the link back-announces, gets a song before it instead.
    stand_in = next(e for e in report.as_run if e.schedule_item_id == "item-001")
    assert "no usage rights" in (stand_in.substitution_reason or "")
    aired = [e.asset_id for e in report.as_run]
    assert aired.index("link") == aired.index("named") + 1
    added = next(
        e for e in report.as_run if (e.substitution_reason or "").startswith("added before")
    )
    assert "'Title named'" in (added.substitution_reason or "")
    assert aired.index(added.asset_id) == aired.index("named") - 1
    assert abs(_entry(report, "named").start_error_ms or 0) < 30_000
    assert _start_s(_entry(report, "id")) == pytest.approx(542.0, abs=1.0)
    assert longest_silence_s(pcm[: 550 * 48_000]) < 1.0


def _skip_before_link(world: World, skip_at_s: int) -> tuple[np.ndarray, RenderReport]:
    """A five-minute song skipped ``skip_at_s`` in, then a link that names it and the next."""
    _library(world)
    world.asset("epic", 300, 300, tail_s=2)
    world.asset("link", 900, 8, kind=AssetKind.VOICE, category="link", intro_s=0, tail_s=0)
    world.asset("named", 400, 90, tail_s=2)
    world.asset("s3", 500, 90, tail_s=2)
    world.plan(("epic", MUSIC), ("link", VOICE), ("named", MUSIC), ("s3", MUSIC),
               ("id", ID, {"hard": True, "at_s": 484}))  # fmt: skip
    timeline = world.timeline()
    timeline.begin()
    for _ in range(skip_at_s):
        timeline.advance(48_000)
    assert timeline.skip()
    return world.render(500, timeline)


def test_a_link_after_a_song_skipped_early_is_dropped_and_its_time_filled(world: World) -> None:
    pcm, report = _skip_before_link(world, skip_at_s=10)  # the air is 288 s early

    aired = [e.asset_id for e in report.as_run]
    assert "link" not in aired  # "that was Epic" after ten seconds of it, five minutes early
    dropped = [n for n in _notes(report) if n.startswith("dropped voice link 'Title link'")]
    assert dropped
    assert "early" in dropped[0]
    added = [e for e in report.as_run if (e.substitution_reason or "").startswith("added before")]
    assert added
    assert aired.index(added[-1].asset_id) == aired.index("named") - 1
    drift = [abs(e.start_error_ms or 0) / 1000 for e in report.as_run
             if e.schedule_item_id and e.asset_id != "epic"]  # fmt: skip
    assert max(drift) < 30.0
    assert _start_s(_entry(report, "id")) == pytest.approx(484.0, abs=1.0)
    assert longest_silence_s(pcm[: 490 * 48_000]) < 1.0


def test_a_link_after_a_song_skipped_near_its_end_still_airs(world: World) -> None:
    _, report = _skip_before_link(world, skip_at_s=285)  # 13 s early: the link still fits

    aired = [e.asset_id for e in report.as_run]
    assert aired.index("link") == aired.index("epic") + 1
    assert aired.index("named") == aired.index("link") + 1
    assert not any(n.startswith("dropped voice link") for n in _notes(report))


def test_a_link_after_a_short_stand_in_is_kept_and_the_time_before_it_filled(world: World) -> None:
    _library(world)
    world.asset("sting", 1000, 4, kind=AssetKind.VOICE, category="news", intro_s=0, tail_s=0)
    world.asset("link", 900, 8, kind=AssetKind.VOICE, category="link", intro_s=0, tail_s=0)
    world.asset("named", 400, 90, tail_s=2)
    world.plan(("", ItemKind.NEWS, {"planned_s": 120, "category": "news"}),  # no audio yet
               ("link", VOICE), ("named", MUSIC),
               ("id", ID, {"hard": True, "at_s": 220}))  # fmt: skip
    pcm, report = world.render(230)

    aired = [e.asset_id for e in report.as_run]
    assert aired[0] == "sting"  # the news's 4 s stand-in leaves the link 116 s early
    assert "link" in aired  # it back-announces no song: its words still hold
    assert not any(n.startswith("dropped voice link") for n in _notes(report))
    assert _start_s(_entry(report, "link")) == pytest.approx(120.0, abs=30.0)
    assert aired.index("named") == aired.index("link") + 1
    assert _start_s(_entry(report, "id")) == pytest.approx(220.0, abs=1.0)
    assert longest_silence_s(pcm[: 225 * 48_000]) < 1.0


def test_a_short_song_that_fails_is_filled_in_its_time_not_by_a_long_one(world: World) -> None:
    _library(world)
    world.asset("s0", 300, 60, tail_s=2)
    world.asset("blip", 350, 6, tail_s=0.5)  # a song of a few seconds
    world.asset("s2", 400, 90, tail_s=2)
    world.plan(("s0", MUSIC), ("blip", MUSIC), ("s2", MUSIC),
               ("id", ID, {"hard": True, "at_s": 151.5}))  # fmt: skip
    world.without_audio("blip")
    pcm, report = world.render(160)
    stand_in = next(e for e in report.as_run if e.schedule_item_id == "item-001")
    assert stand_in.asset_id == "bed"  # no song is near 6 s: the bed airs in its time
    assert stand_in.duration_s == pytest.approx(6.0, abs=0.01)
    assert _entry(report, "s2").start_error_ms == pytest.approx(0, abs=10)
    assert longest_silence_s(pcm[: 155 * 48_000]) < 1.0


def test_a_hard_item_reached_early_waits_on_the_tail_not_in_silence(world: World) -> None:
    world.asset("s0", 300, 60, tail_s=6, ending=Ending.FADE)
    world.asset("id", 1200, 6, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)
    world.plan(("s0", MUSIC), ("id", ID, {"hard": True, "at_s": 57}))  # 3 s after its segue
    pcm, report = world.render(70)
    assert _start_s(_entry(report, "id")) == pytest.approx(57.0, abs=0.01)  # on its post
    assert longest_silence_s(pcm[: 62 * 48_000]) < 1.0


def _slow_fade_before_post(
    world: World, post_s: float, *, soft: bool = False
) -> tuple[np.ndarray, RenderReport]:
    """A 60 s song planned to its cue-out, whose last 10 s fade from -12 to -58 dBFS
    (its last 1.7 s between cue-out's -60 dBFS and the air's -50), then a hard ID."""
    world.asset("s0", 300, 60, tail_s=0, ending=Ending.FADE)
    seconds, fade_s = 60.0, 10.0
    t = np.arange(round(seconds * 48_000)) / 48_000
    level_db = np.where(
        t < seconds - fade_s, -12.0, -12.0 - 46.0 * (t - (seconds - fade_s)) / fade_s
    )
    tone = 10 ** (level_db / 20) * np.sin(2 * np.pi * 300 * t)
    with wave.open(str(world.folder / "s0.wav"), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes((np.repeat(tone[:, None], 2, axis=1) * 32767).astype("<i2").tobytes())
    world.asset("id", 1200, 6, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)
    if soft:
        world.asset("s1", 500, 30, tail_s=2)
        world.plan(("s0", MUSIC), ("s1", MUSIC), ("id", ID, {"hard": True, "at_s": post_s}))
    else:
        world.plan(("s0", MUSIC), ("id", ID, {"hard": True, "at_s": post_s}))
    return world.render(70)


def test_a_hard_item_comes_in_where_a_slow_fade_falls_silent(world: World) -> None:
    pcm, report = _slow_fade_before_post(world, post_s=60.0)  # the post on its cue-out

    assert longest_silence_s(pcm[: 66 * 48_000]) < 1.0
    assert _start_s(_entry(report, "id")) == pytest.approx(60.0, abs=1.0)
    assert _start_s(_entry(report, "id")) < 60.0  # came in early, over the fade


def test_a_post_seconds_after_a_slow_fade_falls_silent_is_filled_up_to(world: World) -> None:
    world.asset("bed", 150, 25, kind=AssetKind.BED, category="fill", tail_s=1)
    # The fade is under the air's threshold from 58.3 s; the post is 2.2 s later, more
    # than a hard item may come in early: fill airs where the song falls silent.
    pcm, report = _slow_fade_before_post(world, post_s=60.5)  # half a second past cue-out

    assert longest_silence_s(pcm[: 66 * 48_000]) < 1.0
    assert _start_s(_entry(report, "bed")) == pytest.approx(58.3, abs=0.2)
    assert _start_s(_entry(report, "id")) == pytest.approx(60.5, abs=1.0)


def test_a_fade_for_the_post_over_a_quiet_tail_leaves_no_silence(world: World) -> None:
    # The song runs past the post and is faded for it, over a tail already near -48 dBFS:
    # the fade's last second is under the air's threshold, though the song was not.
    pcm, report = _slow_fade_before_post(world, post_s=58.2)

    song = _entry(report, "s0")
    assert song.ended_by is EndedBy.FADE_EARLY
    # The ID comes in under the fade: no gap at all (it was 0.85 s, waiting for the post).
    assert longest_silence_s(pcm[: 64 * 48_000]) < 0.3
    assert _start_s(_entry(report, "id")) == pytest.approx(58.2, abs=1.0)


def test_a_song_added_for_time_keeps_the_artist_apart(world: World) -> None:
    _library(world)
    # The spare that fits the time the skip gives back best is by the skipped song's band.
    world.asset("spare4", 240, 104, tail_s=2, artist="The Band")
    for n, seconds in enumerate((120, 80, 90, 100)):
        world.asset(f"s{n}", 300 + 50 * n, seconds, tail_s=2, artist="The Band" if n == 0 else None)
    world.plan(*[(f"s{n}", MUSIC) for n in range(4)], ("id", ID, {"hard": True, "at_s": 382}))
    timeline = world.timeline(rules=AirRules(artist_gap=timedelta(minutes=60)))
    timeline.begin()
    for _ in range(10):
        timeline.advance(48_000)
    assert timeline.skip()  # 10 s into a 120 s song: the air is 107 s early
    _, report = world.render(390, timeline)

    added = [e for e in report.as_run if (e.substitution_reason or "").startswith("added before")]
    assert added
    assert all(world.playables[e.asset_id or ""].artist != "The Band" for e in added)
    assert _start_s(_entry(report, "id")) == pytest.approx(382.0, abs=1.0)


def test_time_no_song_can_win_back_is_filled_with_beds(world: World) -> None:
    # Every spare song is far longer than what the skip gives back: adding one would
    # turn 75 s early into minutes late.
    for n, seconds in enumerate((200, 260, 320)):
        world.asset(f"spare{n}", 200 + 10 * n, seconds, tail_s=2)
    world.asset("bed", 150, 25, kind=AssetKind.BED, category="fill", tail_s=1)
    world.asset("id", 1200, 6, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)
    for n, seconds in enumerate((250, 200, 210, 190)):
        world.asset(f"s{n}", 300 + 50 * n, seconds, tail_s=2)
    world.plan(*[(f"s{n}", MUSIC) for n in range(4)], ("id", ID, {"hard": True, "at_s": 842}))
    timeline = world.timeline()
    timeline.begin()
    for _ in range(173):
        timeline.advance(48_000)
    assert timeline.skip()  # 173 s into a 248 s span: the air is 75 s early
    pcm, report = world.render(850, timeline)

    beds = [e for e in report.as_run if (e.substitution_reason or "").startswith("fill before")]
    assert beds
    assert "no song fits" in (beds[0].substitution_reason or "")
    drift = [abs(e.start_error_ms or 0) / 1000 for e in report.as_run
             if e.schedule_item_id and e.asset_id != "s0"]  # fmt: skip
    assert max(drift) < 30.0
    assert _start_s(_entry(report, "id")) == pytest.approx(842.0, abs=1.0)
    assert longest_silence_s(pcm[: 845 * 48_000]) < 1.0
    assert _songs_cut_short(report, world, limit_s=15.0, until_s=850) == []


def test_a_failed_song_stands_in_shorter_rather_than_longer(world: World) -> None:
    # The song closest in length runs 20 s over; one 25 s shorter lets the air run early,
    # which is filled, where late is only mended by dropping or cutting a song.
    world.asset("longer", 210, 222, tail_s=2)
    world.asset("shorter", 220, 177, tail_s=2)
    world.asset("bed", 150, 25, kind=AssetKind.BED, category="fill", tail_s=1)
    world.asset("id", 1200, 6, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)
    for n, seconds in enumerate((90, 202, 100, 110)):
        world.asset(f"s{n}", 300 + 50 * n, seconds, tail_s=2)
    world.plan(*[(f"s{n}", MUSIC) for n in range(4)], ("id", ID, {"hard": True, "at_s": 494}))
    world.without_audio("s1")
    pcm, report = world.render(500)

    stand_in = next(e for e in report.as_run if e.schedule_item_id == "item-001")
    assert stand_in.asset_id == "shorter"
    late = [(e.start_error_ms or 0) / 1000 for e in report.as_run if e.schedule_item_id]
    assert max(late) < 5.0
    assert _start_s(_entry(report, "id")) == pytest.approx(494.0, abs=1.0)
    assert longest_silence_s(pcm[: 495 * 48_000]) < 1.0


def test_a_soft_item_comes_in_where_a_slow_fade_falls_silent(world: World) -> None:
    # The song is planned to its cue-out with no overlap, as before a post the plan fills.
    pcm, report = _slow_fade_before_post(world, post_s=88.0, soft=True)

    assert _start_s(_entry(report, "s1")) < 59.0
    assert longest_silence_s(pcm[: 86 * 48_000]) < 0.3
