"""``onair serve``: bind the port, open the station, start its roles, serve until interrupted."""

from __future__ import annotations

import asyncio
import errno
import functools
import gc
import signal
import socket
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI

from onair.api import create_app
from onair.bootstrap.adapters import StartupError
from onair.bootstrap.compliance import records_desk
from onair.bootstrap.library_desk import library_desk
from onair.bootstrap.operator_access import check_open_serving, insert_refusal, local_operator_token
from onair.bootstrap.playout import listener_delays_ms
from onair.bootstrap.roles import ROLES, RoleStarter
from onair.bootstrap.segment_desk import segment_desk
from onair.bootstrap.station import HttpFace, Station, open_station
from onair.bootstrap.stores import Stores
from onair.bootstrap.uploads import uploads
from onair.bootstrap.webhooks import delivery_desk
from onair.config import Settings
from onair.domain.events import new_envelope
from onair.observability import configure_logging, get_logger

if TYPE_CHECKING:
    from onair.ingest.discovery import Discovery

__all__ = ["WEBSOCKETS", "build_app", "serve", "start_roles"]

log = get_logger("onair.bootstrap")


async def serve(
    settings: Settings,
    roles: frozenset[str],
    *,
    announce: Callable[[dict[str, str]], None] | None = None,
    alongside: Callable[[Station], Awaitable[None]] | None = None,
) -> None:
    """Run the station's HTTP face and the services of ``roles`` until interrupted.

    Roles start in the registry's order and stop in reverse. A Ctrl-C that
    cancels a stop lets every later stop run, then ends the task cancelled
    (asyncio turns that into the KeyboardInterrupt a shell expects).
    ``alongside`` is work that runs beside the services once they are up (the demo
    grows its library with it); it is cancelled before the roles stop.
    """
    configure_logging(settings.log_level, service="onair")
    # A SIGTERM (systemd, docker stop) stops as a Ctrl-C does: every service shut down in
    # order, child processes (Liquidsoap, ingest workers) with them. By default Python
    # would die on the spot once uvicorn hands the signal back.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sock = _listen(settings.host, settings.port)
    async with AsyncExitStack() as running:
        running.callback(sock.close)
        service = "all" if roles == frozenset(ROLES) else None
        station = await open_station(settings, roles, service)
        running.push_async_callback(_stopped, station)
        await asyncio.to_thread(check_open_serving, station.stores)
        await asyncio.to_thread(local_operator_token, station.stores)
        face = _face(sock)
        await start_roles(running, station, face)
        app = build_app(station, face.stream, face.live)
        _freeze_startup()
        server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on", **WEBSOCKETS))
        log.info("station_serving", station=settings.station, roles=sorted(roles), **face.urls)
        if announce:
            announce(face.urls)
        if alongside is not None:
            beside = asyncio.create_task(_beside(alongside, station), name="alongside")
            running.callback(beside.cancel)  # asyncio.run waits for it to unwind
        await server.serve(sockets=[sock])


def _freeze_startup() -> None:
    """Hide what starting made (the library, the engine, the app) from the garbage collector.

    It lives as long as the process, yet every full collection walked it all: half a
    million objects, a second and more of a held event loop, and every live client,
    request and stream behind it. What is made from here on is collected as before.
    """
    gc.collect()
    gc.freeze()


async def start_roles(
    running: AsyncExitStack,
    station: Station,
    face: HttpFace,
    registry: Mapping[str, RoleStarter] = ROLES,
) -> None:
    """Start the station's roles in the registry's order; ``running`` stops them in reverse."""
    for name, start in registry.items():
        if name in station.roles:
            running.push_async_callback((await start(station, face)).stop)


async def _beside(work: Callable[[Station], Awaitable[None]], station: Station) -> None:
    try:
        await work(station)
    except Exception as exc:  # the station stays on the air without it
        log.exception("alongside_failed", error=str(exc))


async def _stopped(station: Station) -> None:
    try:
        await station.close()
    finally:
        log.info("station_stopped", station=station.settings.station)


def _face(sock: socket.socket) -> HttpFace:
    host, port = sock.getsockname()[:2]
    base = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    return HttpFace(base, {"url": base, "health": f"{base}/healthz", "metrics": f"{base}/metrics"})


# The live WebSocket on websockets' sans-I/O protocol; its messages are small JSON, so
# per-message deflate would cost a zlib context per client for little.
WEBSOCKETS: dict[str, Any] = {"ws": "websockets-sansio", "ws_per_message_deflate": False}


def build_app(station: Station, stream: Any = None, live: Any = None) -> FastAPI:
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
        access=station.stores.access(),
        session_key=station.settings.signing_key,
        insert_refusal=insert_refusal(station.stores),
        library=library_desk(station.stores),
        live=live,
        live_origins=station.settings.live_origins,
        stores=station.stores,
        records=records_desk(station.stores),
        discovery=_discovery(station.stores),
        segments=segment_desk(station.stores),
        upload_max_bytes=station.settings.upload_max_mb << 20,
        publish=bus.publish,
        uploads=uploads(station.stores),
        audio_delay_ms=listener_delays_ms(station.settings),
        deliveries=delivery_desk(station.stores),
        studio=station.settings.studio_dir,
    )


def _discovery(stores: Stores) -> Callable[[], Discovery]:
    """The library's search for the API, made on the first search (it loads the ingest
    stack, and its embedding model on the first query): a serve that is never asked to
    search never loads them."""

    @functools.cache
    def made() -> Discovery:
        from onair.bootstrap.ingest import open_discovery

        return open_discovery(stores)

    return made


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
