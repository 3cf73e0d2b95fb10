"""Prometheus gauges of the listeners playout reports: the built-in stream's and Icecast's.

Registered on the process's own ``CollectorRegistry`` when made (never at import
time), like the bus metrics; playout reports through its ``StreamMetrics`` and
``ListenerGauge`` ports and never sees Prometheus.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

__all__ = ["IcecastListenerMetrics", "StreamListenerMetrics"]


class StreamListenerMetrics:
    """``onair_stream_listeners{mount}`` and ``onair_stream_listeners_dropped{mount}``."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._listeners = Gauge(
            "onair_stream_listeners", "Listeners connected to the built-in stream", ["mount"],
            registry=registry,
        )  # fmt: skip
        self._dropped = Counter(
            "onair_stream_listeners_dropped", "Listeners dropped for reading too slowly",
            ["mount"], registry=registry,
        )  # fmt: skip

    def listeners(self, mount: str, count: int) -> None:
        self._listeners.labels(mount).set(count)

    def dropped(self, mount: str) -> None:
        self._dropped.labels(mount).inc()


class IcecastListenerMetrics:
    """``onair_icecast_listeners{mount}``: the listeners Icecast counts on the mount onair feeds."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._listeners = Gauge(
            "onair_icecast_listeners", "Listeners Icecast counts on the mount onair feeds",
            ["mount"], registry=registry,
        )  # fmt: skip

    def listeners(self, mount: str, count: int) -> None:
        self._listeners.labels(mount).set(count)
