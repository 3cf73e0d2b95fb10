"""The station's webhook deliveries: ``/api/v1/webhooks/deliveries``, and a dead one sent
again once its receiver is fixed. What ``onair webhooks list|retry`` do, for admins: a
delivery names its receiver's address, which may carry a partner's key in its query."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import refused
from onair.api.state import StateDep
from onair.domain.access import Role
from onair.domain.webhooks import Delivery, DeliveryState, WebhookEvent
from onair.webhooks.deliveries import DeliveryDesk, NoSuchDelivery, NotDead

__all__ = ["router"]

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_STATUS: dict[type[Exception], int] = {NoSuchDelivery: 404, NotDead: 409}


class DeliveryView(BaseModel):
    id: str
    event: WebhookEvent
    url: str
    state: DeliveryState
    attempts: int
    max_attempts: int
    created_at: datetime
    next_attempt_at: datetime = Field(description="When it is tried next, while pending.")
    delivered_at: datetime | None
    dead_at: datetime | None
    last_error: str | None = Field(description="Why the last attempt failed.")
    correlation_id: str | None = Field(description="The playout event it tells of.")


def _desk(state: Any) -> DeliveryDesk:
    if state.deliveries is None:
        raise HTTPException(503, "this process has no webhook deliveries to show")
    desk: DeliveryDesk = state.deliveries
    return desk


def _view(d: Delivery) -> DeliveryView:
    return DeliveryView(
        id=d.id, event=d.event, url=d.url, state=d.state, attempts=d.attempts,
        max_attempts=d.max_attempts, created_at=d.created_at, next_attempt_at=d.next_attempt_at,
        delivered_at=d.delivered_at, dead_at=d.dead_at, last_error=d.last_error,
        correlation_id=d.correlation_id,
    )  # fmt: skip


@router.get("/deliveries", operation_id="list_webhook_deliveries", **requires(Role.ADMIN))
async def list_deliveries(
    state: StateDep,
    delivery_state: Annotated[DeliveryState | None, Query(alias="state")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[DeliveryView]:
    """The newest deliveries, of one state or all (dead: its attempts are spent)."""
    found = await run_in_threadpool(_desk(state).listing, delivery_state, limit)
    return [_view(d) for d in found]


@router.post("/deliveries/{delivery_id}/retry", operation_id="retry_webhook_delivery",
             **requires(Role.ADMIN))  # fmt: skip
async def retry_delivery(delivery_id: str, state: StateDep,
                         who: CurrentPrincipal) -> DeliveryView:  # fmt: skip
    """Send a dead delivery again; 409 for one pending or delivered."""
    try:
        delivery = await run_in_threadpool(_desk(state).retry, delivery_id, who.who)
    except tuple(_STATUS) as exc:
        raise refused(exc, _STATUS) from None
    return _view(delivery)
