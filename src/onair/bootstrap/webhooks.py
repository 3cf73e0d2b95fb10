"""The webhooks role wired: the outbox in the station's database, posts over httpx."""

from __future__ import annotations

import os

from onair.bootstrap.station import HttpFace, RunningRole, Station
from onair.bootstrap.stores import Stores
from onair.domain.webhooks import Webhook
from onair.storage.repositories.webhook_outbox import SqlOutbox
from onair.webhooks.deliveries import DeliveryDesk
from onair.webhooks.desk import WebhookDesk
from onair.webhooks.http import HttpPoster

__all__ = ["delivery_desk", "outbox", "start_webhooks"]


def outbox(stores: Stores) -> SqlOutbox:
    """The station's webhook deliveries in its database; a retry is ledgered with them."""
    return SqlOutbox(stores.engine, stores.ledger)


def delivery_desk(stores: Stores) -> DeliveryDesk:
    """The deliveries as operators see them: listed, and a dead one sent again."""
    return DeliveryDesk(stores.station, outbox(stores), stores.now)


class _Running:
    def __init__(self, desk: WebhookDesk, poster: HttpPoster) -> None:
        self.desk, self.poster = desk, poster

    async def stop(self) -> None:
        await self.desk.stop()
        await self.poster.close()


async def start_webhooks(station: Station, face: HttpFace) -> RunningRole:
    """The webhooks role of ``onair serve``: the receivers the station file names, each read
    when an event arrives (a station apply changes them), their secrets from the environment."""
    stores = station.stores

    def hooks() -> tuple[Webhook, ...]:
        program = stores.program()
        return program.webhooks if program is not None else ()

    poster = HttpPoster()
    desk = WebhookDesk(stores.station, outbox(stores), poster, station.bus, hooks,
                       os.environ.get, stores.now)  # fmt: skip
    await desk.start()
    return _Running(desk, poster)
