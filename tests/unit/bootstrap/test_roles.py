"""``onair serve`` starts the chosen roles in the registry's order and stops them in reverse."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any, cast

import pytest

from onair.bootstrap import ROLES, HttpFace, RunningRole, Station
from onair.bootstrap.roles import RoleStarter
from onair.bootstrap.serve import start_roles


class _Role:
    def __init__(self, name: str, log: list[str], cancelled: bool) -> None:
        self.name, self.log, self.cancelled = name, log, cancelled

    async def stop(self) -> None:
        self.log.append(f"stop {self.name}")
        if self.cancelled:  # a Ctrl-C lands while this role stops
            raise asyncio.CancelledError


def _registry(log: list[str], cancelled: str | None = None) -> dict[str, RoleStarter]:
    def starter(name: str) -> RoleStarter:
        async def start(station: Station, face: HttpFace) -> RunningRole:
            log.append(f"start {name}")
            return _Role(name, log, cancelled == name)

        return start

    return {name: starter(name) for name in ("api", "scheduler", "compliance", "playout")}


def _station(*roles: str) -> Station:
    station: Any = type("Station", (), {"roles": frozenset(roles)})()
    return cast(Station, station)


async def test_the_chosen_roles_start_in_order_and_stop_in_reverse() -> None:
    log: list[str] = []
    async with AsyncExitStack() as running:
        face = HttpFace("http://127.0.0.1:1", {})
        await start_roles(running, _station("playout", "api", "scheduler"), face, _registry(log))
    assert log == [
        "start api", "start scheduler", "start playout",
        "stop playout", "stop scheduler", "stop api",
    ]  # fmt: skip


async def _serve_and_stop(registry: dict[str, RoleStarter]) -> None:
    async with AsyncExitStack() as running:
        face = HttpFace("http://127.0.0.1:1", {})
        await start_roles(running, _station(*registry), face, registry)


async def test_a_stop_cut_short_by_ctrl_c_lets_the_others_stop_then_ends_cancelled() -> None:
    log: list[str] = []
    with pytest.raises(asyncio.CancelledError):
        await _serve_and_stop(_registry(log, cancelled="playout"))
    assert log[4:] == ["stop playout", "stop compliance", "stop scheduler", "stop api"]


def test_the_station_stops_playout_first() -> None:
    assert list(ROLES)[-1] == "playout"
