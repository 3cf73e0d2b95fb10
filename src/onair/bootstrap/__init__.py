"""The one place that turns settings into wired adapters and running services.

Embedded defaults (SQLite, a folder, the in-process bus) and the real services
(PostgreSQL, S3, NATS JetStream) are chosen here from settings, never by code
edits elsewhere.
"""

from __future__ import annotations

import asyncio
import errno
import multiprocessing
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine

from onair.agents.desk import AgentDesk
from onair.api import create_app
from onair.bootstrap.adapters import (
    ROLES,
    StartupError,
    Station,
    _bus,
    _engine,
    _object_store,
    _schema_ready,
    current_database_revision,
    downgrade_database,
    masked_database_url,
    open_station,
    prepare_data_dir,
    upgrade_database,
)
from onair.bootstrap.agents import open_agents, open_segments, start_agents
from onair.bootstrap.compliance import Compliance, open_compliance, start_compliance
from onair.bootstrap.playout import (
    Playout,
    open_as_run,
    open_render,
    playout_rules,
    start_playout,
    station_zone,
    timeline_settings,
)
from onair.bus import BusError
from onair.compliance.desk import ComplianceDesk
from onair.config import BusKind, Settings
from onair.domain.events import new_envelope
from onair.domain.library import SOUND_DIMENSIONS, AssetKind
from onair.ingest.batch import BatchSummary, Ingests, run_batch
from onair.ingest.catalog_load import CatalogLoad, load_catalog
from onair.ingest.discovery import Discovery
from onair.ingest.examine import IngestOptions
from onair.ingest.intake import Intake, Outcome
from onair.ingest.minilm_embedder import MiniLmEmbedder
from onair.ingest.workers import RemoteIntake, serve_ingest
from onair.observability import configure_logging, get_logger
from onair.observability.metrics import BusMetrics
from onair.observability.tracing import configure_tracing
from onair.playout.stream_app import StreamApp
from onair.scheduler.desk import ScheduleDesk
from onair.scheduler.ports import ProgramStore
from onair.scheduler.publishing import build_and_publish
from onair.scheduler.service import BuildReport, Scheduler
from onair.storage.object_store import ObjectStore
from onair.storage.pg_vector_index import PgVectorIndex
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.sqlite_vector_index import SqliteVectorIndex
from onair.storage.text_search import SqlTextSearch

__all__ = [
    "ROLES",
    "Compliance",
    "LibraryAccess",
    "Playout",
    "StartupError",
    "Station",
    "build_schedule",
    "current_database_revision",
    "downgrade_database",
    "ingest_options",
    "load_catalogs",
    "masked_database_url",
    "open_agents",
    "open_as_run",
    "open_compliance",
    "open_discovery",
    "open_library",
    "open_programs",
    "open_render",
    "open_scheduler",
    "open_segments",
    "open_station",
    "playout_rules",
    "prepare_data_dir",
    "run_ingest",
    "serve",
    "start_playout",
    "station_zone",
    "timeline_settings",
    "upgrade_database",
]


log = get_logger("onair.bootstrap")


@dataclass
class LibraryAccess:
    """The library and its object store, for commands that run outside ``serve``."""

    settings: Settings
    engine: Engine
    library: SqlLibrary
    objects: ObjectStore

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> LibraryAccess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_library(settings: Settings) -> LibraryAccess:
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        objects = _object_store(settings)
    except BaseException:
        engine.dispose()
        raise
    return LibraryAccess(settings, engine, SqlLibrary(engine), objects)


@contextmanager
def open_programs(settings: Settings) -> Iterator[ProgramStore]:
    """The station programs in the settings' database, for commands that run outside ``serve``."""
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        yield SqlPrograms(engine)
    finally:
        engine.dispose()


@contextmanager
def open_scheduler(settings: Settings) -> Iterator[Scheduler]:
    """The scheduler over the settings' database, for commands that run outside ``serve``."""
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        yield Scheduler(SqlPrograms(engine), SqlScheduleLibrary(engine), SqlSchedules(engine))
    finally:
        engine.dispose()


