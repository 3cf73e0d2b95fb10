"""Stations, instants and processed events, on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from onair.storage.db import create_engine_for, session_factory
from onair.storage.repositories import (
    DatabaseSeenEvents,
    ProcessedEvents,
    StationNotFound,
    Stations,
)
from onair.storage.tables import ProcessedEvent, Station
from tests.integration.storage.conftest import STATION

EVENT = "01JD0000000000000000000000"


async def test_processed_events_survive_a_new_process(engine: Engine, database_url: str) -> None:
    seen = DatabaseSeenEvents(engine)
    assert not await seen.seen("compliance", EVENT)
    await seen.remember("compliance", EVENT)
    await seen.remember("compliance", EVENT)  # a redelivery
    other = create_engine_for(database_url)
    try:
        again = DatabaseSeenEvents(other)
        assert await again.seen("compliance", EVENT)
        assert not await again.seen("playout", EVENT)
    finally:
        other.dispose()


def test_mark_if_new_is_true_once_per_consumer(session: Session) -> None:
    processed = ProcessedEvents(session)
    assert processed.mark_if_new("compliance", EVENT)
    assert not processed.mark_if_new("compliance", EVENT)
    assert processed.mark_if_new("playout", EVENT)
    session.commit()
    assert not ProcessedEvents(session).mark_if_new("compliance", EVENT)


def test_a_mark_rolled_back_with_its_handler_is_handled_again(engine: Engine) -> None:
    sessions = session_factory(engine)
    with sessions() as session:
        assert ProcessedEvents(session).mark_if_new("compliance", EVENT)
        session.rollback()  # the handler failed
    with sessions() as session:
        assert not ProcessedEvents(session).is_processed("compliance", EVENT)
        assert ProcessedEvents(session).mark_if_new("compliance", EVENT)


def test_concurrent_marks_of_one_event_let_exactly_one_through(engine: Engine) -> None:
    sessions, start, results = session_factory(engine), threading.Barrier(6), []

    def deliver() -> None:
        with sessions() as session:
            start.wait()
            results.append(ProcessedEvents(session).mark_if_new("ingest", EVENT))
            session.commit()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]


def test_prune_forgets_only_old_events(session: Session) -> None:
    now = datetime.now(UTC)
    session.add(ProcessedEvent(consumer="c", event_id="old", processed_at=now - timedelta(days=9)))
    session.add(ProcessedEvent(consumer="c", event_id="new", processed_at=now))
    session.commit()
    assert ProcessedEvents(session).prune(older_than=now - timedelta(days=7)) == 1
    session.commit()
    assert ProcessedEvents(session).mark_if_new("c", "old")
    assert not ProcessedEvents(session).mark_if_new("c", "new")


@pytest.mark.parametrize(
    "aired",
    [
        datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=UTC),
        datetime(2026, 10, 25, 2, 30, 0, 1, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_instants_come_back_in_utc_with_microseconds(engine: Engine, aired: datetime) -> None:
    with Session(engine) as session:
        session.add(Station(id="kabc", name="KABC", timezone="Europe/Berlin", created_at=aired))
        session.commit()
    with Session(engine) as session:
        station = session.get(Station, "kabc")
        assert station is not None
        assert station.created_at == aired
        assert station.created_at.tzinfo == UTC
        assert station.created_at.microsecond == aired.microsecond


def test_naive_instants_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Station(id="k", name="K", timezone="UTC", created_at=datetime(2026, 1, 1)))
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            session.commit()


def test_stations_are_registered_and_updated(engine: Engine) -> None:
    stations = Stations(engine)
    with pytest.raises(StationNotFound, match="kabc"):
        stations.get("kabc")
    first = stations.ensure("kabc", name="KABC 101.1", timezone="America/Chicago")
    again = stations.ensure("kabc", name="KABC", timezone="America/Chicago", call_letters="KABC")
    assert again.created_at == first.created_at
    assert stations.get("kabc").call_letters == "KABC"
    assert stations.get("kabc").name == "KABC"
    assert [s.id for s in stations.all()] == ["kabc", STATION]
