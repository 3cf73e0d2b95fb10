"""An item given the length it airs for: the hour re-timed to land the same post, verified.

A built day of a station with hard news at 30:00 and straight links before
cold-open songs; a link voiced 5.4 s of its 15 s is corrected and the rest
of its stretch lands where it did, through the last song's end, fill, or
not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import pytest

from onair.domain.library import AssetKind
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import HourPlan, Playable, ScheduledItem, ms
from onair.scheduler.planning import natural_overlap
from onair.scheduler.retiming import Fill, LengthCorrection, PlanNotCorrected, Retimed, retime
from tests.unit.scheduler.factory import build, imaging, program, song, station_ids, verify

DAY = date(2027, 3, 2)
CATEGORIES = {
    "music": {"type": "music"},
    "legal_id": {"type": "id"},
    "link": {"type": "voice", "planned_s": 15},
    "news": {"type": "news", "planned_s": 120},
    "fill": {"type": "fill"},
}
CLOCK = [
    {"category": "legal_id", "at": "00:00", "hard": True},
    {"category": "music"},
    {"category": "link"},
    {"category": "music"},
    {"category": "music"},
    {"category": "news", "at": "30:00", "hard": True},
    {"category": "music"},
    {"category": "link"},
    {"category": "music"},
    {"category": "music"},
]


def _songs(count: int, *, segue_s: int, intro_s: float) -> list[Playable]:
    return [
        song(f"s{n:03d}", length_s=200 + n % 70, intro_s=intro_s, segue_s=200 + n % 70 - segue_s)
        for n in range(count)
    ]


def _beds() -> list[Playable]:
    return [imaging(f"bed{s}", AssetKind.BED, length_s=s, category="fill") for s in (4, 8, 12)]


@dataclass(frozen=True)
class Station:
    program: StationProgram
    library: list[Playable]
    plans: list[HourPlan]

    def fix(self, item: ScheduledItem, length_ms: int, *, straight: bool = True) -> Retimed:
        plan = next(p for p in self.plans if p.start == item.hour)
        fills = [Fill("fill", b) for b in self.library if b.kind is AssetKind.BED]
        return retime(
            plan,
            LengthCorrection(item.id, length_ms, straight, "voiced short"),
            songs={s.id: s for s in self.library},
            fills=fills,
            fade_ms=round(self.program.timing.early_fade_s * 1000),
            clock=lambda at: str(at),
        )


def _station(library: Sequence[Playable]) -> Station:
    prog = program(categories=CATEGORIES, slots=CLOCK, song_estimate_s=230)
    every = [*library, *station_ids(2)]
    return Station(prog, every, build(prog, every, DAY))


def _link(station: Station, hour: int = 3) -> ScheduledItem:
    return next(i for i in station.plans[hour].items if i.kind is ItemKind.VOICE)


def _post_after(plan: HourPlan, item: ScheduledItem) -> ScheduledItem | None:
    return next((i for i in plan.items if i.hard and i.start > item.start), None)


def _problems(station: Station, plans: Sequence[HourPlan]) -> set[tuple[str | None, str]]:
    return {(v.item_id, v.rule) for v in verify(station.program, station.library, plans)}


@pytest.fixture(scope="module")
def fading() -> Station:
    """Cold opens (links run straight) and songs that segue 5 s before their end."""
    return _station([*_songs(150, segue_s=5, intro_s=0.5), *_beds()])


def test_a_short_link_moves_the_stretch_up_and_the_post_stays(fading: Station) -> None:
    link = _link(fading)
    assert link.duration_ms == 15_000
    assert link.overlap_next_ms == 0
    plan = fading.plans[3]
    retimed = fading.fix(link, 5_400)
    after = {i.id: i for i in retimed.plan.items}
    fixed = after[link.id]
    following = retimed.plan.items[fixed.position + 1]
    assert (fixed.duration_ms, fixed.overlap_next_ms) == (5_400, 0)
    assert following.start == fixed.start + ms(5_400)  # no gap in the plan
    assert retimed.shift_ms == -9_600
    post = _post_after(plan, link)
    assert post is not None
    assert after[post.id].start == post.start == post.nominal_start
    for before, nxt in pairwise(retimed.plan.items):
        assert nxt.start == before.next_start
    assert fixed.why["corrected"] == {
        "planned_ms": 15_000, "aired_ms": 5_400, "shift_ms": -9_600, "reason": "voiced short",
    }  # fmt: skip
    assert retimed.note in retimed.plan.notes
    assert "9.6 s earlier" in retimed.note
    whole = [retimed.plan if p.start == plan.start else p for p in fading.plans]
    assert _problems(fading, whole) <= _problems(fading, fading.plans)


def test_the_last_song_of_the_stretch_plays_more_of_its_end_first(fading: Station) -> None:
    link = _link(fading)
    plan = fading.plans[3]
    post = _post_after(plan, link)
    assert post is not None
    songs = {s.id: s for s in fading.library}
    last = [i for i in plan.items if i.kind is ItemKind.MUSIC and link.start < i.start < post.start]
    retimed = fading.fix(link, 13_000)  # 2 s short: the last song's crossfade gives it
    landed = next(i for i in retimed.plan.items if i.id == last[-1].id)
    assert landed.overlap_next_ms == last[-1].overlap_next_ms - 2_000
    assert landed.overlap_next_ms >= 0
    assert natural_overlap(songs[landed.asset_id or ""]) >= 2_000
    assert len(retimed.plan.items) == len(plan.items)


def test_a_gap_the_songs_cannot_give_is_filled_from_the_fill_category(fading: Station) -> None:
    link = _link(fading)
    plan = fading.plans[3]
    retimed = fading.fix(link, 2_000)  # 13 s short
    before = {i.id for i in plan.items}
    fills = [i for i in retimed.plan.items if i.id not in before]
    assert fills
    assert all(i.kind is ItemKind.FILL for i in fills)
    assert all(i.asset_id and i.asset_id.startswith("bed") for i in fills)
    assert "fill bed" in retimed.note
    for before, nxt in pairwise(retimed.plan.items):
        assert nxt.start == before.next_start
        assert before.overlap_next_ms >= 0
    assert [i.position for i in retimed.plan.items] == list(range(len(retimed.plan.items)))


def test_a_length_as_planned_moves_nothing_and_a_short_talk_up_takes_no_airtime(
    fading: Station,
) -> None:
    link = _link(fading)
    assert fading.fix(link, 15_000).plan.items == fading.plans[3].items
    talk = fading.fix(link, 6_000, straight=False)  # over the next song's intro
    fixed = next(i for i in talk.plan.items if i.id == link.id)
    assert fixed.overlap_next_ms == fixed.duration_ms == 6_000
    assert fixed.why["talk_up"] is True
    assert talk.shift_ms == -15_000


def test_a_talk_up_that_must_air_straight_pushes_the_stretch_and_fades_within_the_allowance() -> (
    None
):
    intros = _station(_songs(150, segue_s=5, intro_s=10))
    link = _link(intros)
    assert link.overlap_next_ms == link.duration_ms  # planned over the next song's intro
    retimed = intros.fix(link, 8_000)  # the intro turned out too short: it airs straight
    fixed = next(i for i in retimed.plan.items if i.id == link.id)
    following = retimed.plan.items[fixed.position + 1]
    assert (fixed.overlap_next_ms, fixed.why["talk_up"]) == (0, False)
    assert following.start == fixed.end
    assert retimed.shift_ms == 8_000
    songs = {s.id: s for s in intros.library}
    allowance = round(intros.program.timing.early_fade_s * 1000)
    for item in retimed.plan.items:
        if item.kind is ItemKind.MUSIC:
            assert item.overlap_next_ms - natural_overlap(songs[item.asset_id or ""]) <= allowance
    assert "faded earlier" in retimed.note
    plan = intros.plans[3]
    assert _problems(intros, [retimed.plan]) <= _problems(intros, [plan])


def test_a_stretch_with_nothing_to_take_up_the_gap_is_refused() -> None:
    bare = _station(_songs(150, segue_s=0, intro_s=0.5))  # songs end cold, no fill
    link = _link(bare)
    plan = bare.plans[3]
    post = _post_after(plan, link)
    end = post.start if post else plan.end
    stretch = [i for i in plan.items if link.start < i.start < end]
    give = sum(i.overlap_next_ms for i in stretch if i.kind is ItemKind.MUSIC)  # early fades
    assert give < 14_000
    with pytest.raises(PlanNotCorrected, match=r"s short of the .* post"):
        bare.fix(link, 15_000 - give - 1_000)
    # An overrun fades the last song within the station's allowance instead.
    longer = bare.fix(link, 20_000)
    assert longer.shift_ms == 5_000
    assert _problems(bare, [longer.plan]) <= _problems(bare, [plan])
