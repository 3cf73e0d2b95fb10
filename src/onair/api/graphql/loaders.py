"""What one GraphQL request reads with: the station's stores and a DataLoader per kind of row.

A query names the same asset, item or segment from many places (twenty items of
an hour, each with its asset and its link). Each loader gathers the keys a
request asks for while its resolvers run and fetches them in one batch through
the repository the CLI reads with, so the statements a query costs do not grow
with the items it shows. The loaders live as long as the request: nothing read
is kept for the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from onair.api.stores import StationStores
from onair.domain.library import LibraryAsset
from onair.domain.schedule import HourPlan, ScheduledItem
from onair.domain.segments import Segment

if TYPE_CHECKING:
    from onair.ingest.discovery import Discovery

__all__ = ["ReadContext", "SegmentKey"]

_TICK = timedelta(microseconds=1)  # the repositories' windows end before their end
_HOUR = timedelta(hours=1)

# A segment is looked for under its item's hour: that is how the segments are kept.
SegmentKey = tuple[datetime, str]


class ReadContext(BaseContext):
    """The stores, loaders and instant of one request (``info.context`` in a resolver)."""

    def __init__(self, stores: StationStores, discovery: Callable[[], Discovery] | None) -> None:
        super().__init__()
        self.stores = stores
        self.discovery = discovery
        # One instant for the whole request: what is on air, its elapsed and remaining
        # time and the current hour all agree with each other.
        self.now = stores.now()
        self.assets = DataLoader[str, LibraryAsset | None](self._assets)
        self.items = DataLoader[str, ScheduledItem | None](self._items)
        self.hours = DataLoader[datetime, HourPlan | None](self._hours)
        self.segments = DataLoader[SegmentKey, Segment | None](self._segments)

    async def read(self, call: Callable[..., Any], *args: Any) -> Any:
        """A repository call, off the event loop (the repositories block on the database)."""
        return await run_in_threadpool(call, *args)

    def read_hours(self, start: datetime, end: datetime) -> list[HourPlan]:
        """The built hours starting in ``[start, end)`` (worker thread), their items without
        the scheduler's why: the schema does not show it, and it is most of what they cost."""
        return self.stores.schedules.hours(self.stores.station, start, end, why=False)

    def keep_hours(self, plans: Sequence[HourPlan]) -> None:
        """Hours a query read whole: their items are known without another read."""
        for plan in plans:
            self.hours.prime(plan.start, plan)
            self.items.prime_many({item.id: item for item in plan.items})

    async def _assets(self, ids: list[str]) -> list[LibraryAsset | None]:
        found = await self.read(self.stores.library.get_many, ids)
        by_id = {asset.id: asset for asset in found}
        return [by_id.get(asset_id) for asset_id in ids]

    async def _items(self, ids: list[str]) -> list[ScheduledItem | None]:
        found = await self.read(self.stores.schedules.items, self.stores.station, ids)
        by_id = {item.id: item for item in found}
        return [by_id.get(item_id) for item_id in ids]

    async def _hours(self, starts: list[datetime]) -> list[HourPlan | None]:
        plans = await self.read(self.read_hours, min(starts), max(starts) + _TICK)
        by_start = {plan.start: plan for plan in plans}
        return [by_start.get(start) for start in starts]

    async def _segments(self, keys: list[SegmentKey]) -> list[Segment | None]:
        hours = [hour for hour, _ in keys]
        found = await self.read(self.stores.segments.between, self.stores.station,
                                min(hours), max(hours) + _TICK)  # fmt: skip
        by_item = {segment.schedule_item_id: segment for segment in found}
        return [by_item.get(item_id) for _, item_id in keys]

    async def current_hour(self) -> HourPlan | None:
        """The built hour the request's instant falls in, if there is one."""
        since, until = self.now - _HOUR + _TICK, self.now + _TICK
        plans: list[HourPlan] = await self.read(self.read_hours, since, until)
        self.keep_hours(plans)
        return plans[-1] if plans else None
