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
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from ulid import ULID

from onair.api import HealthCheck, create_app
from onair.bus import BusError, EventBus, InMemoryBus
from onair.config import BusKind, ObjectStoreKind, Settings, mask_url
from onair.domain.events import Envelope, new_envelope
from onair.domain.library import SOUND_DIMENSIONS, AssetKind
from onair.domain.playout import Trigger
from onair.domain.programming import ItemKind, NoProgram, StationProgram
from onair.domain.schedule import ScheduledItem, epoch_ms
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
from onair.playout.engine import EngineRecords, PcmOutput, PlayoutEngine
from onair.playout.icecast_output import IcecastOutput
from onair.playout.icecast_source import IcecastSource
from onair.playout.lineup import AirRules, Lineup
from onair.playout.master_cache import MasterCache
from onair.playout.mixer import Mixer
from onair.playout.mounts import StreamHub, default_mounts
from onair.playout.preparer import Preparer
from onair.playout.render import render_play_ids
from onair.playout.stream_app import StreamApp
from onair.playout.timeline import Timeline, TimelineSettings
from onair.scheduler.keeper import ScheduleKeeper
from onair.scheduler.ports import ProgramStore
from onair.scheduler.service import BuildReport, Scheduler, published_events
from onair.storage import migrate
from onair.storage.db import DatabaseUnavailable, check_database, create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.object_store import ObjectStore, ObjectStoreError
from onair.storage.pg_vector_index import PgVectorIndex
from onair.storage.repositories import DatabaseSeenEvents, StationNotFound, Stations
from onair.storage.repositories.as_run import SqlAsRun
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playout_library import SqlPlayoutLibrary
from onair.storage.repositories.playout_state import SqlOnAirState, SqlOperatorLog
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.sqlite_vector_index import SqliteVectorIndex
from onair.storage.text_search import SqlTextSearch

__all__ = [
    "ROLES",
    "LibraryAccess",
    "Playout",
    "StartupError",
    "Station",
    "current_database_revision",
    "downgrade_database",
    "ingest_options",
    "load_catalogs",
    "masked_database_url",
    "open_as_run",
    "open_discovery",
    "open_library",
    "open_programs",
    "open_render",
    "open_scheduler",
    "open_station",
    "playout_rules",
    "prepare_data_dir",
    "publish_schedule",
    "run_ingest",
    "serve",
    "start_playout",
    "station_zone",
    "timeline_settings",
    "upgrade_database",
]

ROLES = ("api", "scheduler", "playout", "agents", "ingest", "compliance")

log = get_logger("onair.bootstrap")


class StartupError(Exception):
    """A dependency or setting that keeps the station from starting; one line."""


@dataclass
class Station:
    """One process's wired adapters; services receive what they need from here."""

    settings: Settings
    roles: frozenset[str]
    engine: Engine
    objects: ObjectStore
    bus: EventBus
    registry: CollectorRegistry
    tracer_provider: TracerProvider
    checks: dict[str, HealthCheck] = field(default_factory=dict)

    async def close(self) -> None:
        await self.bus.close()
        self.engine.dispose()
        self.tracer_provider.shutdown()


def masked_database_url(settings: Settings) -> str:
    return mask_url(settings.resolved_database_url)


def _is_embedded_database(settings: Settings) -> bool:
    return settings.resolved_database_url.startswith("sqlite")


def _make_dirs(*paths: Path) -> None:
    for path in paths:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = f"data dir {path} cannot be created ({exc.strerror})"
            raise StartupError(f"{why}: choose another with --data-dir") from None


def _engine(settings: Settings) -> Engine:
    if _is_embedded_database(settings):
        _make_dirs(settings.data_dir)
    engine = create_engine_for(settings.resolved_database_url)
    try:
        check_database(engine)
    except DatabaseUnavailable as exc:
        engine.dispose()
        raise StartupError(str(exc)) from exc
    return engine


def upgrade_database(settings: Settings, revision: str = "head") -> str:
    """Migrate the schema up and register the configured station; returns the revision."""
    engine = _engine(settings)  # one clear line when the database is unreachable
    try:
        url = settings.resolved_database_url
        migrate.upgrade(url, revision)
        reached = migrate.current_revision(url)
        if reached == migrate.head_revision():
            _register_station(settings, engine)
    finally:
        engine.dispose()
    return reached or "base"


