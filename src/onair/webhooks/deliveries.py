"""The station's webhook deliveries as operators see them: listed, and a dead one sent again.

A delivery dies when its receiver refused or missed every attempt (a site down
for a day, a secret not set). Once the receiver is fixed, an operator sends it
again: it is pending once more with its attempts counted from nothing, and the
webhooks service posts it within its next round. The retry is an operator
action in the ledger, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ulid import ULID

from onair.domain.errors import DomainError
from onair.domain.ledger import EntryDraft, EntryKind
from onair.domain.webhooks import Delivery, DeliveryState
from onair.webhooks.ports import Outbox

__all__ = ["DeliveryDesk", "NoSuchDelivery", "NotDead"]


class NoSuchDelivery(DomainError):
    """A delivery id the station does not have."""


class NotDead(DomainError):
    """A delivery that is still being tried, or was delivered: nothing to send again."""


class DeliveryDesk:
    def __init__(self, station: str, outbox: Outbox, now: Callable[[], datetime]) -> None:
        self.station, self.outbox, self.now = station, outbox, now

    def listing(self, state: DeliveryState | None, limit: int) -> list[Delivery]:
        """The newest deliveries, of one state or all."""
        return self.outbox.listing(self.station, state, limit)

    def retry(self, delivery_id: str, by: str) -> Delivery:
        """Make the dead delivery pending again, due now; the delivery as it is then."""
        found = self.outbox.delivery(self.station, delivery_id)
        if found is None:
            raise NoSuchDelivery(f"station {self.station} has no webhook delivery {delivery_id!r}")
        if found.state is not DeliveryState.DEAD:
            raise NotDead(f"delivery {delivery_id} is {found.state.value}: only a dead one "
                          "is sent again")  # fmt: skip
        now = self.now()
        body = {"action": "webhooks.retry", "who": by,
                "before": {"state": "dead", "attempts": found.attempts,
                           "last_error": found.last_error},
                "after": {"state": "pending"},
                "detail": {"delivery_id": found.id, "url": found.url,
                           "event": found.event.value},
                "correlation_id": found.correlation_id}  # fmt: skip
        action = EntryDraft(self.station, EntryKind.OPERATOR_ACTION, str(ULID()), now, body)
        if not self.outbox.revive(found, now, action):
            raise NotDead(f"delivery {delivery_id} changed while it was sent again: look again")
        return self.outbox.delivery(self.station, delivery_id) or found
