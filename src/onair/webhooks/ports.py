"""What the webhooks service needs from outside: its outbox and a way to post."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from onair.domain.ledger import EntryDraft
from onair.domain.webhooks import Delivery, DeliveryState

__all__ = ["Outbox", "PostFailed", "Poster"]


class PostFailed(Exception):
    """The receiver could not be reached, or did not answer in time; one line why."""


class Poster(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str],
                   timeout_s: float) -> int:  # fmt: skip
        """POST ``body`` and return the status; :class:`PostFailed` when there is none."""


class Outbox(Protocol):
    """The deliveries kept in the station's database (called on a worker thread)."""

    def add(self, deliveries: Sequence[Delivery]) -> None:
        """Keep each delivery; one already kept for its event and url is left as it is."""

    def due(self, station: str, now: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries whose next attempt is at or before ``now``, oldest first."""

    def claim(self, delivery: Delivery, until: datetime) -> bool:
        """Move a due delivery's next attempt to ``until``; False if another sender did first."""

    def delivered(self, delivery_id: str, attempts: int, at: datetime) -> None: ...

    def failed(self, delivery_id: str, attempts: int, error: str,
               next_attempt_at: datetime | None, at: datetime) -> None:  # fmt: skip
        """Record a failed attempt: retried at ``next_attempt_at``, or dead when it is None."""

    def listing(self, station: str, state: DeliveryState | None, limit: int) -> list[Delivery]:
        """The newest deliveries, of one state or all."""

    def delivery(self, station: str, delivery_id: str) -> Delivery | None:
        """One delivery of the station, or None."""

    def revive(self, delivery: Delivery, at: datetime, action: EntryDraft) -> bool:
        """Make the dead ``delivery`` pending again, due ``at``, its attempts from 0, with
        ``action`` in the same transaction; False if it is no longer dead."""
