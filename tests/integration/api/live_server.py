"""A real ``onair serve`` HTTP face on loopback (uvicorn), its live hub following a real bus."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from onair.access import Access
from onair.api.live.feed import follow
from onair.api.live.hub import LiveHub
from onair.bootstrap.serve import WEBSOCKETS, build_app
from onair.bootstrap.station import Station, open_station
from onair.config import load_settings
from onair.domain.access import Role


@dataclass
class LiveServer:
    station: Station
    hub: LiveHub
    access: Access
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, query: str = "") -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/live{query}"

    def token(self, role: Role = Role.VIEWER, name: str | None = None) -> str:
        text, _ = self.access.create_token(name or role.value, role, None, "shell:test")
        return text

    def connect(self, query: str = "", token: str | None = None,
                headers: dict[str, str] | None = None, **options: Any) -> Any:  # fmt: skip
        """A WebSocket client, sending ``token`` as a bearer token on the handshake."""
        sent = dict(headers or {}) | ({"Authorization": f"Bearer {token}"} if token else {})
        return connect(self.url(query), additional_headers=sent, proxy=None,
                       open_timeout=10, **options)  # fmt: skip


@asynccontextmanager
async def live_server(folder: Path, hub: LiveHub | None = None, station_name: str = "test",
                      **settings: Any) -> AsyncIterator[LiveServer]:  # fmt: skip
    """The API process; ``settings`` (``bus="nats"``, ...) override the embedded defaults."""
    given = load_settings(None, data_dir=folder / "station", station=station_name, **settings)
    station = await open_station(given, frozenset({"api"}))
    hub = hub or LiveHub()
    following = await follow(station.bus, hub)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(build_app(station, None, hub), log_level="critical", lifespan="off",
                            timeout_graceful_shutdown=1, **WEBSOCKETS)  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        yield LiveServer(station, hub, station.stores.access(), sock.getsockname()[1])
    finally:
        server.should_exit = True
        await task
        for subscription in following:
            await subscription.stop()
        await station.close()


async def receive(ws: ClientConnection, kind: str, within_s: float = 10.0) -> dict[str, Any]:
    """The next message of type ``kind`` (those before it are skipped)."""
    async with asyncio.timeout(within_s):
        while True:
            message: dict[str, Any] = json.loads(await ws.recv())
            if message["type"] == kind:
                return message
