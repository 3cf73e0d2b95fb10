"""Per-station admin settings on both databases."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from onair.storage.repositories import (
    AdminSettings,
    InvalidAdminSetting,
    SettingNotFound,
    StationNotFound,
)
from onair.storage.repositories.admin_settings import JsonValue
from tests.integration.storage.conftest import STATION


@pytest.mark.parametrize(
    "value",
    [
        {"crossfade_s": 2.5, "duck_db": -12, "enabled": True, "ids": ["a", "b"], "note": None},
        [1, 2.25, "three"],
        "Europe/Berlin",
        0,
        False,
        None,
    ],
)
def test_a_value_reads_back_as_written(session: Session, value: JsonValue) -> None:
    AdminSettings(session).put(STATION, "playout", value)
    session.commit()
    assert AdminSettings(session).get(STATION, "playout").value == value


def test_put_replaces_and_moves_updated_at(session: Session) -> None:
    settings = AdminSettings(session)
    first = settings.put(STATION, "loudness_target", -23)
    session.commit()
    settings.put(STATION, "loudness_target", -16)
    session.commit()
    now = settings.get(STATION, "loudness_target")
    assert now.value == -16
    assert first.updated_at < now.updated_at <= datetime.now(UTC)
    assert now.updated_at.tzinfo == UTC


def test_for_station_lists_by_key_and_delete_removes(session: Session) -> None:
    settings = AdminSettings(session)
    settings.put(STATION, "b", 2)
    settings.put(STATION, "a", 1)
    session.commit()
    assert [(s.key, s.value) for s in settings.for_station(STATION)] == [("a", 1), ("b", 2)]
    settings.delete(STATION, "a")
    session.commit()
    assert [s.key for s in settings.for_station(STATION)] == ["b"]
    with pytest.raises(SettingNotFound, match="'a'"):
        settings.get(STATION, "a")
    with pytest.raises(SettingNotFound):
        settings.delete(STATION, "a")


def test_unknown_station_and_bad_values_are_refused(session: Session) -> None:
    settings = AdminSettings(session)
    with pytest.raises(StationNotFound, match="nowhere"):
        settings.put("nowhere", "a", 1)
    with pytest.raises(InvalidAdminSetting, match="not a JSON value"):
        settings.put(STATION, "a", math.nan)
    with pytest.raises(InvalidAdminSetting, match="not a JSON value"):
        settings.put(STATION, "a", {"when": datetime.now(UTC)})  # type: ignore[dict-item]
    with pytest.raises(InvalidAdminSetting, match="key"):
        settings.put(STATION, "", 1)
    assert settings.for_station(STATION) == []