def build_schedule(
    settings: Settings, scheduler: Scheduler, station: str, first_day: date, days: int, seed: int
) -> BuildReport:
    """Build and store the hours, then publish ``schedule.published`` for each one built.

    The bus is reached first: when it cannot be, the command fails with its
    one line and nothing is built, so no hour is stored that was never announced.
    """

    async def build() -> BuildReport:
        engine = _engine(settings)
        tracing = configure_tracing("none", "onair-scheduler", settings.otlp_endpoint)
        bus = _bus(settings, engine, BusMetrics(CollectorRegistry(), service="scheduler"), tracing)
        try:
            await bus.start()
            return await build_and_publish(scheduler, bus, station, first_day, days, seed)
        except BusError as exc:
            raise StartupError(str(exc)) from exc
        finally:
            await bus.close()
            engine.dispose()

    return asyncio.run(build())


def open_discovery(access: LibraryAccess) -> Discovery:
    """Search and similarity over the library (the embedding model loads on first use)."""
    index = PgVectorIndex if access.engine.dialect.name == "postgresql" else SqliteVectorIndex
    return Discovery(
        access.library,
        MiniLmEmbedder(),
        meanings=index(access.engine),
        sounds=index(access.engine, SOUND_DIMENSIONS, table="asset_sounds"),
        words=SqlTextSearch(access.engine),
    )


def ingest_options(settings: Settings, kind: AssetKind | None = None) -> IngestOptions:
    return IngestOptions(
        target_lufs=settings.loudness_target_lufs,
        ceiling_dbtp=settings.true_peak_ceiling_dbtp,
        silence_dbfs=settings.silence_threshold_dbfs,
        kind=kind,
    )


def load_catalogs(
    access: LibraryAccess, catalogs: list[Path], on_row: Callable[[], None] | None = None
) -> list[CatalogLoad]:
    """Load each catalog feed into the library, in order."""
    station = access.settings.station
    return [load_catalog(path, station, access.library, on_row) for path in catalogs]


