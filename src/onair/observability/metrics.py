"""Prometheus metrics of the event bus, registered on a registry the process owns.

Nothing registers at import time: bootstrap makes one ``CollectorRegistry`` per
process and ``/metrics`` renders it, so tests and several buses in one process
never collide.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["BusMetrics", "render"]

# Milliseconds matter on an in-process bus, seconds on a WAN NATS link.
_LATENCY_BUCKETS = (
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip


class BusMetrics:
    """Publish and consume latency, throughput, errors, dead letters and backlog."""

    def __init__(
        self, registry: CollectorRegistry | None = None, *, service: str = "onair"
    ) -> None:
        self.registry = registry or CollectorRegistry()
        self.service = service
        self._publish_latency = Histogram(
            "onair_bus_publish_seconds",
            "Time from publish call to the bus accepting the event",
            ["service", "bus"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._delivery_latency = Histogram(
            "onair_bus_delivery_seconds",
            "Time from the envelope's time to a consumer starting to handle it",
            ["service", "bus", "consumer"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._published = Counter(
            "onair_bus_published", "Events accepted by the bus", ["service", "bus", "type"],
            registry=self.registry,
        )  # fmt: skip
        self._consumed = Counter(
            "onair_bus_consumed", "Events handled successfully", ["service", "consumer", "type"],
            registry=self.registry,
        )  # fmt: skip
        self._handler_errors = Counter(
            "onair_bus_handler_errors", "Handler failures (each attempt)",
            ["service", "consumer", "type"], registry=self.registry,
        )  # fmt: skip
        self._dead_lettered = Counter(
            "onair_bus_dead_lettered", "Messages sent to the dead-letter subject",
            ["service", "consumer", "reason"], registry=self.registry,
        )  # fmt: skip
        self._queue_depth = Gauge(
            "onair_bus_queue_depth", "Messages waiting for a consumer", ["service", "consumer"],
            registry=self.registry,
        )  # fmt: skip
        self._spooled = Gauge(
            "onair_bus_spooled", "Events buffered on disk while the bus server is unreachable",
            ["service"], registry=self.registry,
        )  # fmt: skip

    def published(self, bus: str, event_type: str, seconds: float) -> None:
        self._publish_latency.labels(self.service, bus).observe(seconds)
        self._published.labels(self.service, bus, event_type).inc()

    def delivered(self, bus: str, consumer: str, seconds: float) -> None:
        self._delivery_latency.labels(self.service, bus, consumer).observe(max(seconds, 0.0))

    def consumed(self, consumer: str, event_type: str) -> None:
        self._consumed.labels(self.service, consumer, event_type).inc()

    def handler_failed(self, consumer: str, event_type: str) -> None:
        self._handler_errors.labels(self.service, consumer, event_type).inc()

    def dead_lettered(self, consumer: str, reason: str) -> None:
        self._dead_lettered.labels(self.service, consumer, reason).inc()

    def queue_depth(self, consumer: str, depth: int) -> None:
        self._queue_depth.labels(self.service, consumer).set(depth)

    def spooled(self, count: int) -> None:
        self._spooled.labels(self.service).set(count)


def render(registry: CollectorRegistry) -> tuple[bytes, str]:
    """The body and content type of a ``/metrics`` answer."""
    return generate_latest(registry), CONTENT_TYPE_LATEST
