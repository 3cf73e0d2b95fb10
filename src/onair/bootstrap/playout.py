"""The playout role wired: the engine over the stores, its stream and outputs, render and as-run."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ulid import ULID

from onair.bootstrap.adapters import StartupError
from onair.bootstrap.station import HttpFace, Station
from onair.bootstrap.stores import Stores, open_stores
from onair.bus import EventBus
from onair.config import PlayoutEngineKind, Settings
from onair.domain.events import new_envelope
from onair.domain.programming import StationProgram
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
from onair.playout.mounts import StreamHub, default_mounts, listener_lag_s
from onair.playout.preparer import Preparer
from onair.playout.render import render_play_ids
from onair.playout.stream_app import StreamApp
from onair.playout.timeline import Timeline, TimelineSettings
from onair.storage.repositories.playout_library import SqlPlayoutLibrary
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from onair.storage.repositories.playout_state import SqlOnAirState

__all__ = [
    "Playout",
    "listener_delays_ms",
    "open_render",
    "playout_rules",
    "render_timeline",
    "start_playout",
    "station_zone",
    "timeline_settings",
]

log = get_logger("onair.bootstrap")


@dataclass
class Playout:
    """The playout role's running parts: the engine, its stream, its decoders."""

    decoders: ThreadPoolExecutor
    engine: AirEngine | None = None
    hub: StreamHub | None = None
    icecast: IcecastSource | None = None
    icecast_listeners: IcecastListeners | None = None

    async def start(self, bus: EventBus) -> None:
        assert self.engine is not None
        await self.engine.start()
        if self.icecast_listeners is not None:
            self.icecast_listeners.start()
        await serve_triggers(bus, self.engine)

    async def stop(self) -> None:
        if self.engine is not None:
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
    station: Station, face: HttpFace | None = None, *, wall_clock: Callable[[], float] = time.time
) -> Playout:
    """Air the station and take operator triggers (the playout role).

    The built-in engine's stream joins ``face``. ``wall_clock`` is the clock the
    air is paced by (the benchmark shifts it to a post).
    """
    settings, stores = station.settings, station.stores
    rules = playout_rules(settings, stores.program())
    cache = MasterCache(stores.objects, settings.data_dir / "cache" / "masters")
    decoders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="decode")

    def open_timeline(
        t0: datetime, resume_start: Callable[[ScheduledItem], datetime | None]
    ) -> Timeline:
        return _timeline(stores, rules, cache, decoders, t0, _new_play_id, resume_start)

    engine = stores.engine
    records = EngineRecords(stores.as_run, SqlOnAirState(engine), stores.operator_log)
    playout = Playout(decoders=decoders, icecast_listeners=_icecast_listeners(station))
    if settings.playout_engine is PlayoutEngineKind.LIQUIDSOAP:
        backend = _liquidsoap_backend(station, rules, cache)
        playout.engine = LiquidsoapEngine(
            settings.station, open_timeline, backend, station.bus.publish, records,
            wall_clock=wall_clock, local_path=lambda item: cache.path(item.master_key),
            listeners=playout.icecast_listeners,
        )  # fmt: skip
    else:
        outputs = await _built_in_outputs(station, playout)
        playout.engine = PlayoutEngine(
            settings.station, open_timeline, outputs, station.bus.publish, records,
            wall_clock=wall_clock, broadcast=station.bus.broadcast,
        )  # fmt: skip
    await playout.start(station.bus)
    if face is not None and playout.hub is not None:  # the built-in engine serves its own stream
        face.stream = StreamApp(playout.hub, station_name=settings.station)
        face.urls |= {"stream_mp3": f"{face.base}/stream.mp3",
                      "stream_opus": f"{face.base}/stream.opus",
                      "stream_aac": f"{face.base}/stream.aac"}  # fmt: skip
    mounts = sorted(playout.hub.mounts) if playout.hub else [settings.icecast_url]
    log.info("playout_on_air", station=settings.station, engine=settings.playout_engine.value,
             mounts=mounts)  # fmt: skip
    return playout


