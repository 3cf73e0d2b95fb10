"""Webhooks: where a station's events are posted, and one delivery in its durable outbox.

A station file lists its webhooks (``webhooks:`` with a url, the events it
wants and the name of the environment variable holding its secret: no secret is
ever in the file). Each event a webhook wants becomes one delivery, kept in the
station's database until the receiver answers 2xx or its attempts run out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["Delivery", "DeliveryState", "Webhook", "WebhookEvent"]


class WebhookEvent(StrEnum):
    """What a webhook may ask for; named as the live updates name them."""

    NOW_PLAYING = "now_playing"
    AS_RUN = "as_run"
    FAILOVER = "failover"
    ACTION = "action"


_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class Webhook(BaseModel):
    """One receiver of the station's events, as its station file lists it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(pattern=r"^https?://[^\s]+$")
    events: tuple[WebhookEvent, ...] = (WebhookEvent.NOW_PLAYING,)
    secret_env: str = Field(description="the environment variable holding the signing secret")
    timeout_s: float = Field(5.0, gt=0, le=60)
    attempts: int = Field(10, ge=1, le=50)

    @field_validator("secret_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not _ENV_NAME.match(value):
            raise ValueError(f"secret_env {value!r} must name an environment variable, "
                             "e.g. ONAIR_WEBHOOK_SECRET")  # fmt: skip
        return value


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass(frozen=True)
class Delivery:
    """One event for one receiver: its body as posted, and how its attempts went."""

    id: str
    station: str
    event_id: str  # the bus event's id: a redelivered event adds no second delivery
    event: WebhookEvent
    url: str
    secret_env: str
    body: str
    timeout_s: float
    max_attempts: int
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    correlation_id: str | None = None
    delivered_at: datetime | None = None
    dead_at: datetime | None = None
    last_error: str | None = None

    @property
    def state(self) -> DeliveryState:
        if self.delivered_at is not None:
            return DeliveryState.DELIVERED
        return DeliveryState.DEAD if self.dead_at is not None else DeliveryState.PENDING
