"""Timing a link to the music: the budget against the post, the pace, the verdict on a take."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from onair.agents.timing import MAX_TEMPO, Pace, SlotTiming, falls_short, judge_take, slot_timing
from onair.domain.library import AssetKind
from onair.domain.programming import ItemKind, Timing
from onair.domain.schedule import Playable, ScheduledItem

T0 = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


def song(intro_ms: int) -> Playable:
    return Playable(
        id="s1", kind=AssetKind.MUSIC, title="Gold Run", artist="Neon Falls", artists=(),
        artist_keys=(), title_key="gold run", album=None, album_key=None, isrc=None,
        length_ms=200_000, intro_ms=intro_ms, segue_ms=195_000,
    )  # fmt: skip


def link(duration_ms: int, *, talk_up: bool, kind: ItemKind = ItemKind.VOICE) -> ScheduledItem:
    return ScheduledItem(
        id="v1", hour=T0, position=3, start=T0, duration_ms=duration_ms,
        overlap_next_ms=duration_ms if talk_up else 0, kind=kind, category="link",
        why={"talk_up": talk_up},
    )  # fmt: skip


def test_a_talk_up_must_end_the_margin_before_the_songs_post() -> None:
    timing = slot_timing(link(9_500, talk_up=True), song(10_000), Timing(talkup_margin_s=0.5))
    assert timing.talk_up
    assert timing.post_ms == 10_000
    assert timing.budget_ms == 9_500


def test_the_library_intro_wins_over_a_schedule_built_before_reanalysis() -> None:
    # Scheduled as a talk-up over a 12 s intro; the song now measures 6 s.
    timing = slot_timing(link(11_500, talk_up=True), song(6_000), Timing())
    assert timing.budget_ms == 5_500


def test_a_cold_open_is_never_talked_over() -> None:
    timing = slot_timing(link(15_000, talk_up=True), song(1_200), Timing(talkup_min_intro_s=4))
    assert not timing.talk_up
    assert timing.cold_open
    assert timing.budget_ms == 15_000  # airs straight, before the song


def test_a_talk_up_turned_cold_open_gets_the_categorys_length_not_the_intro_it_was_cut_to() -> None:
    planned = replace(link(11_500, talk_up=True), why={"talk_up": True, "planned_ms": 15_000})
    timing = slot_timing(planned, song(800), Timing())
    assert (timing.cold_open, timing.budget_ms) == (True, 15_000)


def test_a_corrected_item_is_budgeted_its_first_planned_length() -> None:
    corrected = replace(link(5_400, talk_up=False), why={
        "talk_up": False, "corrected": {"planned_ms": 15_000, "aired_ms": 5_400}})  # fmt: skip
    assert slot_timing(corrected, song(800), Timing()).budget_ms == 15_000


@pytest.mark.parametrize(
    ("take_ms", "budget_ms", "short"),
    [
        (5_400, 15_000, True),  # the 15 s link voiced at 5.4 s
        (11_900, 15_000, True),  # 3.1 s short
        (12_100, 15_000, False),  # within 3 s and over 70%
        (2_700, 4_000, True),  # under 70% of a short slot
        (2_900, 4_000, False),
    ],
)
def test_a_take_falls_far_short_by_3_s_or_under_70_percent(
    take_ms: int, budget_ms: int, short: bool
) -> None:
    assert falls_short(take_ms, SlotTiming(budget_ms=budget_ms)) is short


def test_a_short_talk_up_never_falls_short_the_intro_plays_on() -> None:
    assert not falls_short(2_000, SlotTiming(budget_ms=11_000, talk_up=True, post_ms=11_500))


def test_promos_and_ids_get_their_planned_length() -> None:
    timing = slot_timing(link(30_000, talk_up=False, kind=ItemKind.PROMO), song(9_000), Timing())
    assert (timing.budget_ms, timing.talk_up) == (30_000, False)


def test_pace_estimates_from_spoken_length_and_budgets_words() -> None:
    text = "Fourteen words spoken at a steady pace by the station voice right before the news."
    pace = Pace.measured(text, seconds=5.0)
    assert pace.estimate_ms(text) == 5_000
    longer = text + " " + text
    assert pace.estimate_ms(longer) == pytest.approx(10_000, abs=300)
    words = pace.word_budget(5_000)
    assert 0.8 * len(text.split()) <= words < len(text.split())  # a margin short of the budget


def test_pace_learns_toward_each_take() -> None:
    pace = Pace(spoken_per_s=4.0, words_per_s=3.0)
    slower = pace.blended("x" * 100, seconds=10.0)  # 100 letters: 20.8 standard words in 10 s
    assert 2.08 < slower.spoken_per_s < 4.0


@pytest.mark.parametrize(
    ("actual_ms", "budget_ms", "fits", "compressed"),
    [
        (9_000, 9_500, True, False),  # fits as voiced
        (10_000, 9_500, True, True),  # 5% over: compressed
        (11_000, 9_500, False, False),  # 16% over: written again shorter
    ],
)
def test_a_take_fits_is_compressed_or_is_rewritten(
    actual_ms: int, budget_ms: int, fits: bool, compressed: bool
) -> None:
    take = judge_take(actual_ms, budget_ms)
    assert take.fits is fits
    assert (take.tempo > 1.0) is compressed
    assert take.tempo <= MAX_TEMPO
    if compressed:
        assert actual_ms / take.tempo <= budget_ms
    if not fits:
        assert actual_ms * take.shrink == pytest.approx(budget_ms)
