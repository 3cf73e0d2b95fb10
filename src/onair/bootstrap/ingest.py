"""The ingest role wired, and ingest, catalog loads and discovery for commands."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path

from onair.bootstrap.adapters import StartupError
from onair.bootstrap.station import HttpFace, RunningRole, Station, Stops, command_bus
from onair.bootstrap.stores import Stores
from onair.bus import EventBus
from onair.config import BusKind, Settings
from onair.domain.library import SOUND_DIMENSIONS, AssetKind
from onair.ingest.batch import BatchSummary, Ingests, run_batch
from onair.ingest.catalog_load import CatalogLoad, load_catalog
from onair.ingest.discovery import Discovery
from onair.ingest.examine import IngestOptions
from onair.ingest.intake import Intake, Outcome
from onair.ingest.minilm_embedder import MiniLmEmbedder
from onair.ingest.ports import Library
from onair.ingest.workers import RemoteIntake, serve_ingest
from onair.observability import get_logger
from onair.storage.pg_vector_index import PgVectorIndex
from onair.storage.sqlite_vector_index import SqliteVectorIndex
from onair.storage.text_search import SqlTextSearch

__all__ = [
    "ingest_options",
    "load_catalogs",
    "open_discovery",
    "run_ingest",
    "start_ingest",
    "worker_processes",
]

log = get_logger("onair.bootstrap")


def open_discovery(access: Stores) -> Discovery:
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
        max_gain_db=settings.max_gain_db,
        kind=kind,
    )


def load_catalogs(
    access: Stores, catalogs: list[Path], on_row: Callable[[], None] | None = None
) -> list[CatalogLoad]:
    """Load each catalog feed into the library, in order."""
    return [load_catalog(path, access.station, access.library, on_row) for path in catalogs]


async def run_ingest(
    access: Stores,
    files: list[str],
    *,
    jobs: int,
    kind: AssetKind | None = None,
    via_bus: bool = False,
    on_total: Callable[[int, int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    library: Library | None = None,
) -> BatchSummary:
    """Ingest ``files`` with ``jobs`` worker processes, or by command to the ingest workers.

    ``library`` is where the assets go (default: the stores' library).
    """
    settings = access.settings
    if via_bus and settings.bus is not BusKind.NATS:
        raise StartupError("--via-bus needs ONAIR_BUS=nats and 'onair serve --role ingest' workers")
    # Nobody else hears an in-process bus of a CLI run: only NATS carries the events.
    nats = settings.bus is BusKind.NATS
    bus_in_use: AbstractAsyncContextManager[EventBus | None] = (
        command_bus(access, "ingest") if nats else nullcontext(None)
    )
    async with bus_in_use as bus:
        workers = worker_processes(1 if via_bus else jobs)
        try:
            options = ingest_options(settings, kind)
            intake = Intake(settings.station, library or access.library, access.objects, options,
                            workers, on_outcome=on_outcome,
                            bus=None if via_bus else bus)  # fmt: skip
            runner: Ingests = intake
            if via_bus:
                assert bus is not None
                runner = RemoteIntake(bus, settings.station, intake)
            return await run_batch(runner, files, in_flight=jobs * 2, on_total=on_total)
        finally:
            workers.shutdown(wait=True, cancel_futures=True)


def worker_processes(jobs: int | None = None, *, background: bool = False) -> ProcessPoolExecutor:
    """Processes for CPU-heavy audio work, one a core unless ``jobs`` says otherwise.

    ``background`` workers run at a lower priority, so the air they share the
    machine with is never short of a core.
    """
    # forkserver: workers start clean, not as forks of a process with threads. Each
    # forks from a server that has imported the examination once: warm, not 0.4 s
    # of CPU each spent importing numpy, PyAV and the rest before its first file.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["onair.ingest.examine"])
    return ProcessPoolExecutor(
        max_workers=jobs or os.cpu_count() or 1,
        mp_context=context,
        initializer=_lower_priority if background else None,
    )


def _lower_priority() -> None:
    os.nice(10)


async def start_ingest(station: Station, face: HttpFace) -> RunningRole:
    """The ingest role of ``onair serve``: ``ingest.ingest_file`` served, one slot per core."""
    settings, stores = station.settings, station.stores
    slots = os.cpu_count() or 1
    workers = worker_processes(slots)
    intake = Intake(settings.station, stores.library, stores.objects, ingest_options(settings),
                    workers, bus=station.bus)  # fmt: skip
    await serve_ingest(station.bus, intake, slots)
    log.info("ingest_worker_serving", station=settings.station, slots=slots)
    return Stops(lambda: workers.shutdown(wait=False, cancel_futures=True))
