"""The ASGI application every ``onair serve`` process runs, whatever its role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from onair import __version__
from onair.api.middleware import RequestCorrelation
from onair.api.rest import health, status
from onair.api.state import ApiState

__all__ = ["HealthCheck", "create_app"]

HealthCheck = Callable[[], Awaitable[None]]


def create_app(
    *,
    station: str,
    roles: frozenset[str],
    checks: Mapping[str, HealthCheck],
    registry: CollectorRegistry,
) -> FastAPI:
    """Build the app; ``checks`` name each dependency ``/healthz`` probes."""
    app = FastAPI(title="onair", version=__version__)
    app.state.onair = ApiState(station=station, roles=roles, checks=dict(checks), registry=registry)
    app.include_router(health.router)
    app.include_router(status.router, prefix="/api/v1")
    app.add_middleware(RequestCorrelation, registry=registry)
    return app
