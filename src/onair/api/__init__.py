"""The HTTP face of a station: REST, GraphQL, WebSocket, health and metrics."""

from onair.api.app import HealthCheck, create_app

__all__ = ["HealthCheck", "create_app"]
