"""The planning desk: what placing and taking back a song leaves behind."""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

from onair.domain.programming import ItemKind
from onair.scheduler.air_history import AirHistory
from onair.scheduler.desk import Desk, Draft, natural_overlap
from onair.scheduler.rotation import Rotation
from tests.unit.scheduler.factory import program, song

ZONE = ZoneInfo("America/Chicago")


def _desk() -> Desk:
    tune = song("tune", length_s=200, segue_s=195)
    rotation = Rotation([tune], random.Random(1))
    return Desk(
        program(), {"music": rotation}, {"music": []}, AirHistory(7 * 86_400_000), ZONE,
        spans={}, usual={}, reach={}, longest_overlap={},
    )  # fmt: skip


def test_a_song_taken_back_leaves_an_empty_position_that_takes_no_time() -> None:
    desk = _desk()
    draft = Draft(ItemKind.MUSIC, "music", 1)
    tune = desk.rotations["music"].songs["tune"]
    desk.place(draft, tune, 1_800_000_000_000)
    assert (draft.length_ms, draft.overlap_ms) == (200_000, natural_overlap(tune))
    assert len(desk.history.plays) == 1
    desk.unplace(draft)
    assert (draft.song, draft.length_ms, draft.overlap_ms, draft.advance_ms) == (None, 0, 0, 0)
    assert desk.history.plays == []
    assert next(desk.rotations["music"].candidates()) is tune  # back in rotation
