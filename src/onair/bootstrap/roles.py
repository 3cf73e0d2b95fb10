"""Every role a station process can run, by name: the one list ``--role`` and ``serve`` read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from onair.bootstrap.agents import start_agents
from onair.bootstrap.compliance import start_compliance
from onair.bootstrap.ingest import start_ingest
from onair.bootstrap.playout import start_playout
from onair.bootstrap.scheduler import start_scheduler
from onair.bootstrap.station import HttpFace, RunningRole, Station, Stops

__all__ = ["ROLES", "RoleStarter"]

RoleStarter = Callable[[Station, HttpFace], Awaitable[RunningRole]]


async def start_api(station: Station, face: HttpFace) -> RunningRole:
    """The API role: its routes are the HTTP face every process serves, so nothing starts yet."""
    return Stops()


# In the order they start; ``serve`` stops them in reverse, so playout (last in) stops first
# and the air ends before the services it reports to.
ROLES: dict[str, RoleStarter] = {
    "api": start_api,
    "ingest": start_ingest,
    "scheduler": start_scheduler,
    "agents": start_agents,
    "compliance": start_compliance,
    "playout": start_playout,
}
