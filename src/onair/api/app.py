"""The ASGI application every ``onair serve`` process runs, whatever its role."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI
from prometheus_client import CollectorRegistry
from starlette.routing import Match, Mount
from starlette.types import Scope

from onair import __version__
from onair.api.auth import authorize
from onair.api.body_limit import MAX_BODY, BodyLimit
from onair.api.graphql import graphql_router
from onair.api.live.endpoint import live_route
from onair.api.middleware import RequestCorrelation
from onair.api.problems import add_problem_handlers
from onair.api.rest import access as access_routes
from onair.api.rest import assets, auth, compliance, health, playout, schedule, status
from onair.api.rest import on_air as on_air_routes
from onair.api.rest import playlists as playlist_routes
from onair.api.rest import public as public_routes
from onair.api.rest import segments as segment_routes
from onair.api.rest import station as station_file
from onair.api.rest import uploads as upload_routes
from onair.api.rest import webhooks as webhook_routes
from onair.api.state import ApiState, InsertRefusal
from onair.api.studio import studio_app, studio_fallback
from onair.domain.events import Envelope

if TYPE_CHECKING:
    from onair.access import Access
    from onair.agents.segment_desk import SegmentDesk
    from onair.api.live.hub import LiveHub
    from onair.api.stores import StationStores
    from onair.compliance.records_desk import RecordsDesk
    from onair.ingest.discovery import Discovery
    from onair.ingest.library_desk import LibraryDesk
    from onair.ingest.uploads import Uploads
    from onair.webhooks.deliveries import DeliveryDesk

__all__ = ["HealthCheck", "create_app"]

HealthCheck = Callable[[], Awaitable[None]]


class _StreamPaths(Mount):
    """The built-in stream at its mounts' paths (``/stream.mp3``, ...): a wrong method on an
    API route is answered by the route (405), not taken for a stream that does not exist."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not scope["path"].startswith("/stream."):
            return Match.NONE, {}
        return super().matches(scope)


def create_app(
    *,
    station: str,
    roles: frozenset[str],
    checks: Mapping[str, HealthCheck],
    registry: CollectorRegistry,
    command: Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]] | None = None,
    stream: Any = None,
    access: Access | None = None,
    session_key: bytes | None = None,
    insert_refusal: InsertRefusal | None = None,
    library: LibraryDesk | None = None,
    live: LiveHub | None = None,
    live_origins: Collection[str] = (),
    stores: StationStores | None = None,
    records: RecordsDesk | None = None,
    discovery: Callable[[], Discovery] | None = None,
    segments: SegmentDesk | None = None,
    upload_max_bytes: int = MAX_BODY,
    publish: Callable[[Envelope], Awaitable[None]] | None = None,
    uploads: Uploads | None = None,
    audio_delay_ms: Mapping[str, int] | None = None,
    deliveries: DeliveryDesk | None = None,
    studio: Path | None = None,
) -> FastAPI:
    """Build the app; ``checks`` name each dependency ``/healthz`` probes.

    ``stream`` is the built-in stream's ASGI app, served at ``/stream.mp3``,
    ``/stream.opus`` and ``/stream.aac`` where this process runs playout. ``access``
    checks credentials; every route declares the role it needs (see ``onair.api.auth``),
    and without ``access`` only the public ones answer. ``live`` is the hub the
    ``/api/v1/live`` WebSocket fans out (see ``onair.api.live``); ``live_origins`` are
    other sites whose pages may open it. ``studio`` is the folder of a built studio served
    at every other path (default: the one built into the package; see ``onair.api.studio``).
    """
    app = FastAPI(title="onair", version=__version__, dependencies=[Depends(authorize)])
    app.state.onair = ApiState(
        station=station, roles=roles, checks=dict(checks), registry=registry, command=command,
        access=access, session_key=session_key or secrets.token_bytes(32),
        insert_refusal=insert_refusal, library=library, stores=stores, records=records,
        discovery=discovery,
        segments=segments, uploads=uploads,
        publish=publish, audio_delay_ms=dict(audio_delay_ms or {}), deliveries=deliveries,
    )  # fmt: skip
    add_problem_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router, prefix="/api/v1")
    app.include_router(access_routes.router, prefix="/api/v1")
    app.include_router(status.router, prefix="/api/v1")
    app.include_router(playout.router, prefix="/api/v1")
    app.include_router(assets.router, prefix="/api/v1")
    app.include_router(station_file.router, prefix="/api/v1")
    app.include_router(compliance.router, prefix="/api/v1")
    app.include_router(schedule.router, prefix="/api/v1")
    app.include_router(playlist_routes.router, prefix="/api/v1")
    app.include_router(on_air_routes.router, prefix="/api/v1")
    app.include_router(public_routes.router, prefix="/api/v1")
    app.include_router(graphql_router(), prefix="/graphql")
    app.include_router(segment_routes.router, prefix="/api/v1")
    app.include_router(upload_routes.router, prefix="/api/v1")
    app.include_router(webhook_routes.router, prefix="/api/v1")
    if live is not None:
        app.router.routes.append(live_route(live, live_origins))
    app.add_middleware(BodyLimit, upload_bytes=upload_max_bytes)
    app.add_middleware(RequestCorrelation, registry=registry)
    if stream is not None:  # after the routes: only what they do not answer reaches it
        app.router.routes.append(_StreamPaths("/", app=stream))
    # What no route answers, whenever it was added: the studio's pages, or the API's 404.
    app.router.default = studio_fallback(studio_app(studio), app.router.default)
    return app
