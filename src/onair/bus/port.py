"""The ``EventBus`` port: how services publish events and send commands.

Delivery is at-least-once. Each consumer skips an event id it has already
handled, retries a failing handler with backoff, and after ``max_deliver``
attempts sends the message to the dead-letter subject with the reason, as it
does at once with a message that is not a valid envelope. Nothing is dropped
silently.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from onair.bus.deadletter import DeadLetter
from onair.domain.events import Envelope

__all__ = [
    "BusError",
    "BusUnavailable",
    "CommandFailed",
    "CommandHandler",
    "DeadLetterHandler",
    "EventBus",
    "Handler",
    "NoResponders",
    "RequestTimeout",
    "Subscription",
]

Handler = Callable[[Envelope], Awaitable[None]]
CommandHandler = Callable[[Envelope], Awaitable[dict[str, Any]]]
DeadLetterHandler = Callable[[DeadLetter], Awaitable[None]]


class BusError(Exception):
    """Base of the bus's errors; the message is one line for an operator."""


class BusUnavailable(BusError):
    """The bus server cannot be reached and the event could not be kept."""


class RequestTimeout(BusError):
    """A command got no reply in time."""


class NoResponders(BusError):
    """Nobody serves the command that was sent."""


class CommandFailed(BusError):
    """The service that took a command answered with an error."""


class Subscription(Protocol):
    async def stop(self) -> None:
        """Stop receiving; a durable consumer keeps its place for the next subscriber."""


class EventBus(Protocol):
    """Publish events, consume them by type pattern, send commands and await replies."""

    kind: str
    station: str

    async def start(self) -> None:
        """Connect; raises :class:`BusUnavailable` naming the server if it cannot."""

    async def close(self) -> None:
        """Stop every consumer after its current message and disconnect."""

    async def check(self) -> None:
        """Raise :class:`BusUnavailable` unless the bus can carry messages now."""

    async def publish(self, envelope: Envelope) -> None:
        """Return once the bus holds the event durably (or has spooled it to disk)."""

    async def publish_raw(self, message_type: str, data: bytes) -> None:
        """Put arbitrary bytes on a type's subject (bridges, tests of bad input)."""

    async def subscribe(
        self,
        pattern: str,
        handler: Handler,
        *,
        durable: str | None = None,
        queue: str | None = None,
    ) -> Subscription:
        """Consume events whose type matches ``pattern`` (``playout.*``, ``>``).

        ``durable`` names a consumer that resumes where it stopped; ``queue``
        shares the work among every subscriber of that name, each event going to
        exactly one of them.
        """

    async def subscribe_dead_letters(self, handler: DeadLetterHandler) -> Subscription:
        """Receive what consumers gave up on, with the reason."""

    async def broadcast(self, envelope: Envelope) -> None:
        """Hand a transient event to whoever listens now: never stored, never redelivered.

        For readings that are stale a moment later (the program meters, ten a
        second): a listener that is away or behind misses some, and the next
        reading replaces them. Never blocks on a bus that is down; drops instead.
        """

    async def listen(self, pattern: str, handler: Handler) -> Subscription:
        """Receive broadcasts whose type matches ``pattern``, from now on, at most once."""

    async def serve(self, command_type: str, handler: CommandHandler) -> Subscription:
        """Answer ``command_type`` commands; the handler's dict is the reply payload."""

    async def request(self, command: Envelope, timeout_s: float = 5.0) -> Envelope:
        """Send a command and await its reply envelope (type ``<command>_reply``)."""
