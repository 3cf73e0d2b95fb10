"""The playout role wired: the engine over the stores, its stream and outputs, render and as-run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ulid import ULID

from onair.bootstrap.adapters import StartupError, Station, _engine, _object_store, _schema_ready
from onair.config import PlayoutEngineKind, Settings
from onair.domain.events import new_envelope
from onair.domain.programming import NoProgram, StationProgram
from onair.domain.schedule import ScheduledItem, epoch_ms
from onair.observability import get_logger
from onair.observability.listener_metrics import IcecastListenerMetrics, StreamListenerMetrics
from onair.playout.air_engine import AirEngine, serve_triggers
from onair.playout.air_rules import air_rules
from onair.playout.engine import EngineRecords, PcmOutput, PlayoutEngine
from onair.playout.fallback_songs import fallback_songs
from onair.playout.icecast.output import IcecastOutput
from onair.playout.icecast.source import IcecastSource
from onair.playout.icecast.stats import IcecastListeners
from onair.playout.lineup import AirRules, Lineup
from onair.playout.liquidsoap.backend import LiquidsoapBackend
from onair.playout.liquidsoap.engine import LiquidsoapEngine
from onair.playout.master_cache import MasterCache
from onair.playout.mixer import Mixer
from onair.playout.mounts import StreamHub, default_mounts
from onair.playout.preparer import Preparer
from onair.playout.render import render_play_ids
from onair.playout.timeline import Timeline, TimelineSettings
from onair.storage.repositories.as_run import SqlAsRun
from onair.storage.repositories.playout_library import SqlPlayoutLibrary
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from onair.storage.repositories.playout_state import SqlOnAirState, SqlOperatorLog
from onair.storage.repositories.programs import SqlPrograms

__all__ = [
    "Playout",
    "open_as_run",
    "open_render",
    "playout_rules",
    "start_playout",
    "station_zone",
    "timeline_settings",
]

log = get_logger("onair.bootstrap")


@dataclass
class Playout:
    """The playout role's running parts: the engine, its stream, its decoders."""

    engine: AirEngine
    hub: StreamHub | None
    decoders: ThreadPoolExecutor
    icecast: IcecastSource | None = None
    icecast_listeners: IcecastListeners | None = None

    async def stop(self) -> None:
        await self.engine.stop()
        if self.icecast_listeners is not None:
            self.icecast_listeners.stop()
        if self.hub is not None:
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
        lineup = Lineup(settings.station, SqlPlayoutSchedule(engine), SqlPlayoutLibrary(engine),
                        rules, lambda _: str(ULID()))  # fmt: skip
        mixer = Mixer(ceiling_dbtp=settings.true_peak_ceiling_dbtp)
        return Timeline(lineup, Preparer(cache, decoders), mixer, t0, timeline_settings(settings),
                        resume_start)  # fmt: skip

    records = EngineRecords(SqlAsRun(engine), SqlOnAirState(engine), SqlOperatorLog(engine))
    hub: StreamHub | None = None
    icecast: IcecastSource | None = None
    listeners = _icecast_listeners(station)
    air: AirEngine
    if settings.playout_engine is PlayoutEngineKind.LIQUIDSOAP:
        backend = _liquidsoap_backend(station, rules, cache)
        air = LiquidsoapEngine(settings.station, open_timeline, backend, station.bus.publish,
                               records, wall_clock=wall_clock,
                               local_path=lambda item: cache.path(item.master_key),
                               listeners=listeners)  # fmt: skip
    else:
        hub = StreamHub(default_mounts(settings.stream_bitrate),
                        StreamListenerMetrics(station.registry))  # fmt: skip
        outputs: list[PcmOutput] = [hub]
        icecast = _icecast_source(station) if settings.icecast_url else None
        if icecast is not None:
            await icecast.start()
            outputs.append(IcecastOutput(icecast, bitrate=settings.stream_bitrate,
                                         listeners=listeners))  # fmt: skip
        air = PlayoutEngine(settings.station, open_timeline, outputs, station.bus.publish,
                            records, wall_clock=wall_clock)  # fmt: skip
    await air.start()
    if listeners is not None:
        listeners.start()
    await serve_triggers(station.bus, air)
    mounts = sorted(hub.mounts) if hub else [settings.icecast_url]
    log.info("playout_on_air", station=settings.station, engine=settings.playout_engine.value,
             mounts=mounts)  # fmt: skip
    return Playout(air, hub, decoders, icecast, listeners)


def _icecast_listeners(station: Station) -> IcecastListeners | None:
    """Icecast's count of the mount's listeners, polled from its public statistics."""
    settings = station.settings
    if not settings.icecast_url:
        return None
    admin = settings.icecast_admin_password
    return IcecastListeners(settings.icecast_url, metrics=IcecastListenerMetrics(station.registry),
                            admin_password=admin.get_secret_value() if admin else None)  # fmt: skip


def _liquidsoap_backend(station: Station, rules: AirRules, cache: MasterCache) -> LiquidsoapBackend:
    """Liquidsoap streaming to the Icecast mount, its fallback playlist filled from the library."""
    settings = station.settings
    if not settings.icecast_url or settings.icecast_password is None:
        raise StartupError(
            "ONAIR_PLAYOUT_ENGINE=liquidsoap streams to Icecast: set ONAIR_ICECAST_URL"
            " (http://host:port/mount) and ONAIR_ICECAST_PASSWORD"
        )
    work = settings.data_dir / "liquidsoap"
    fallback = fallback_songs(SqlPlayoutLibrary(station.engine), settings.station, rules, cache,
                              work / "fallback")  # fmt: skip
    return LiquidsoapBackend(
        work, icecast_url=settings.icecast_url,
        icecast_password=settings.icecast_password.get_secret_value(),
        fallback_dir=fallback, station_name=settings.station,
        blank_threshold_db=settings.playout_silence_dbfs, blank_max_s=settings.playout_silence_s,
    )  # fmt: skip


def playout_rules(settings: Settings, program: StationProgram | None) -> AirRules:
    """The station's air-time rules, with fallback categories and window from the settings."""
    return air_rules(program, fallback_categories=settings.playout_fallback_categories,
                     window=timedelta(seconds=settings.playout_window_s))  # fmt: skip


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
        lineup = Lineup(settings.station, SqlPlayoutSchedule(engine), SqlPlayoutLibrary(engine),
                        rules, play_ids)  # fmt: skip
        cache = MasterCache(objects, settings.data_dir / "cache" / "masters")
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="decode") as pool:
            mixer = Mixer(ceiling_dbtp=settings.true_peak_ceiling_dbtp)
            yield Timeline(lineup, Preparer(cache, pool), mixer, t0, timeline_settings(settings))
    finally:
        engine.dispose()


def station_zone(settings: Settings) -> ZoneInfo:
    """The station's timezone: its station file's, else the settings'."""
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        return SqlPrograms(engine).current(settings.station).program.zone
    except NoProgram:
        return ZoneInfo(settings.timezone)
    finally:
        engine.dispose()


@contextmanager
def open_as_run(settings: Settings) -> Iterator[SqlAsRun]:
    """The as-run log in the settings' database, for commands that run outside ``serve``."""
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        yield SqlAsRun(engine)
    finally:
        engine.dispose()
