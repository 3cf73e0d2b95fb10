"""What the playout role needs of an engine, and the operator triggers it takes from the bus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from onair.bus.port import EventBus
from onair.domain.events import Envelope
from onair.domain.playout import Trigger

__all__ = ["AirEngine", "serve_triggers"]


class AirEngine(Protocol):
    """An engine that airs the station: the built-in one or Liquidsoap's."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def trigger(
        self, trigger: Trigger, who: str, asset_id: str | None = None, note: str | None = None
    ) -> dict[str, Any]: ...


async def serve_triggers(bus: EventBus, air: AirEngine) -> None:
    """Answer each ``playout.<trigger>`` command on ``bus`` by applying it to ``air``."""
    for trigger in Trigger:
        await bus.serve(f"playout.{trigger.value}", _trigger_handler(air, trigger))


def _trigger_handler(
    air: AirEngine, trigger: Trigger
) -> Callable[[Envelope], Awaitable[dict[str, Any]]]:
    async def handle(command: Envelope) -> dict[str, Any]:
        payload = command.payload
        who = str(payload.get("who") or "unknown")
        return await air.trigger(trigger, who, payload.get("asset_id"), payload.get("note"))

    return handle