def _register_station(settings: Settings, engine: Engine) -> None:
    """Register the configured station once; its station file owns its details after that."""
    stations = Stations(engine)
    try:
        stations.get(settings.station)
    except StationNotFound:
        stations.ensure(settings.station, name=settings.station.upper(), timezone=settings.timezone)


def downgrade_database(settings: Settings, revision: str) -> str:
    _engine(settings).dispose()
    url = settings.resolved_database_url
    migrate.downgrade(url, revision)
    return migrate.current_revision(url) or "base"


def current_database_revision(settings: Settings) -> str | None:
    _engine(settings).dispose()
    return migrate.current_revision(settings.resolved_database_url)


def prepare_data_dir(settings: Settings) -> str:
    """Create the embedded data dir and bring its database to the newest schema."""
    _make_dirs(settings.data_dir, settings.objects_dir)
    return upgrade_database(settings)


def _schema_ready(settings: Settings) -> None:
    """The embedded database migrates itself; a shared one must be upgraded on purpose."""
    url = settings.resolved_database_url
    if _is_embedded_database(settings):
        upgrade_database(settings)
        return
    current, head = migrate.current_revision(url), migrate.head_revision()
    if current != head:
        raise StartupError(
            f"database {mask_url(url)} is at schema revision {current or 'none'}, "
            f"this onair needs {head}: run 'onair db upgrade'"
        )


def _object_store(settings: Settings) -> ObjectStore:
    store: ObjectStore
    if settings.object_store is ObjectStoreKind.S3:
        from onair.storage.s3_store import S3ObjectStore  # boto3 only where S3 is used

        secret = settings.s3_secret_access_key
        store = S3ObjectStore(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
        )
    else:
        store = FilesystemObjectStore(settings.objects_dir)
    try:
        store.check()
    except ObjectStoreError as exc:
        raise StartupError(str(exc)) from exc
    return store


def _bus(
    settings: Settings, engine: Engine, metrics: BusMetrics, tracer_provider: TracerProvider
) -> EventBus:
    if settings.bus is BusKind.NATS:
        from onair.bus.nats_bus import NatsJetStreamBus  # nats-py only where NATS is used

        # JetStream redelivers across restarts, so handled ids must outlive the process.
        seen = DatabaseSeenEvents(engine)
        return NatsJetStreamBus(
            settings.nats_url,
            settings.station,
            spool_dir=settings.bus_spool_dir,
            connect_timeout_s=settings.nats_connect_timeout_s,
            metrics=metrics,
            tracer_provider=tracer_provider,
            seen=seen,
        )
    return InMemoryBus(settings.station, metrics=metrics, tracer_provider=tracer_provider)


async def open_station(settings: Settings, roles: frozenset[str]) -> Station:
    """Connect every adapter, failing with one clear line when one is unreachable."""
    engine = await asyncio.to_thread(_engine, settings)
    try:
        await asyncio.to_thread(_schema_ready, settings)
        objects = await asyncio.to_thread(_object_store, settings)
        registry = CollectorRegistry()
        service = "+".join(sorted(roles)) if roles != frozenset(ROLES) else "all"
        tracer_provider = configure_tracing(
            settings.tracing.value, f"onair-{service}", settings.otlp_endpoint
        )
        bus = _bus(settings, engine, BusMetrics(registry, service=service), tracer_provider)
        try:
            await bus.start()
        except BusError as exc:
            raise StartupError(str(exc)) from exc
    except BaseException:
        engine.dispose()
        raise
    station = Station(settings, roles, engine, objects, bus, registry, tracer_provider)
    station.checks = {
        "database": lambda: asyncio.to_thread(check_database, engine),
        "object_store": lambda: asyncio.to_thread(objects.check),
        "bus": bus.check,
    }
    return station


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


