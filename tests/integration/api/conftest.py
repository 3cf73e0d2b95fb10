"""The real app of an ``onair serve`` process (``build_app``) over a real SQLite station."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from onair.access import Access
from onair.bootstrap.serve import build_app
from onair.bootstrap.station import Station, open_station
from onair.config import load_settings
from onair.domain.access import Role

PASSWORD = "a long enough password"


@dataclass
class Served:
    station: Station
    client: httpx.AsyncClient
    access: Access

    def token(self, role: Role, name: str | None = None) -> str:
        text, _ = self.access.create_token(name or role.value, role, None, "shell:test")
        return text

    def user(self, name: str, role: Role) -> None:
        self.access.add_user(name, role, PASSWORD, "shell:test")


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    settings = load_settings(None, data_dir=tmp_path / "station")
    station = await open_station(settings, frozenset({"api"}))
    app = build_app(station)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Served(station, client, station.stores.access())
    finally:
        await station.close()
