"""A station process: its stores, its bus, metrics and tracing, and the roles it runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from onair.api import HealthCheck
from onair.bootstrap.adapters import StartupError, station_bus
from onair.bootstrap.stores import Stores, open_stores
from onair.bus import BusError, EventBus
from onair.config import Settings
from onair.observability.metrics import BusMetrics
from onair.observability.tracing import configure_tracing
from onair.storage.db import check_database

__all__ = ["HttpFace", "RunningRole", "Station", "Stops", "command_bus", "open_station"]


class RunningRole(Protocol):
    """A role started in ``onair serve``; ``stop`` ends it, even while a Ctrl-C is under way."""

    async def stop(self) -> None: ...


class Stops:
    """A started role whose parts stop at once, without waiting (desks, worker pools)."""

    def __init__(self, *stops: Callable[[], object]) -> None:
        self._stops = stops

    async def stop(self) -> None:
        for stop in self._stops:
            stop()


@dataclass
class HttpFace:
    """The HTTP face every process serves, and what its roles add to it."""

    base: str
    urls: dict[str, str]
    stream: Any = None  # the built-in stream's ASGI app, where this process airs it
    live: Any = None  # the live updates' hub, where this process runs the API role


@dataclass
class Station:
    """One ``onair serve`` process's wired adapters; its roles take what they need from here."""

    settings: Settings
    roles: frozenset[str]
    stores: Stores
    bus: EventBus
    registry: CollectorRegistry
    tracer_provider: TracerProvider
    checks: Mapping[str, HealthCheck] = field(default_factory=dict)

    async def close(self) -> None:
        # A Ctrl-C may cancel this while the bus closes: the database is let go all the same.
        try:
            await self.bus.close()
        finally:
            self.stores.close()
            self.tracer_provider.shutdown()


async def open_station(
    settings: Settings, roles: frozenset[str], service: str | None = None
) -> Station:
    """Connect every adapter, failing with one clear line when one is unreachable.

    ``service`` names the process in metrics and traces (default: its roles).
    """
    service = service or "+".join(sorted(roles))
    stores = await asyncio.to_thread(open_stores, settings, objects=True)
    try:
        registry = CollectorRegistry()
        tracer_provider = configure_tracing(
            settings.tracing.value, f"onair-{service}", settings.otlp_endpoint
        )
        metrics = BusMetrics(registry, service=service)
        bus = station_bus(settings, stores.engine, metrics, tracer_provider)
        await _start(bus)
    except BaseException:
        stores.close()
        raise
    objects, engine = stores.objects, stores.engine
    checks: dict[str, Callable[[], Awaitable[None]]] = {
        "database": lambda: asyncio.to_thread(check_database, engine),
        "object_store": lambda: asyncio.to_thread(objects.check),
        "bus": bus.check,
    }
    return Station(settings, roles, stores, bus, registry, tracer_provider, checks)


@asynccontextmanager
async def command_bus(stores: Stores, service: str) -> AsyncIterator[EventBus]:
    """The settings' bus for one command, started (one line when it is unreachable), then closed."""
    settings = stores.settings
    tracing = configure_tracing("none", f"onair-{service}", settings.otlp_endpoint)
    metrics = BusMetrics(CollectorRegistry(), service=service)
    bus = station_bus(settings, stores.engine, metrics, tracing)
    try:
        await _start(bus)
        yield bus
    finally:
        await bus.close()


async def _start(bus: EventBus) -> None:
    try:
        await bus.start()
    except BusError as exc:
        raise StartupError(str(exc)) from exc
