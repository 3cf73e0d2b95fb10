"""What the routes of one process can reach, set once by bootstrap."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry

from onair.api.login_limits import LoginLimits
from onair.domain.events import Envelope

if TYPE_CHECKING:
    from onair.access import Access
    from onair.agents.segment_desk import SegmentDesk
    from onair.api.stores import StationStores
    from onair.compliance.records_desk import RecordsDesk
    from onair.ingest.discovery import Discovery
    from onair.ingest.library_desk import LibraryDesk
    from onair.ingest.uploads import Uploads
    from onair.webhooks.deliveries import DeliveryDesk

__all__ = ["ApiState", "InsertRefusal", "StateDep"]

# Why an asset may not be inserted now: (status, reason), or None when it may.
InsertRefusal = Callable[[str], Awaitable[tuple[int, str] | None]]


@dataclass(frozen=True)
class ApiState:
    station: str
    roles: frozenset[str]
    checks: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    # Sends a command on the station's bus and returns the reply's payload.
    command: Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]] | None = None
    # The station's users, tokens and sessions; None where the process has no database.
    access: Access | None = None
    # Signs session cookies and their CSRF tokens: the settings' secret_key, or a key of
    # this process alone when that is a placeholder (sessions then end with the process).
    session_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    insert_refusal: InsertRefusal | None = None
    # The station's library as operators work it; None where the process has no database.
    library: LibraryDesk | None = None
    # The station's programming, schedule and air, for the REST resources.
    stores: StationStores | None = None
    # The compliance records: audit, reports, operator actions.
    records: RecordsDesk | None = None
    # The library's search, made on first use (its embedding model loads then).
    discovery: Callable[[], Discovery] | None = None
    # The agents' segments for review.
    segments: SegmentDesk | None = None
    # Publishes an event on the station's bus (a rebuilt hour's schedule.published).
    publish: Callable[[Envelope], Awaitable[None]] | None = None
    # Audio files sent to the library, each a job to follow.
    uploads: Uploads | None = None
    # The webhook deliveries, listed and sent again.
    deliveries: DeliveryDesk | None = None
    # How far behind the server a listener of each built-in mount hears.
    audio_delay_ms: dict[str, int] = field(default_factory=dict)


async def _state(request: Request) -> ApiState:
    # async though it waits for nothing: FastAPI runs a plain function in a worker thread,
    # a hop that cost more than most reads it served.
    state: ApiState = request.app.state.onair
    return state


StateDep = Annotated[ApiState, Depends(_state)]
