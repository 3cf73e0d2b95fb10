"""The publisher's side of tracing, the same on every bus."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.trace import SpanKind, Tracer

from onair.domain.events import Envelope
from onair.observability.tracing import traceparent_of

__all__ = ["traced"]


@contextmanager
def traced(tracer: Tracer, envelope: Envelope) -> Iterator[Envelope]:
    """Open the publish span and yield the envelope carrying its ``traceparent``.

    The span is a child of whatever span is current (a handler publishing a
    follow-up event continues the trace it is in).
    """
    with tracer.start_as_current_span(
        f"publish {envelope.type}",
        kind=SpanKind.PRODUCER,
        attributes={"messaging.destination.name": envelope.subject, "event_id": envelope.id},
    ) as span:
        yield envelope.model_copy(update={"traceparent": traceparent_of(span)})
