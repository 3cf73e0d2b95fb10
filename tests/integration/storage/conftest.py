"""A migrated database with one registered station, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from onair.storage.db import create_engine_for, session_factory
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations

STATION = "kxyz"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    Stations(engine).ensure(STATION, name="KXYZ 101.1", timezone="America/Chicago")
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session