def listener_delays_ms(settings: Settings) -> dict[str, int]:
    """How far behind the engine a listener of each built-in mount hears (none with
    Liquidsoap, whose Icecast buffers by its own settings)."""
    if settings.playout_engine is not PlayoutEngineKind.BUILTIN:
        return {}
    return {
        m.name: round(listener_lag_s(m) * 1000) for m in default_mounts(settings.stream_bitrate)
    }


async def _built_in_outputs(station: Station, playout: Playout) -> list[PcmOutput]:
    """The built-in stream's mounts, and the Icecast mount too where one is set."""
    settings = station.settings
    playout.hub = StreamHub(default_mounts(settings.stream_bitrate),
                            StreamListenerMetrics(station.registry))  # fmt: skip
    outputs: list[PcmOutput] = [playout.hub]
    if settings.icecast_url:
        playout.icecast = _icecast_source(station)
        await playout.icecast.start()
        outputs.append(IcecastOutput(playout.icecast, bitrate=settings.stream_bitrate,
                                     listeners=playout.icecast_listeners))  # fmt: skip
    return outputs


def _new_play_id(_: str | None) -> str:
    return str(ULID())


def _timeline(
    stores: Stores,
    rules: AirRules,
    cache: MasterCache,
    decoders: Executor,
    t0: datetime,
    play_ids: Callable[[str | None], str],
    resume_start: Callable[[ScheduledItem], datetime | None] | None = None,
) -> Timeline:
    """The lineup over the stored schedule and library, mixed from ``t0``."""
    settings, engine = stores.settings, stores.engine
    lineup = Lineup(settings.station, SqlPlayoutSchedule(engine), SqlPlayoutLibrary(engine),
                    rules, play_ids)  # fmt: skip
    mixer = Mixer(ceiling_dbtp=settings.true_peak_ceiling_dbtp)
    return Timeline(lineup, Preparer(cache, decoders), mixer, t0, timeline_settings(settings),
                    resume_start)  # fmt: skip


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
    if shutil.which("liquidsoap") is None:
        raise StartupError(
            "ONAIR_PLAYOUT_ENGINE=liquidsoap needs the liquidsoap program, which is not on"
            " PATH: install the Debian package liquidsoap (sudo apt-get install liquidsoap)"
        )
    work = settings.data_dir / "liquidsoap"
    library = SqlPlayoutLibrary(station.stores.engine)
    fallback = fallback_songs(library, settings.station, rules, cache, work / "fallback")
    return LiquidsoapBackend(
        work, icecast_url=settings.icecast_url,
        icecast_password=settings.icecast_password.get_secret_value(),
        fallback_dir=fallback, station_name=settings.station,
        blank_threshold_db=settings.playout_silence_dbfs, blank_max_s=settings.playout_silence_s,
        ceiling_dbtp=settings.true_peak_ceiling_dbtp,
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
def render_timeline(stores: Stores, t0: datetime) -> Iterator[Timeline]:
    """A timeline over the station's schedule from ``t0``, for ``onair playout render``."""
    settings = stores.settings
    rules = playout_rules(settings, stores.program())
    cache = MasterCache(stores.objects, settings.data_dir / "cache" / "masters")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="decode") as decoders:
        yield _timeline(stores, rules, cache, decoders, t0, render_play_ids(epoch_ms(t0)))


@contextmanager
def open_render(settings: Settings, t0: datetime) -> Iterator[Timeline]:
    """:func:`render_timeline` over the settings' stores, opened for it."""
    with open_stores(settings, objects=True) as stores, render_timeline(stores, t0) as timeline:
        yield timeline


def station_zone(settings: Settings) -> ZoneInfo:
    """The station's timezone: its station file's, else the settings'."""
    with open_stores(settings) as stores:
        return stores.zone()
