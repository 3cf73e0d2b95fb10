"""The event bus: the port, the in-process bus and NATS JetStream."""

from onair.bus.deadletter import DeadLetter
from onair.bus.dedupe import RecentEvents, SeenEvents
from onair.bus.memory_bus import InMemoryBus
from onair.bus.port import (
    BusError,
    BusUnavailable,
    CommandFailed,
    EventBus,
    Handler,
    NoResponders,
    RequestTimeout,
    Subscription,
)

__all__ = [
    "BusError",
    "BusUnavailable",
    "CommandFailed",
    "DeadLetter",
    "EventBus",
    "Handler",
    "InMemoryBus",
    "NoResponders",
    "RecentEvents",
    "RequestTimeout",
    "SeenEvents",
    "Subscription",
]
