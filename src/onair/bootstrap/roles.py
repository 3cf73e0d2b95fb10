"""Every role a station process can run, by name: the one list ``--role`` and ``serve`` read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from onair.api.live.feed import follow
from onair.api.live.hub import LiveHub
from onair.bootstrap.agents import start_agents
from onair.bootstrap.compliance import start_compliance
from onair.bootstrap.ingest import start_ingest
from onair.bootstrap.playout import start_playout
from onair.bootstrap.scheduler import start_scheduler
from onair.bootstrap.station import HttpFace, RunningRole, Station
from onair.bootstrap.webhooks import start_webhooks
from onair.bus import Subscription

__all__ = ["ROLES", "RoleStarter"]

RoleStarter = Callable[[Station, HttpFace], Awaitable[RunningRole]]


class _Following:
    def __init__(self, subscriptions: list[Subscription]) -> None:
        self._subscriptions = subscriptions

    async def stop(self) -> None:
        for subscription in self._subscriptions:
            await subscription.stop()


async def start_api(station: Station, face: HttpFace) -> RunningRole:
    """The API role: the routes are the HTTP face every process serves; the live updates'
    hub follows the station's bus from now on, for the ``/api/v1/live`` WebSocket."""
    face.live = LiveHub()
    return _Following(await follow(station.bus, face.live))


# In the order they start; ``serve`` stops them in reverse, so playout (last in) stops first
# and the air ends before the services it reports to.
ROLES: dict[str, RoleStarter] = {
    "api": start_api,
    "ingest": start_ingest,
    "scheduler": start_scheduler,
    "agents": start_agents,
    "compliance": start_compliance,
    "webhooks": start_webhooks,
    "playout": start_playout,
}
