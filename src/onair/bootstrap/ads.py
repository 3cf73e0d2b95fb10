"""The ads service's traffic desk wired for commands: its books, the schedule's breaks,
the library, and the bus its events go out on."""

from __future__ import annotations

import asyncio
from datetime import date

from onair.ads.order_file import OrderFile
from onair.ads.service import Booked, Traffic, booked_event, placed_events
from onair.bootstrap.station import command_bus
from onair.bootstrap.stores import Stores
from onair.domain.programming import StationProgram
from onair.domain.traffic import DayLog
from onair.storage.repositories.traffic import SqlSpotBreaks, SqlTraffic, SqlTrafficLibrary

__all__ = ["book_orders", "place_traffic", "traffic_desk"]


def traffic_desk(stores: Stores) -> Traffic:
    """Traffic over these stores."""
    engine = stores.engine
    return Traffic(
        SqlTraffic(engine), SqlSpotBreaks(engine), SqlTrafficLibrary(engine), now=stores.now
    )


def book_orders(stores: Stores, station: str, program: StationProgram, file: OrderFile) -> Booked:
    """Book an order file's orders, then announce them (``ads.orders_booked``)."""

    async def book() -> Booked:
        async with command_bus(stores, "ads") as bus:
            booked = traffic_desk(stores).book(station, program, file)
            await bus.publish(booked_event(station, booked))
            return booked

    return asyncio.run(book())


def place_traffic(
    stores: Stores, station: str, program: StationProgram, first: date, days: int, seed: int
) -> list[DayLog]:
    """Place the booked orders into the days' spot breaks, then announce each day placed
    (``ads.log_placed``)."""

    async def place() -> list[DayLog]:
        async with command_bus(stores, "ads") as bus:
            logs = await asyncio.to_thread(
                traffic_desk(stores).place, station, program, first, days, seed
            )
            for envelope in placed_events(station, logs):
                await bus.publish(envelope)
            return logs

    return asyncio.run(place())
