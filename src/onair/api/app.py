"""The ASGI application every ``onair serve`` process runs, whatever its role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from onair import __version__
from onair.api.middleware import RequestCorrelation
from onair.api.rest import health, playout, status
from onair.api.state import ApiState

__all__ = ["HealthCheck", "create_app"]

HealthCheck = Callable[[], Awaitable[None]]


def create_app(
    *,
    station: str,
    roles: frozenset[str],
    checks: Mapping[str, HealthCheck],
    registry: CollectorRegistry,
    command: Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]] | None = None,
    stream: Any = None,
) -> FastAPI:
    """Build the app; ``checks`` name each dependency ``/healthz`` probes.

    ``stream`` is the built-in stream's ASGI app, served at ``/stream.mp3``
    and ``/stream.opus`` where this process runs playout.
    """
    app = FastAPI(title="onair", version=__version__)
    app.state.onair = ApiState(station=station, roles=roles, checks=dict(checks),
                               registry=registry, command=command)  # fmt: skip
    app.include_router(health.router)
    app.include_router(status.router, prefix="/api/v1")
    app.include_router(playout.router, prefix="/api/v1")
    app.add_middleware(RequestCorrelation, registry=registry)
    if stream is not None:
        app.mount("/", stream)  # after the routes: only what they do not answer reaches it
    return app
