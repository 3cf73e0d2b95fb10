"""The next items and the under/over to the next hard post, as the studio's clock shows them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from onair.domain.programming import ItemKind
from onair.playout.lineup import AirRules
from onair.playout.lineup_timing import lineup_timed
from onair.playout.timeline import TimelineSettings

from .world import World

MUSIC = ItemKind.MUSIC


def test_the_next_items_and_how_early_the_air_reaches_the_hard_post(tmp_path: Path) -> None:
    world = World(tmp_path)
    for n in range(4):
        world.asset(f"s{n}", 300 + 40 * n, 4.0, tail_s=1.0, intro_s=1.0)
    # Each song segues 3 s in: the air reaches s3 at 9 s; its hard post is at 20 s.
    world.plan(("s0", MUSIC), ("s1", MUSIC), ("s2", MUSIC),
               ("s3", MUSIC, {"hard": True, "at_s": 20.0}))  # fmt: skip
    rules = AirRules(window=timedelta(minutes=1))
    timeline = world.timeline(TimelineSettings(silence_s=3.0), rules)
    timeline.begin()
    assert lineup_timed(timeline)["items"] == []  # nothing on the air yet
    timeline.advance(2400)
    timed = lineup_timed(timeline)
    assert [(i["asset_id"], i["title"]) for i in timed["items"]] == [
        ("s1", "Title s1"), ("s2", "Title s2"), ("s3", "Title s3")]  # fmt: skip
    assert [i["expected_start"][11:19] for i in timed["items"]] == ["14:00:03", "14:00:06",
                                                                   "14:00:09"]  # fmt: skip
    assert timed["hard_post"] == {"schedule_item_id": "item-003", "at": "2027-03-01T14:00:20+00:00"}
    assert timed["under_over_ms"] == -11_000  # under: 11 s early

    timeline.insert_next("s2")  # an operator's insert airs next, and makes the air later
    timed = lineup_timed(timeline)
    assert [i["asset_id"] for i in timed["items"]] == ["s2", "s1", "s2", "s3"]
    assert [i["inserted"] for i in timed["items"]] == [True, False, False, False]
    assert timed["under_over_ms"] == -8_000  # s2 segues 3 s in: 3 s less early
