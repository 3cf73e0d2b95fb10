"""The DMCA performance complement (17 U.S.C. 114(j)(13)) kept at air time, in rendered hours."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from onair.domain.library import AssetKind
from onair.domain.playout import AsRunEntry
from onair.domain.programming import ItemKind

from .world import T0, World

MUSIC, ID = ItemKind.MUSIC, ItemKind.ID


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _song(
    world: World, asset_id: str, artist: str, seconds: float = 10, category: str = "music"
) -> None:
    freq = 300 + 20 * len(world.playables)
    world.asset(asset_id, freq, seconds, tail_s=2, artist=artist, category=category)


def _music(report_entries: list[AsRunEntry]) -> list[tuple[str | None, str | None]]:
    return [(e.asset_id, e.artist) for e in report_entries if e.kind is MUSIC]


def _kept(entries: list[AsRunEntry], artist_max: int = 4, in_row: int = 3) -> bool:
    """Whether no artist has more than ``artist_max`` songs within 3 h or ``in_row`` in a row."""
    songs = [e for e in entries if e.kind is MUSIC]
    for n, entry in enumerate(songs):
        before = [e for e in songs[:n] if entry.actual_start - e.actual_start <= timedelta(hours=3)]
        if sum(e.artist == entry.artist for e in before) + 1 > artist_max:
            return False
        row = songs[max(0, n - in_row) : n]
        if len(row) == in_row and all(e.artist == entry.artist for e in row):
            return False
    return True


def test_a_scheduled_fifth_song_by_one_artist_is_swapped_for_one_of_its_category(
    world: World,
) -> None:
    for n in range(1, 6):
        _song(world, f"x{n}", "Artist X")
    for n in range(1, 5):
        _song(world, f"y{n}", "Artist Y")
    _song(world, "z", "Artist Z")  # in the category, never scheduled
    _song(world, "other", "Artist X", category="gold")  # another category: never the stand-in
    world.plan(*((f"{a}{n}", MUSIC) for n in range(1, 5) for a in "xy"), ("x5", MUSIC))
    _, report = world.render(80)

    fifth = next(e for e in report.as_run if e.schedule_item_id == "item-008")
    assert fifth.asset_id == "z"
    assert fifth.category == "music"
    assert fifth.substitution_reason == "scheduled x5 would be 5 by Artist X within 3 h"
    assert "x5" not in {e.asset_id for e in report.as_run}
    assert _kept(report.as_run)


def test_fallback_rotation_skips_a_song_that_would_break_the_row(world: World) -> None:
    for n in range(1, 6):
        _song(world, f"x{n}", "Artist X")
    _song(world, "z", "Artist Z")
    world.plan(("x1", MUSIC), ("x2", MUSIC), ("x3", MUSIC))  # then the schedule runs out
    _, report = world.render(36)

    songs = _music(report.as_run)
    assert songs[:4] == [
        ("x1", "Artist X"),
        ("x2", "Artist X"),
        ("x3", "Artist X"),
        ("z", "Artist Z"),
    ]
    assert (report.as_run[3].substitution_reason or "").startswith("fallback rotation")
    assert _kept(report.as_run)


def test_fill_to_a_hard_post_skips_a_song_that_would_break_the_row(world: World) -> None:
    for n in range(1, 4):
        _song(world, f"x{n}", "Artist X")
    _song(world, "xf", "Artist X", 18, "fill")  # the best fit, and a fourth X in a row
    _song(world, "zf", "Artist Z", 12, "fill")
    world.asset("id", 1200, 6, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0)
    world.plan(("x1", MUSIC), ("x2", MUSIC), ("x3", MUSIC), ("id", ID, {"hard": True, "at_s": 45}))
    _, report = world.render(52)

    after_x3 = [e.asset_id for e in report.as_run][3]
    assert after_x3 == "zf"
    assert _kept(report.as_run)
    hard = next(e for e in report.as_run if e.asset_id == "id")
    assert abs((hard.actual_start - T0).total_seconds() - 45.0) < 1.0


def test_with_no_compliant_candidate_the_least_bad_airs_and_says_so(world: World) -> None:
    for n in range(1, 5):
        _song(world, f"x{n}", "Artist X")
    world.plan(("x1", MUSIC), ("x2", MUSIC), ("x3", MUSIC))
    _, report = world.render(36)

    fourth = report.as_run[3]
    assert fourth.asset_id == "x4"  # the air never goes silent
    assert "no candidate keeps the DMCA complement" in (fourth.substitution_reason or "")
    assert "would be 4 by Artist X in a row" in (fourth.substitution_reason or "")


def test_an_operator_insert_airs_as_asked_and_counts_for_what_follows(world: World) -> None:
    world.t0 = T0 - timedelta(hours=1)
    for n in range(1, 5):
        _song(world, f"x{n}", "Artist X")
    _song(world, "x5", "Artist X", 30)
    _song(world, "y1", "Artist Y")
    _song(world, "z", "Artist Z")
    world.plan(
        ("x1", MUSIC), ("x2", MUSIC, {"at_s": 600}), ("x3", MUSIC, {"at_s": 1200}),
        ("y1", MUSIC, {"at_s": 3600}), ("x5", MUSIC), ("z", MUSIC),
    )  # fmt: skip
    timeline = world.timeline(t0=T0)
    timeline.lineup.insert_next(
        "x4"
    )  # a fourth X in a row with the three before: the operator's call
    _, report = world.render(30, timeline)

    inserted = report.as_run[0]
    assert (inserted.asset_id, inserted.substitution_reason) == ("x4", "inserted by an operator")
    assert report.as_run[1].asset_id == "y1"
    # The insert counts: x5 would be X's fifth in 3 h, so it is swapped.
    stand_in = report.as_run[2]
    assert stand_in.schedule_item_id == "item-004"
    assert stand_in.artist != "Artist X"
    assert stand_in.substitution_reason == "scheduled x5 would be 5 by Artist X within 3 h"


def test_the_window_counts_songs_scheduled_before_the_engine_started(world: World) -> None:
    world.t0 = T0 - timedelta(hours=2)
    for n in range(1, 6):
        _song(world, f"x{n}", "Artist X")
    _song(world, "y1", "Artist Y")
    _song(world, "z", "Artist Z")
    world.plan(
        ("x1", MUSIC), ("y1", MUSIC, {"at_s": 600}), ("x2", MUSIC, {"at_s": 1800}),
        ("x3", MUSIC, {"at_s": 3600}), ("x4", MUSIC, {"at_s": 5400}),
        ("x5", MUSIC, {"at_s": 7200}), ("z", MUSIC),
    )  # fmt: skip
    _, report = world.render(15, world.timeline(t0=T0))

    first = report.as_run[0]
    assert first.schedule_item_id == "item-005"
    assert first.asset_id != "x5"
    assert first.artist != "Artist X"
    assert first.substitution_reason == "scheduled x5 would be 5 by Artist X within 3 h"