async def run_ingest(
    access: LibraryAccess,
    files: list[str],
    *,
    jobs: int,
    kind: AssetKind | None = None,
    via_bus: bool = False,
    on_total: Callable[[int, int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchSummary:
    """Ingest ``files`` with ``jobs`` worker processes, or by command to the ingest workers."""
    settings = access.settings
    if via_bus and settings.bus is not BusKind.NATS:
        raise StartupError("--via-bus needs ONAIR_BUS=nats and 'onair serve --role ingest' workers")
    bus = None
    if settings.bus is BusKind.NATS:  # nobody else hears an in-process bus of a CLI run
        bus = _bus(settings, access.engine, BusMetrics(CollectorRegistry(), service="ingest"),
                   configure_tracing("none", "onair-ingest", settings.otlp_endpoint))  # fmt: skip
        try:
            await bus.start()
        except BusError as exc:
            raise StartupError(str(exc)) from exc
    workers = _ingest_workers(1 if via_bus else jobs)
    try:
        options = ingest_options(settings, kind)
        intake = Intake(settings.station, access.library, access.objects, options, workers,
                        on_outcome=on_outcome, bus=None if via_bus else bus)  # fmt: skip
        runner: Ingests = intake
        if via_bus:
            assert bus is not None
            runner = RemoteIntake(bus, settings.station, intake)
        return await run_batch(runner, files, in_flight=jobs * 2, on_total=on_total)
    finally:
        workers.shutdown(wait=True, cancel_futures=True)
        if bus is not None:
            await bus.close()


def _ingest_workers(jobs: int) -> ProcessPoolExecutor:
    # forkserver: workers start clean, not as forks of a process with threads.
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


async def _start_ingest_worker(station: Station) -> Callable[[], None]:
    """Serve ``ingest.ingest_file`` with one slot per core; returns the shutdown."""
    settings = station.settings
    slots = os.cpu_count() or 1
    workers = _ingest_workers(slots)
    intake = Intake(settings.station, SqlLibrary(station.engine), station.objects,
                    ingest_options(settings), workers, bus=station.bus)  # fmt: skip
    await serve_ingest(station.bus, intake, slots)
    log.info("ingest_worker_serving", station=settings.station, slots=slots)
    return lambda: workers.shutdown(wait=False, cancel_futures=True)


def _schedule_keeper(station: Station) -> ScheduleDesk:
    """Keep the station's next hours built and answer rebuild commands (the scheduler role)."""
    engine = station.engine
    scheduler = Scheduler(SqlPrograms(engine), SqlScheduleLibrary(engine), SqlSchedules(engine))
    return ScheduleDesk(scheduler, station.bus, station.settings.station)


def build_app(station: Station, stream: StreamApp | None = None) -> FastAPI:
    bus = station.bus

    async def command(command_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        reply = await bus.request(new_envelope(command_type, bus.station, payload), timeout_s=10)
        return reply.payload

    return create_app(
        station=station.settings.station,
        roles=station.roles,
        checks=station.checks,
        registry=station.registry,
        command=command,
        stream=stream,
    )


def _listen(host: str, port: int) -> socket.socket:
    """Bind before anything starts, so a busy port is one clear line, not a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        why = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc})"
        raise StartupError(f"address {host}:{port} {why}: choose another with --port") from exc
    return sock


async def serve(
    settings: Settings,
    roles: frozenset[str],
    *,
    announce: Callable[[dict[str, str]], None] | None = None,
    alongside: Callable[[Station], Awaitable[None]] | None = None,
) -> None:
    """Run the station's HTTP face and the services of ``roles`` until interrupted.

    ``alongside`` is work that runs beside the services once they are up (the demo
    grows its library with it); it is cancelled when the station stops.
    """
    configure_logging(settings.log_level, service="onair")
    # A SIGTERM (systemd, docker stop) stops as a Ctrl-C does: every service shut down in
    # order, child processes (Liquidsoap, ingest workers) with them. By default Python
    # would die on the spot once uvicorn hands the signal back.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sock = _listen(settings.host, settings.port)
    try:
        station = await open_station(settings, roles)
    except BaseException:
        sock.close()
        raise
    stop_ingest = None
    keeper: ScheduleDesk | None = None
    playout: Playout | None = None
    desk: AgentDesk | None = None
    ledger_desk: ComplianceDesk | None = None
    desk_parts = ExitStack()
    beside: asyncio.Task[None] | None = None
    try:
        host, port = sock.getsockname()[:2]
        base = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
        urls = {"url": base, "health": f"{base}/healthz", "metrics": f"{base}/metrics"}
        stop_ingest = await _start_ingest_worker(station) if "ingest" in roles else None
        if "scheduler" in roles:
            keeper = _schedule_keeper(station)
            await keeper.start()
        if "agents" in roles:
            desk = await start_agents(station, desk_parts)
        if "compliance" in roles:
            ledger_desk = await start_compliance(station)
        stream = None
        if "playout" in roles:
            playout = await start_playout(station)
            if playout.hub is not None:  # the built-in engine serves its own stream
                stream = StreamApp(playout.hub, station_name=settings.station)
                urls |= {"stream_mp3": f"{base}/stream.mp3", "stream_opus": f"{base}/stream.opus"}
        app = build_app(station, stream)
        config = uvicorn.Config(app, log_config=None, lifespan="on")
        server = uvicorn.Server(config)
        log.info("station_serving", station=settings.station, roles=sorted(roles), **urls)
        if announce:
            announce(urls)
        if alongside is not None:
            beside = asyncio.create_task(_beside(alongside, station), name="alongside")
        await server.serve(sockets=[sock])
    finally:
        if beside is not None:
            beside.cancel()  # asyncio.run waits for it to unwind
        # A Ctrl-C cancels this task while it stops; finish stopping, then let it end
        # cancelled (asyncio turns that into the KeyboardInterrupt a shell expects).
        interrupted: asyncio.CancelledError | None = None
        if playout is not None:
            try:
                await playout.stop()
            except asyncio.CancelledError as exc:
                interrupted = exc
        if stop_ingest is not None:
            stop_ingest()
        if keeper is not None:
            keeper.stop()
        if desk is not None:
            desk.stop()
        if ledger_desk is not None:
            ledger_desk.stop()
        desk_parts.close()
        try:
            await station.close()
        except asyncio.CancelledError as exc:
            interrupted = interrupted or exc
        log.info("station_stopped", station=settings.station)
        if interrupted is not None:
            raise interrupted


async def _beside(work: Callable[[Station], Awaitable[None]], station: Station) -> None:
    try:
        await work(station)
    except Exception as exc:  # the station stays on the air without it
        log.exception("alongside_failed", error=str(exc))
