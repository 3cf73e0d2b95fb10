"""What the plan must say for a segment to air as planned: its length, straight or over a song."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from onair.agents.agreement import correction_for, over_vocal
from onair.domain.programming import ItemKind
from onair.domain.schedule import ScheduledItem
from onair.domain.segments import Segment, SegmentKind, SegmentStatus

T0 = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


def item(duration_ms: int, *, talk_up: bool = False) -> ScheduledItem:
    return ScheduledItem(
        id="v1", hour=T0, position=3, start=T0, duration_ms=duration_ms,
        overlap_next_ms=duration_ms if talk_up else 0, kind=ItemKind.VOICE, category="link",
        why={"talk_up": talk_up},
    )  # fmt: skip


def segment(duration_ms: int, *, post_ms: int | None = None) -> Segment:
    return Segment(
        id="s1", station="test", schedule_item_id="v1", hour=T0, kind=SegmentKind.VOICE_LINK,
        status=SegmentStatus.READY, language="en", script="That was it.", generator="rules",
        planned_ms=15_000, estimated_ms=duration_ms, duration_ms=duration_ms, post_ms=post_ms,
    )  # fmt: skip


def test_a_straight_link_voiced_short_is_planned_for_its_length() -> None:
    wanted = correction_for(item(15_000), segment(5_400))
    assert wanted is not None
    assert (wanted.length_ms, wanted.straight) == (5_400, True)
    assert wanted.reason == "voiced 5.4 s of the 15.0 s planned"


def test_a_plan_within_a_tenth_of_a_second_is_left_alone() -> None:
    assert correction_for(item(15_000), segment(14_950)) is None
    assert correction_for(item(9_000, talk_up=True), segment(9_000, post_ms=9_500)) is None


def test_a_link_planned_over_an_intro_that_airs_straight_is_planned_straight() -> None:
    wanted = correction_for(item(11_500, talk_up=True), segment(11_500))
    assert wanted is not None
    assert wanted.straight
    assert "too short to talk over" in wanted.reason


def test_a_stand_in_is_planned_for_its_length_and_a_drop_for_nothing() -> None:
    liner = replace(segment(6_000), status=SegmentStatus.FALLBACK, generator="imaging")
    wanted = correction_for(item(15_000), liner)
    assert wanted is not None
    assert wanted.reason == "the liner standing in runs 6.0 s"
    dropped = replace(segment(0), status=SegmentStatus.DROPPED, generator="none")
    assert correction_for(item(15_000), dropped) is None


def test_a_straight_segment_on_a_plan_over_the_next_song_would_air_over_its_vocal() -> None:
    assert over_vocal(item(11_500, talk_up=True), segment(9_000))
    assert not over_vocal(item(11_500, talk_up=True), segment(9_000, post_ms=12_000))
    assert not over_vocal(item(15_000), segment(9_000))
