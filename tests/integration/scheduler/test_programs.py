"""Station programs applied and read back, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from onair.domain.program_check import program_from
from onair.domain.programming import NoProgram, StationProgram
from onair.scheduler.station_file import load_station_file
from onair.storage.db import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.programs import SqlPrograms

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo() -> StationProgram:
    return load_station_file(DEMO)


def _changed(program: StationProgram, **fields: Any) -> StationProgram:
    return program_from(program.export() | fields)


def test_a_program_applied_is_read_back_whole(engine: Engine, demo: StationProgram) -> None:
    before = datetime.now(UTC)
    applied = SqlPrograms(engine).apply(demo, "/srv/stations/demo.yaml")
    assert (applied.version, applied.source, applied.program) == (
        1,
        "/srv/stations/demo.yaml",
        demo,
    )
    current = SqlPrograms(engine).current("demo")
    assert current.program == demo
    assert current.program.export() == demo.export()
    assert (current.version, current.source) == (1, "/srv/stations/demo.yaml")
    assert current.applied_at == applied.applied_at
    assert before <= current.applied_at <= datetime.now(UTC)


def test_each_apply_is_the_next_version_and_the_highest_is_in_force(
    engine: Engine, demo: StationProgram
) -> None:
    programs = SqlPrograms(engine)
    later = _changed(demo, song_estimate_s=200)
    assert programs.apply(demo, "a.yaml").version == 1
    assert programs.apply(later, "b.yaml").version == 2
    current = programs.current("demo")
    assert (current.version, current.source, current.program) == (2, "b.yaml", later)
    assert programs.apply(demo, "a.yaml").version == 3
    assert programs.current("demo").program == demo


def test_versions_count_per_station(engine: Engine, demo: StationProgram) -> None:
    programs = SqlPrograms(engine)
    programs.apply(demo, "demo.yaml")
    programs.apply(demo, "demo.yaml")
    other = _changed(demo, id="kother", call_letters="KOTH")
    assert programs.apply(other, "other.yaml").version == 1
    assert programs.current("kother").program.call_letters == "KOTH"
    assert programs.current("demo").version == 2


def test_apply_registers_the_station_then_keeps_its_row_up_to_date(
    engine: Engine, demo: StationProgram
) -> None:
    programs, stations = SqlPrograms(engine), Stations(engine)
    programs.apply(demo, "demo.yaml")
    first = stations.get("demo")
    assert (first.name, first.timezone, first.call_letters) == (
        "onair demo FM",
        "America/Chicago",
        "KONR",
    )
    programs.apply(
        _changed(demo, name="onair FM", timezone="Europe/Berlin", call_letters="KNEW"), "new.yaml"
    )
    now = stations.get("demo")
    assert (now.name, now.timezone, now.call_letters) == ("onair FM", "Europe/Berlin", "KNEW")
    assert now.created_at == first.created_at
    assert [s.id for s in stations.all()] == ["demo"]


def test_a_station_without_a_program_has_none_in_force(engine: Engine) -> None:
    Stations(engine).ensure("kxyz", name="KXYZ", timezone="UTC")
    for station in ("kxyz", "nowhere"):
        with pytest.raises(NoProgram, match=f"station '{station}' has no program yet"):
            SqlPrograms(engine).current(station)


def test_applies_at_the_same_time_each_get_their_own_version(
    engine: Engine, demo: StationProgram
) -> None:
    programs = SqlPrograms(engine)
    programs.apply(demo, "first.yaml")  # the station exists, so every apply meets its row
    with ThreadPoolExecutor(4) as pool:
        versions = list(pool.map(lambda n: programs.apply(demo, f"{n}.yaml").version, range(8)))
    assert sorted(versions) == list(range(2, 10))
    assert programs.current("demo").version == 9
