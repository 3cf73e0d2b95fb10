"""What the routes of one process can reach, set once by bootstrap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry

__all__ = ["ApiState", "StateDep"]


@dataclass(frozen=True)
class ApiState:
    station: str
    roles: frozenset[str]
    checks: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    # Sends a command on the station's bus and returns the reply's payload.
    command: Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]] | None = None


def _state(request: Request) -> ApiState:
    state: ApiState = request.app.state.onair
    return state


StateDep = Annotated[ApiState, Depends(_state)]
