"""The planning state: what placing and taking back a song leaves behind."""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

from onair.domain.programming import ItemKind
from onair.scheduler.air_history import AirHistory
from onair.scheduler.planning import Draft, PlanningState, natural_overlap
from onair.scheduler.rotation import Rotation
from tests.unit.scheduler.factory import program, song

ZONE = ZoneInfo("America/Chicago")


def _planning() -> PlanningState:
    tune = song("tune", length_s=200, segue_s=195)
    rotation = Rotation([tune], random.Random(1))
    return PlanningState(
        program(), {"music": rotation}, {"music": []}, AirHistory(7 * 86_400_000), ZONE,
        spans={}, usual={}, reach={}, longest_overlap={},
    )  # fmt: skip


def test_a_song_taken_back_leaves_an_empty_position_that_takes_no_time() -> None:
    planning = _planning()
    draft = Draft(ItemKind.MUSIC, "music", 1)
    tune = planning.rotations["music"].songs["tune"]
    planning.place(draft, tune, 1_800_000_000_000)
    assert (draft.length_ms, draft.overlap_ms) == (200_000, natural_overlap(tune))
    assert len(planning.history.plays) == 1
    planning.unplace(draft)
    assert (draft.song, draft.length_ms, draft.overlap_ms, draft.advance_ms) == (None, 0, 0, 0)
    assert planning.history.plays == []
    assert next(planning.rotations["music"].candidates()) is tune  # back in rotation
