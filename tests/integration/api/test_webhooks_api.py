"""Webhook deliveries through the API: listed for admins, a dead one sent again once, each
retry in the ledger; over a real SQLite station's outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onair.bootstrap.webhooks import outbox
from onair.domain.access import Role
from onair.domain.ids import new_ulid
from onair.domain.ledger import EntryKind
from onair.domain.webhooks import Delivery, WebhookEvent
from tests.integration.api.conftest import Served

pytestmark = pytest.mark.integration


def _dead_delivery(served: Served, url: str) -> str:
    stores = served.station.stores
    now = stores.now()
    delivery = Delivery(id=new_ulid(), station=stores.station, event_id=new_ulid(),
                        event=WebhookEvent.NOW_PLAYING, url=url, secret_env="HOOK_SECRET",
                        body="{}", timeout_s=5.0, max_attempts=2, attempts=0,
                        next_attempt_at=now, created_at=now - timedelta(minutes=5),
                        correlation_id="ev-1")  # fmt: skip
    box = outbox(stores)
    box.add([delivery])
    box.failed(delivery.id, 1, "answered 502", now + timedelta(seconds=5), now)
    box.failed(delivery.id, 2, "answered 502", None, now)
    return delivery.id


async def test_an_admin_lists_deliveries_and_sends_a_dead_one_again(served: Served) -> None:
    dead = _dead_delivery(served, "https://example.org/onair/now-playing")
    admin = {"Authorization": f"Bearer {served.token(Role.ADMIN, 'desk')}"}
    client = served.client
    listed = await client.get("/api/v1/webhooks/deliveries", params={"state": "dead"},
                              headers=admin)  # fmt: skip
    assert listed.status_code == 200, listed.text
    [shown] = listed.json()
    assert (shown["id"], shown["state"], shown["attempts"], shown["last_error"]) == (
        dead, "dead", 2, "answered 502"
    )  # fmt: skip
    director = {"Authorization": f"Bearer {served.token(Role.PROGRAM_DIRECTOR)}"}
    weak = await client.post(f"/api/v1/webhooks/deliveries/{dead}/retry", headers=director)
    assert weak.status_code == 403

    retried = await client.post(f"/api/v1/webhooks/deliveries/{dead}/retry", headers=admin)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 0)
    pending = await client.get("/api/v1/webhooks/deliveries", params={"state": "pending"},
                               headers=admin)  # fmt: skip
    assert [d["id"] for d in pending.json()] == [dead]
    twice = await client.post(f"/api/v1/webhooks/deliveries/{dead}/retry", headers=admin)
    assert (twice.status_code, twice.json()["detail"]) == (
        409, f"delivery {dead} is pending: only a dead one is sent again"
    )  # fmt: skip
    unknown = await client.post("/api/v1/webhooks/deliveries/nope/retry", headers=admin)
    assert unknown.status_code == 404
    bad_state = await client.get("/api/v1/webhooks/deliveries", params={"state": "lost"},
                                 headers=admin)  # fmt: skip
    assert bad_state.status_code == 422

    entries = served.station.stores.ledger.entries(served.station.stores.station)
    retries = [e.body for e in entries if e.kind is EntryKind.OPERATOR_ACTION
               and e.body["action"] == "webhooks.retry"]  # fmt: skip
    assert [(r["who"], r["detail"]["delivery_id"]) for r in retries] == [("token:desk", dead)]
