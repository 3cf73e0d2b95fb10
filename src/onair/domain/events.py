"""The envelope every message on the bus travels in.

Events are facts in the past tense (``playout.item_started``); commands are
instructions (``playout.skip``). Both share one envelope so a single aired item
can be followed by its correlation ids from scheduling to its compliance entry.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from onair.domain.errors import InvalidEnvelope
from onair.domain.ids import is_ulid, new_ulid

__all__ = ["Correlation", "Envelope", "is_command", "new_envelope"]

_TYPE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_STATION = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

# The verbs commands start with after the service prefix; every other
# type is an event and must read as something that already happened.
_COMMAND_VERBS = frozenset(
    {"skip", "insert", "hold", "resume", "break", "rebuild", "apply", "seal", "generate", "ingest"}
)


class Correlation(BaseModel):
    """The ids that follow one aired item through every service, log line and span."""

    model_config = ConfigDict(extra="allow", frozen=True)

    show_id: str | None = None
    hour: str | None = None
    asset_id: str | None = None
    playout_event_id: str | None = None

    def as_log_fields(self) -> dict[str, str]:
        """The non-empty ids, ready to bind into a log line or span attributes."""
        return {k: str(v) for k, v in self.model_dump().items() if v is not None}


class Envelope(BaseModel):
    """One message on the bus: ``{id, type, time, station, correlation, traceparent, payload}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=26, max_length=26)
    type: str
    time: datetime
    station: str
    correlation: Correlation = Field(default_factory=Correlation)
    traceparent: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _ulid(cls, value: str) -> str:
        if not is_ulid(value):
            raise ValueError(f"id {value!r} is not a ULID")
        return value

    @field_validator("type")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not _TYPE.match(value):
            raise ValueError(
                f"type {value!r} must be dotted lowercase, e.g. 'playout.item_started'"
            )
        return value

    @field_validator("station")
    @classmethod
    def _station(cls, value: str) -> str:
        if not _STATION.match(value):
            raise ValueError(f"station {value!r} must be lowercase letters, digits, '-' or '_'")
        return value

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("time must carry a timezone (UTC)")
        return value.astimezone(UTC)

    @field_validator("traceparent")
    @classmethod
    def _w3c(cls, value: str | None) -> str | None:
        if value is not None and not _TRACEPARENT.match(value):
            raise ValueError(f"traceparent {value!r} is not a W3C trace context")
        return value

    @property
    def subject(self) -> str:
        """The NATS subject: ``onair.<station>.<type>``."""
        return f"onair.{self.station}.{self.type}"

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        """Parse a wire message, raising :class:`InvalidEnvelope` with the reason."""
        try:
            return cls.model_validate_json(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "envelope"
            raise InvalidEnvelope(f"{where}: {first['msg']}") from exc


def is_command(message_type: str) -> bool:
    """Commands are imperative (``playout.skip``); events are past tense."""
    action = message_type.rsplit(".", 1)[-1]
    return action.split("_", 1)[0] in _COMMAND_VERBS


def new_envelope(
    message_type: str,
    station: str,
    payload: dict[str, Any] | None = None,
    *,
    correlation: Correlation | None = None,
    traceparent: str | None = None,
    time: datetime | None = None,
) -> Envelope:
    """Build an envelope with a fresh ULID and the current UTC time."""
    return Envelope(
        id=new_ulid(),
        type=message_type,
        time=time or datetime.now(UTC),
        station=station,
        correlation=correlation or Correlation(),
        traceparent=traceparent,
        payload=payload or {},
    )
