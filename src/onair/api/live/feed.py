"""The station's bus into the hub: the events live clients see, as they happen."""

from __future__ import annotations

from onair.api.live.hub import LiveHub
from onair.api.live.messages import BROADCAST_PATTERNS, EVENT_PATTERNS, from_event
from onair.bus.port import EventBus, Subscription
from onair.domain.events import Envelope

__all__ = ["follow"]


async def follow(bus: EventBus, hub: LiveHub) -> list[Subscription]:
    """Subscribe ``hub`` to the station's bus (the in-process bus or NATS alike).

    Each API process follows with its own ephemeral consumer from now on: what
    happened before it started reaches its clients only through what playout
    says next (a snapshot fills as events arrive). The meters come as broadcasts,
    which the bus never stores.
    """

    async def handle(envelope: Envelope) -> None:
        live = from_event(envelope)
        if live is not None:
            kind, data, transient = live
            hub.publish(kind, data, envelope.time, transient)

    following = [await bus.subscribe(pattern, handle) for pattern in EVENT_PATTERNS]
    return following + [await bus.listen(pattern, handle) for pattern in BROADCAST_PATTERNS]
