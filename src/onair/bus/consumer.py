"""How one consumer handles one message, the same on every bus.

The bus decides how messages arrive and are acknowledged; this decides what an
arrival means: parse or dead-letter, skip a duplicate, run the handler inside
the publisher's trace and the event's log context, and say whether to retry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

import structlog
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Status, StatusCode

from onair.bus.deadletter import DeadLetter
from onair.bus.dedupe import SeenEvents
from onair.domain.errors import InvalidEnvelope
from onair.domain.events import Envelope
from onair.observability.metrics import BusMetrics
from onair.observability.tracing import context_from_traceparent

__all__ = ["Consumer", "Outcome", "retry_delay"]

log = structlog.get_logger("onair.bus")


class Outcome(Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    RETRY = "retry"
    DEAD = "dead"


def retry_delay(attempt: int, base: float = 0.05, cap: float = 30.0) -> float:
    """Exponential backoff before delivery attempt ``attempt + 1``."""
    return float(min(cap, base * 2 ** (attempt - 1)))


@dataclass
class Consumer:
    """One named consumer: its handler, its memory of handled ids and its limits."""

    name: str
    bus_kind: str
    handler: Callable[[Envelope], Awaitable[None]]
    seen: SeenEvents
    metrics: BusMetrics
    tracer_provider: TracerProvider
    dead_letter: Callable[[DeadLetter], Awaitable[None]]
    max_deliver: int = 5

    def __post_init__(self) -> None:
        self.tracer = self.tracer_provider.get_tracer("onair.bus")

    async def parse(self, subject: str, raw: bytes) -> Envelope | None:
        """The envelope, or None after dead-lettering what is not one."""
        try:
            return Envelope.from_json(raw)
        except InvalidEnvelope as exc:
            await self._bury(subject, f"malformed envelope: {exc}", 1, raw, "malformed")
            return None

    async def handle(self, envelope: Envelope, attempt: int, raw: bytes | None = None) -> Outcome:
        """Run the handler once; ``attempt`` counts from 1."""
        if await self.seen.seen(self.name, envelope.id):
            return Outcome.DUPLICATE
        if attempt == 1:
            lag = (datetime.now(UTC) - envelope.time).total_seconds()
            self.metrics.delivered(self.bus_kind, self.name, lag)
        tracer = self.tracer
        parent = context_from_traceparent(envelope.traceparent)
        fields = envelope.correlation.as_log_fields()
        with (
            structlog.contextvars.bound_contextvars(
                **fields, event_id=envelope.id, event_type=envelope.type, consumer=self.name
            ),
            tracer.start_as_current_span(
                f"consume {envelope.type}",
                context=parent,
                kind=SpanKind.CONSUMER,
                attributes={"messaging.destination.name": envelope.subject, **fields},
            ) as span,
        ):
            try:
                await self.handler(envelope)
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                return await self._failed(envelope, attempt, exc, raw)
        await self.seen.remember(self.name, envelope.id)
        self.metrics.consumed(self.name, envelope.type)
        return Outcome.HANDLED

    async def _failed(
        self, envelope: Envelope, attempt: int, exc: Exception, raw: bytes | None
    ) -> Outcome:
        self.metrics.handler_failed(self.name, envelope.type)
        reason = f"{type(exc).__name__}: {exc}"
        if attempt < self.max_deliver:
            log.warning("handler_failed_will_retry", attempt=attempt, error=reason)
            return Outcome.RETRY
        log.error("handler_failed_dead_lettered", attempt=attempt, error=reason)
        await self._bury(
            envelope.subject, reason, attempt, raw or envelope.to_json(), "handler_failed"
        )
        return Outcome.DEAD

    async def _bury(self, subject: str, reason: str, attempts: int, raw: bytes, label: str) -> None:
        self.metrics.dead_lettered(self.name, label)
        await self.dead_letter(DeadLetter.of(self.name, subject, reason, attempts, raw))