def publish_schedule(settings: Settings, station: str, report: BuildReport) -> None:
    """``schedule.published`` for each built hour, where a bus outlives the command (NATS)."""
    if settings.bus is not BusKind.NATS or not report.built:
        return  # nobody else hears an in-process bus of a CLI run

    async def send() -> None:
        engine = _engine(settings)
        tracing = configure_tracing("none", "onair-scheduler", settings.otlp_endpoint)
        bus = _bus(settings, engine, BusMetrics(CollectorRegistry(), service="scheduler"), tracing)
        try:
            await bus.start()
            for envelope in published_events(station, report):
                await bus.publish(envelope)
        except BusError as exc:
            raise StartupError(str(exc)) from exc
        finally:
            await bus.close()
            engine.dispose()

    asyncio.run(send())


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


def _schedule_keeper(station: Station) -> ScheduleKeeper:
    """Keep the station's next hours built and answer rebuild commands (the scheduler role)."""
    engine = station.engine
    scheduler = Scheduler(SqlPrograms(engine), SqlScheduleLibrary(engine), SqlSchedules(engine))
    return ScheduleKeeper(scheduler, station.bus, station.settings.station)


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


@dataclass
class Playout:
    """The playout role's running parts: the engine, its stream, its decoders."""

    engine: PlayoutEngine
    hub: StreamHub
    decoders: ThreadPoolExecutor
    icecast: IcecastSource | None = None

    async def stop(self) -> None:
        await self.engine.stop()
        self.hub.close()
        if self.icecast is not None:
            await self.icecast.aclose()
        self.decoders.shutdown(wait=False, cancel_futures=True)


def _icecast_source(station: Station) -> IcecastSource:
    """The Icecast mount playout also feeds; its faults are logged and published."""
    settings = station.settings
    assert settings.icecast_url is not None
    password = settings.icecast_password.get_secret_value() if settings.icecast_password else ""

    def fault(message: str) -> None:
        log.error("icecast_fault", error=message, mount=settings.icecast_url)
        envelope = new_envelope("playout.error", settings.station, {"reason": message})
        asyncio.get_running_loop().create_task(station.bus.publish(envelope))

    return IcecastSource(settings.icecast_url, password, name=settings.station, on_fault=fault)


async def start_playout(
    station: Station, *, wall_clock: Callable[[], float] = time.time
) -> Playout:
    """Air the station on the built-in stream and take operator triggers (the playout role).

    ``wall_clock`` is the clock the air is paced by (the benchmark shifts it to a post).
    """
    settings, engine = station.settings, station.engine
    try:
        program: StationProgram | None = SqlPrograms(engine).current(settings.station).program
    except NoProgram:
        program = None
    rules = playout_rules(settings, program)
    cache = MasterCache(station.objects, settings.data_dir / "cache" / "masters")
    decoders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="decode")

    def open_timeline(
        t0: datetime, resume_start: Callable[[ScheduledItem], datetime | None]
    ) -> Timeline:
        lineup = Lineup(settings.station, SqlSchedules(engine), SqlPlayoutLibrary(engine), rules,
                        lambda _: str(ULID()))  # fmt: skip
        mixer = Mixer(ceiling_dbtp=settings.true_peak_ceiling_dbtp)
        return Timeline(lineup, Preparer(cache, decoders), mixer, t0, timeline_settings(settings),
                        resume_start)  # fmt: skip

    hub = StreamHub(default_mounts(settings.stream_bitrate), registry=station.registry)
    outputs: list[PcmOutput] = [hub]
    icecast = _icecast_source(station) if settings.icecast_url else None
    if icecast is not None:
        await icecast.start()
        outputs.append(IcecastOutput(icecast, bitrate=settings.stream_bitrate))
    records = EngineRecords(SqlAsRun(engine), SqlOnAirState(engine), SqlOperatorLog(engine))
    air = PlayoutEngine(settings.station, open_timeline, outputs, station.bus.publish, records,
                        wall_clock=wall_clock)  # fmt: skip
    await air.start()
    for trigger in Trigger:
        await station.bus.serve(f"playout.{trigger.value}", _trigger_handler(air, trigger))
    log.info("playout_on_air", station=settings.station, mounts=sorted(hub.mounts))
    return Playout(air, hub, decoders, icecast)


