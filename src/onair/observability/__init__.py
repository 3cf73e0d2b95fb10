"""JSON logging, Prometheus metrics and OpenTelemetry tracing."""

from onair.observability.logging import bind_correlation, configure_logging, get_logger

__all__ = ["bind_correlation", "configure_logging", "get_logger"]
