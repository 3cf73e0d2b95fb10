"""The webhooks' outbox on SQLite and PostgreSQL: one row per event and receiver, one sender
at a time, and a delivery's attempts through to delivered or dead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from onair.domain.ids import new_ulid
from onair.domain.webhooks import Delivery, DeliveryState, WebhookEvent
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.repositories.webhook_outbox import SqlOutbox
from tests.integration.storage.conftest import STATION

pytestmark = pytest.mark.integration

T0 = datetime(2027, 2, 1, 9, 0, 0, 123456, tzinfo=UTC)


def _delivery(event_id: str, url: str, at: datetime = T0) -> Delivery:
    return Delivery(id=new_ulid(), station=STATION, event_id=event_id,
                    event=WebhookEvent.NOW_PLAYING, url=url, secret_env="S", body="{}",
                    timeout_s=5.0, max_attempts=2, attempts=0, next_attempt_at=at,
                    created_at=at, correlation_id=event_id)  # fmt: skip


def test_an_event_seen_twice_is_one_delivery_per_receiver(engine: Engine) -> None:
    outbox, event = SqlOutbox(engine, SqlLedger(engine)), new_ulid()
    outbox.add([_delivery(event, "https://a.example/h"), _delivery(event, "https://b.example/h")])
    outbox.add([_delivery(event, "https://a.example/h")])  # the bus delivered it again
    assert sorted(d.url for d in outbox.due(STATION, T0, 10)) == [
        "https://a.example/h", "https://b.example/h"]  # fmt: skip
    assert outbox.due(STATION, T0 - timedelta(microseconds=1), 10) == []


def test_a_due_delivery_is_claimed_by_one_sender_then_retried_then_dead(engine: Engine) -> None:
    outbox = SqlOutbox(engine, SqlLedger(engine))
    outbox.add([_delivery(new_ulid(), "https://a.example/h")])
    [due] = outbox.due(STATION, T0, 10)
    assert outbox.claim(due, T0 + timedelta(seconds=35))
    assert not outbox.claim(due, T0 + timedelta(seconds=35))  # a second sender read it too
    assert outbox.due(STATION, T0 + timedelta(seconds=1), 10) == []
    outbox.failed(due.id, 1, "answered 500", T0 + timedelta(seconds=5), T0)
    [again] = outbox.due(STATION, T0 + timedelta(seconds=5), 10)
    assert (again.attempts, again.last_error, again.state) == (1, "answered 500",
                                                               DeliveryState.PENDING)  # fmt: skip
    outbox.failed(again.id, 2, "no answer within 5 s", None, T0 + timedelta(seconds=6))
    assert outbox.due(STATION, T0 + timedelta(days=1), 10) == []
    [dead] = outbox.listing(STATION, DeliveryState.DEAD, 10)
    assert (dead.attempts, dead.last_error, dead.dead_at) == (
        2, "no answer within 5 s", T0 + timedelta(seconds=6))  # fmt: skip
    assert outbox.listing(STATION, DeliveryState.PENDING, 10) == []


def test_a_delivered_one_is_listed_delivered_and_never_due(engine: Engine) -> None:
    outbox = SqlOutbox(engine, SqlLedger(engine))
    outbox.add([_delivery(new_ulid(), "https://a.example/h")])
    [due] = outbox.due(STATION, T0, 10)
    outbox.delivered(due.id, 1, T0 + timedelta(seconds=1))
    assert outbox.due(STATION, T0 + timedelta(days=1), 10) == []
    [done] = outbox.listing(STATION, None, 10)
    assert (done.state, done.attempts, done.delivered_at) == (
        DeliveryState.DELIVERED, 1, T0 + timedelta(seconds=1))  # fmt: skip
