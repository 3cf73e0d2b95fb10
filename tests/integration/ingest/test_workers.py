"""Ingest spread over two workers in a NATS queue group, on a real nats-server."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from onair.bus.nats_bus import NatsJetStreamBus
from onair.domain.events import Envelope
from onair.ingest.batch import find_audio, run_batch
from onair.ingest.examine import IngestOptions
from onair.ingest.ffmpeg.demo_library import build_demo_library
from onair.ingest.intake import Intake, Outcome, Status
from onair.ingest.workers import RemoteIntake, serve_ingest
from onair.storage.db import create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from tests.fixtures.nats import NatsServer

STATION = "demo"


@pytest.fixture(scope="module")
def songs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("songs")
    build_demo_library(out, 16, seed=11, seconds=(6.0, 9.0))
    return out


@pytest.fixture
def library(tmp_path: Path) -> Iterator[SqlLibrary]:
    url = f"sqlite:///{tmp_path / 'onair.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    Stations(engine).ensure(STATION, name="Demo", timezone="UTC")
    yield SqlLibrary(engine)
    engine.dispose()


@pytest.fixture
async def buses(nats_server: NatsServer, tmp_path: Path) -> AsyncIterator[list[NatsJetStreamBus]]:
    made = [
        NatsJetStreamBus(nats_server.url, STATION, spool_dir=tmp_path / f"spool{n}")
        for n in range(3)
    ]
    for bus in made:
        await bus.start()
    yield made
    for bus in made:
        await bus.close()


async def test_each_file_goes_to_one_worker_and_both_work(
    songs: Path, library: SqlLibrary, buses: list[NatsJetStreamBus], tmp_path: Path
) -> None:
    store = FilesystemObjectStore(tmp_path / "objects")
    client, *worker_buses = buses
    handled: Counter[str] = Counter()
    by_worker: list[list[str]] = [[], []]
    events: list[Envelope] = []

    async def heard(envelope: Envelope) -> None:
        events.append(envelope)

    await client.subscribe("ingest.*", heard, durable="test-events")
    with ThreadPoolExecutor(4) as pool:
        for n, bus in enumerate(worker_buses):

            def record(outcome: Outcome, n: int = n) -> None:
                handled[outcome.path] += 1
                by_worker[n].append(outcome.path)

            worker = Intake(STATION, library, store, IngestOptions(), pool, record, bus=bus)
            await serve_ingest(bus, worker, slots=2)
        local = Intake(STATION, library, store, IngestOptions(), pool)
        files = find_audio([songs]).files
        summary = await run_batch(RemoteIntake(client, STATION, local), files, in_flight=8)

    assert summary.counts[Status.INGESTED] == len(files) == 16
    assert set(handled.values()) == {1}  # no file twice
    assert all(by_worker), f"one worker did everything: {[len(w) for w in by_worker]}"
    assert library.count(STATION) == 16
    async with asyncio.timeout(10):
        while len(events) < 16:
            await asyncio.sleep(0.05)
    assert {e.type for e in events} == {"ingest.asset_ingested"}
    assert {e.correlation.asset_id for e in events} == {a.id for a in library.page(STATION)}
