"""OpenTelemetry tracing with the W3C trace context carried in the envelope.

A publisher's span context travels as the envelope's ``traceparent``; the
consumer opens its span as a child of it, so one trace follows an event from
the scheduler through NATS to playout. Exporting is off unless configured.
"""

from __future__ import annotations

from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import Span, format_span_id, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["configure_tracing", "context_from_traceparent", "silent_provider", "traceparent_of"]

_PROPAGATOR = TraceContextTextMapPropagator()


def configure_tracing(exporter: str, service_name: str, otlp_endpoint: str) -> TracerProvider:
    """A provider for this process; ``exporter`` is ``none``, ``console`` or ``otlp``.

    The global provider is left alone: bootstrap hands this one to whatever traces.
    With no exporter nothing is sampled: spans cost next to nothing, and their
    ids still travel in ``traceparent`` so log lines stay correlated.
    """
    resource = Resource.create({"service.name": service_name})
    if exporter == "none":
        return TracerProvider(resource=resource, sampler=ALWAYS_OFF)
    provider = TracerProvider(resource=resource)
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
    else:
        raise ValueError(f"tracing exporter {exporter!r} is not one of none, console, otlp")
    return provider


def silent_provider() -> TracerProvider:
    """A provider that records nothing: the default when none is given."""
    return TracerProvider(sampler=ALWAYS_OFF)


def traceparent_of(span: Span) -> str | None:
    """The W3C ``traceparent`` of ``span``, or None when it is not recording a trace."""
    ctx = span.get_span_context()
    if not ctx.is_valid:
        return None
    flags = f"{int(ctx.trace_flags):02x}"
    return f"00-{format_trace_id(ctx.trace_id)}-{format_span_id(ctx.span_id)}-{flags}"


def context_from_traceparent(traceparent: str | None) -> Context:
    """The parent context a consumer's span should hang under."""
    if not traceparent:
        return Context()
    return _PROPAGATOR.extract({"traceparent": traceparent})