def _trigger_handler(
    air: PlayoutEngine, trigger: Trigger
) -> Callable[[Envelope], Awaitable[dict[str, Any]]]:
    async def handle(command: Envelope) -> dict[str, Any]:
        payload = command.payload
        who = str(payload.get("who") or "unknown")
        return await air.trigger(trigger, who, payload.get("asset_id"), payload.get("note"))

    return handle


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
) -> None:
    """Run the station's HTTP face and the services of ``roles`` until interrupted."""
    configure_logging(settings.log_level, service="onair")
    sock = _listen(settings.host, settings.port)
    try:
        station = await open_station(settings, roles)
    except BaseException:
        sock.close()
        raise
    stop_ingest = None
    keeper: ScheduleKeeper | None = None
    playout: Playout | None = None
    try:
        host, port = sock.getsockname()[:2]
        base = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
        urls = {"url": base, "health": f"{base}/healthz", "metrics": f"{base}/metrics"}
        stop_ingest = await _start_ingest_worker(station) if "ingest" in roles else None
        if "scheduler" in roles:
            keeper = _schedule_keeper(station)
            await keeper.start()
        if "playout" in roles:
            playout = await start_playout(station)
            urls |= {"stream_mp3": f"{base}/stream.mp3", "stream_opus": f"{base}/stream.opus"}
        stream = StreamApp(playout.hub, station_name=settings.station) if playout else None
        app = build_app(station, stream)
        config = uvicorn.Config(app, log_config=None, lifespan="on")
        server = uvicorn.Server(config)
        log.info("station_serving", station=settings.station, roles=sorted(roles), **urls)
        if announce:
            announce(urls)
        await server.serve(sockets=[sock])
    finally:
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
        try:
            await station.close()
        except asyncio.CancelledError as exc:
            interrupted = interrupted or exc
        log.info("station_stopped", station=settings.station)
        if interrupted is not None:
            raise interrupted


def playout_rules(settings: Settings, program: StationProgram | None) -> AirRules:
    """Air-time checks from the station file, fallback and fill from the settings and clocks."""
    if program is None:
        return AirRules(fallback_categories=tuple(settings.playout_fallback_categories),
                        window=timedelta(seconds=settings.playout_window_s))  # fmt: skip
    fills = [(name, c) for name, c in program.categories.items() if c.type is ItemKind.FILL]
    fill_name, fill = fills[0] if fills else (None, None)
    return AirRules(
        territory=program.territory,
        use=program.use,
        fallback_categories=tuple(settings.playout_fallback_categories),
        fill_category=fill_name,
        fill_kinds=frozenset(k.value for k in fill.asset_kinds) if fill else frozenset({"bed"}),
        window=timedelta(seconds=settings.playout_window_s),
    )


def timeline_settings(settings: Settings) -> TimelineSettings:
    return TimelineSettings(
        duck_db=settings.playout_duck_db,
        early_fade_s=settings.playout_early_fade_s,
        silence_dbfs=settings.playout_silence_dbfs,
        silence_s=settings.playout_silence_s,
    )


@contextmanager
def open_render(settings: Settings, t0: datetime) -> Iterator[Timeline]:
    """A timeline over the station's schedule from ``t0``, for ``onair playout render``."""
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        objects = _object_store(settings)
        try:
            program: StationProgram | None = SqlPrograms(engine).current(settings.station).program
        except NoProgram:
            program = None
        rules = playout_rules(settings, program)
        play_ids = render_play_ids(epoch_ms(t0))
        lineup = Lineup(settings.station, SqlSchedules(engine), SqlPlayoutLibrary(engine),
                        rules, play_ids)  # fmt: skip
        cache = MasterCache(objects, settings.data_dir / "cache" / "masters")
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="decode") as pool:
            mixer = Mixer(ceiling_dbtp=settings.true_peak_ceiling_dbtp)
            yield Timeline(lineup, Preparer(cache, pool), mixer, t0, timeline_settings(settings))
    finally:
        engine.dispose()


def station_zone(settings: Settings) -> ZoneInfo:
    """The station's timezone: its station file's, else the settings'."""
    with open_programs(settings) as programs:
        try:
            return programs.current(settings.station).program.zone
        except NoProgram:
            return ZoneInfo(settings.timezone)


@contextmanager
def open_as_run(settings: Settings) -> Iterator[SqlAsRun]:
    """The as-run log in the settings' database, for commands that run outside ``serve``."""
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        yield SqlAsRun(engine)
    finally:
        engine.dispose()
