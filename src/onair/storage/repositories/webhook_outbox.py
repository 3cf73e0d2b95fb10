"""The webhooks' outbox: ``webhook_deliveries``, one row per event per receiver."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.ledger import EntryDraft
from onair.domain.webhooks import Delivery, DeliveryState, WebhookEvent
from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.tables import WebhookDelivery

__all__ = ["SqlOutbox"]

_D = WebhookDelivery


class _Unchanged(Exception):
    """The delivery was no longer dead when it was to be revived."""


_PENDING = (_D.delivered_at.is_(None), _D.dead_at.is_(None))


class SqlOutbox:
    """The ``Outbox`` of the webhooks service, in the station's database."""

    def __init__(self, engine: Engine, ledger: SqlLedger) -> None:
        self.engine, self.ledger = engine, ledger

    def add(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        rows = [{"id": d.id, "station_id": d.station, "event_id": d.event_id,
                 "event": d.event.value, "url": d.url, "secret_env": d.secret_env,
                 "body": d.body, "timeout_s": d.timeout_s, "max_attempts": d.max_attempts,
                 "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
                 "created_at": d.created_at, "correlation_id": d.correlation_id}
                for d in deliveries]  # fmt: skip
        with self.engine.begin() as conn:
            insert = insert_for(conn, _D).on_conflict_do_nothing(index_elements=["event_id", "url"])
            conn.execute(insert, rows)

    def due(self, station: str, now: datetime, limit: int) -> list[Delivery]:
        query = (sa.select(_D).where(_D.station_id == station, *_PENDING,
                                     _D.next_attempt_at <= now)
                 .order_by(_D.next_attempt_at, _D.id).limit(limit))  # fmt: skip
        with self.engine.connect() as conn:
            return [_delivery(row) for row in conn.execute(query).mappings()]

    def claim(self, delivery: Delivery, until: datetime) -> bool:
        claim = (sa.update(_D).where(_D.id == delivery.id, *_PENDING,
                                     _D.next_attempt_at == delivery.next_attempt_at)
                 .values(next_attempt_at=until))  # fmt: skip
        with self.engine.begin() as conn:
            return conn.execute(claim).rowcount == 1

    def delivered(self, delivery_id: str, attempts: int, at: datetime) -> None:
        self._update(delivery_id, attempts=attempts, delivered_at=at, last_error=None)

    def failed(self, delivery_id: str, attempts: int, error: str,
               next_attempt_at: datetime | None, at: datetime) -> None:  # fmt: skip
        if next_attempt_at is None:
            self._update(delivery_id, attempts=attempts, dead_at=at, last_error=error[:500])
        else:
            self._update(delivery_id, attempts=attempts, next_attempt_at=next_attempt_at,
                         last_error=error[:500])  # fmt: skip

    def listing(self, station: str, state: DeliveryState | None, limit: int) -> list[Delivery]:
        query = sa.select(_D).where(_D.station_id == station)
        if state is DeliveryState.PENDING:
            query = query.where(*_PENDING)
        elif state is DeliveryState.DELIVERED:
            query = query.where(_D.delivered_at.is_not(None))
        elif state is DeliveryState.DEAD:
            query = query.where(_D.dead_at.is_not(None))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(_D.id.desc()).limit(limit)).mappings()
            return [_delivery(row) for row in rows]

    def delivery(self, station: str, delivery_id: str) -> Delivery | None:
        query = sa.select(_D).where(_D.station_id == station, _D.id == delivery_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _delivery(row) if row is not None else None

    def revive(self, delivery: Delivery, at: datetime, action: EntryDraft) -> bool:
        revive = (sa.update(_D).where(_D.id == delivery.id, _D.dead_at.is_not(None),
                                      _D.delivered_at.is_(None))
                  .values(dead_at=None, attempts=0, next_attempt_at=at))  # fmt: skip
        try:
            with self.ledger.recorded(action) as recording:
                if recording.conn.execute(revive).rowcount != 1:
                    raise _Unchanged  # rolls the transaction back: no action recorded
        except _Unchanged:
            return False
        return True

    def _update(self, delivery_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(_D).where(_D.id == delivery_id).values(**values))


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row["id"], station=row["station_id"], event_id=row["event_id"],
        event=WebhookEvent(row["event"]), url=row["url"], secret_env=row["secret_env"],
        body=row["body"], timeout_s=row["timeout_s"], max_attempts=row["max_attempts"],
        attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"], correlation_id=row["correlation_id"],
        delivered_at=row["delivered_at"], dead_at=row["dead_at"], last_error=row["last_error"],
    )  # fmt: skip
