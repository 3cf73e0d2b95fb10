"""The webhooks service in ``onair serve``: events into the outbox, the outbox to receivers.

Two halves that never wait on each other. The bus handler only writes a row per
receiver that wants the event (a durable consumer, so an event seen twice adds
nothing and none is lost while the service is down). A delivery task of its own
works through the outbox: each due row is claimed, posted with its timeout and
signed afresh, then marked delivered on a 2xx, retried later with exponential
backoff otherwise, or marked dead when its attempts are spent. Playout only
publishes; a receiver that hangs holds one post, never the air nor the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from onair.bus.port import EventBus, Subscription
from onair.domain.events import Envelope
from onair.domain.ids import new_ulid
from onair.domain.webhooks import Delivery, Webhook, WebhookEvent
from onair.observability import get_logger
from onair.webhooks.ports import Outbox, Poster, PostFailed
from onair.webhooks.signing import SIGNATURE, TIMESTAMP, sign

__all__ = ["EVENTS", "WebhookDesk"]

log = get_logger("onair.webhooks")

# The bus events a webhook may ask for.
EVENTS: dict[str, WebhookEvent] = {
    "playout.item_started": WebhookEvent.NOW_PLAYING,
    "playout.item_ended": WebhookEvent.AS_RUN,
    "playout.failover": WebhookEvent.FAILOVER,
    "playout.action_taken": WebhookEvent.ACTION,
}
_BATCH = 50


class WebhookDesk:
    def __init__(
        self,
        station: str,
        outbox: Outbox,
        poster: Poster,
        bus: EventBus,
        hooks: Callable[[], Sequence[Webhook]],
        secret: Callable[[str], str | None],
        now: Callable[[], datetime],
        *,
        retry_base_s: float = 5.0,
        retry_cap_s: float = 3600.0,
        poll_s: float = 1.0,
    ) -> None:
        self.station, self.outbox, self.poster, self.bus = station, outbox, poster, bus
        self.hooks, self.secret, self.now = hooks, secret, now
        self.retry_base_s, self.retry_cap_s, self.poll_s = retry_base_s, retry_cap_s, poll_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._posting: set[asyncio.Task[None]] = set()
        self._subscriptions: list[Subscription] = []

    async def start(self) -> None:
        for event_type in EVENTS:
            durable = "webhooks-" + event_type.replace(".", "-")
            self._subscriptions.append(
                await self.bus.subscribe(event_type, self._seen, durable=durable)
            )
        self._task = asyncio.create_task(self._deliver(), name="webhooks-delivery")

    async def stop(self) -> None:
        """Stop at once; a post under way is abandoned and its claim lapses, so it is sent again."""
        for task in (self._task, *self._posting):
            if task is not None:
                task.cancel()
        for subscription in self._subscriptions:
            await subscription.stop()
        self._subscriptions.clear()

    async def _seen(self, event: Envelope) -> None:
        wanted = EVENTS[event.type]
        hooks = [hook for hook in await asyncio.to_thread(self.hooks) if wanted in hook.events]
        if not hooks:
            return
        body = json.dumps({"id": event.id, "event": wanted.value, "station": event.station,
                           "time": event.time.isoformat(), "data": event.payload,
                           "correlation": event.correlation.as_log_fields()},
                          separators=(",", ":"), default=str)  # fmt: skip
        now = self.now()
        correlation = event.correlation.playout_event_id or event.id
        deliveries = [Delivery(id=new_ulid(), station=self.station, event_id=event.id,
                               event=wanted, url=hook.url, secret_env=hook.secret_env, body=body,
                               timeout_s=hook.timeout_s, max_attempts=hook.attempts, attempts=0,
                               next_attempt_at=now, created_at=now, correlation_id=correlation)
                      for hook in hooks]  # fmt: skip
        await asyncio.to_thread(self.outbox.add, deliveries)
        self._wake.set()

    async def _deliver(self) -> None:
        while True:
            try:
                await self._round()
            except Exception as exc:  # the database away: try again next round
                log.error("webhooks_round_failed", error=str(exc))
            with contextlib.suppress(TimeoutError):  # woken by a new event, or the poll
                await asyncio.wait_for(self._wake.wait(), self.poll_s)
            self._wake.clear()

    async def _round(self) -> None:
        now = self.now()
        for delivery in await asyncio.to_thread(self.outbox.due, self.station, now, _BATCH):
            # Claimed for its timeout and a margin: a sender that dies mid-post lets it go.
            until = now + timedelta(seconds=delivery.timeout_s + 30)
            if await asyncio.to_thread(self.outbox.claim, delivery, until):
                task = asyncio.create_task(self._attempt(delivery), name=f"webhook-{delivery.id}")
                self._posting.add(task)
                task.add_done_callback(self._posting.discard)

    async def _attempt(self, delivery: Delivery) -> None:
        try:
            await self._post(delivery)
        except Exception as exc:  # the database away: the claim lapses and it is tried again
            log.error("webhook_attempt_not_recorded", delivery_id=delivery.id, error=str(exc),
                      correlation_id=delivery.correlation_id)  # fmt: skip

    async def _post(self, delivery: Delivery) -> None:
        attempt = delivery.attempts + 1
        try:
            status = await self._send(delivery)
            error = None if 200 <= status < 300 else f"answered {status}"
        except PostFailed as exc:
            error = str(exc)
        at = self.now()
        if error is None:
            await asyncio.to_thread(self.outbox.delivered, delivery.id, attempt, at)
            log.info("webhook_delivered", delivery_id=delivery.id,
                     webhook_event=delivery.event.value, url=delivery.url, attempt=attempt,
                     correlation_id=delivery.correlation_id)  # fmt: skip
            return
        retry_at = None
        if attempt < delivery.max_attempts:
            wait_s = min(self.retry_cap_s, self.retry_base_s * 2 ** (attempt - 1))
            retry_at = at + timedelta(seconds=wait_s)
        await asyncio.to_thread(self.outbox.failed, delivery.id, attempt, error, retry_at, at)
        log.warning("webhook_attempt_failed", delivery_id=delivery.id,
                    webhook_event=delivery.event.value, url=delivery.url, attempt=attempt,
                    of=delivery.max_attempts, error=error,
                    next_attempt_at=retry_at.isoformat() if retry_at else None,
                    dead=retry_at is None, correlation_id=delivery.correlation_id)  # fmt: skip

    async def _send(self, delivery: Delivery) -> int:
        secret = self.secret(delivery.secret_env)
        if not secret:
            raise PostFailed(f"the signing secret ${delivery.secret_env} is not set")
        body = delivery.body.encode()
        timestamp = int(self.now().timestamp())
        headers = {"Content-Type": "application/json", "User-Agent": "onair-webhooks",
                   "X-Onair-Event": delivery.event.value, "X-Onair-Delivery": delivery.id,
                   TIMESTAMP: str(timestamp), SIGNATURE: sign(secret, timestamp, body)}  # fmt: skip
        return await self.poster.post(delivery.url, body, headers, delivery.timeout_s)
