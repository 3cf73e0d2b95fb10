"""The adapters a process connects (database, object store, bus), chosen from settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from onair.bootstrap.errors import StartupError
from onair.config import BusKind, ObjectStoreKind, Settings, mask_url
from onair.storage import migrate
from onair.storage.db import DatabaseUnavailable, check_database, create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.object_store import ObjectStore, ObjectStoreError
from onair.storage.repositories.processed_events import DatabaseSeenEvents
from onair.storage.repositories.stations import StationNotFound, Stations

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from onair.bus import EventBus
    from onair.observability.metrics import BusMetrics

__all__ = [
    "StartupError",
    "connect_database",
    "current_database_revision",
    "downgrade_database",
    "masked_database_url",
    "open_object_store",
    "prepare_data_dir",
    "schema_ready",
    "station_bus",
    "upgrade_database",
]


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


def connect_database(settings: Settings) -> Engine:
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
    engine = connect_database(settings)  # one clear line when the database is unreachable
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
    connect_database(settings).dispose()
    url = settings.resolved_database_url
    migrate.downgrade(url, revision)
    return migrate.current_revision(url) or "base"


def current_database_revision(settings: Settings) -> str | None:
    connect_database(settings).dispose()
    return migrate.current_revision(settings.resolved_database_url)


def prepare_data_dir(settings: Settings) -> str:
    """Create the embedded data dir and bring its database to the newest schema."""
    _make_dirs(settings.data_dir, settings.objects_dir)
    return upgrade_database(settings)


def schema_ready(settings: Settings) -> None:
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


def open_object_store(settings: Settings) -> ObjectStore:
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


def station_bus(
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
    from onair.bus import InMemoryBus  # the bus loads only in a process that runs services

    return InMemoryBus(settings.station, metrics=metrics, tracer_provider=tracer_provider)
