"""The root of every GraphQL query: the station now, schedule and as-run windows, search.

Windows are bounded (two days of schedule, a week of as-run) and a search
answers at most 100 assets, so no single query reads an unbounded part of the
station; the schema's depth and token limits bound how it is asked.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import strawberry

from onair.api.graphql.refusals import QueryRefused
from onair.api.graphql.types import AsRunLine, Asset, Context, Hour, SearchHit, Station, hours
from onair.domain.library import AssetKind

__all__ = ["Query"]

MAX_SCHEDULE = timedelta(hours=48)
MAX_AS_RUN = timedelta(days=7)
MAX_HITS = 100

From = Annotated[datetime, strawberry.argument(name="from", description="ISO 8601, with offset.")]
To = Annotated[datetime, strawberry.argument(name="to", description="Exclusive.")]


def _window(start: datetime, end: datetime, longest: timedelta) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise QueryRefused("give 'from' and 'to' with their UTC offset (Z or +hh:mm)")
    if end <= start:
        raise QueryRefused("'to' must come after 'from'")
    if end - start > longest:
        raise QueryRefused(f"a window is at most {longest.total_seconds() / 3600:g} hours")


def _kind(name: str) -> AssetKind:
    try:
        return AssetKind(name)
    except ValueError:
        known = ", ".join(k.value for k in AssetKind)
        raise QueryRefused(f"no asset kind {name[:40]!r}: use one of {known}") from None


@strawberry.type
class Query:
    @strawberry.field(description="The station this API serves, as it is now.")
    def station(self, info: Context) -> Station:
        return Station(name=info.context.stores.station)

    @strawberry.field(description="The built hours starting in [from, to), at most 48 hours.")
    async def schedule(self, info: Context, start: From, end: To) -> list[Hour]:
        _window(start, end, MAX_SCHEDULE)
        context = info.context
        plans = await context.read(context.read_hours, start, end)
        context.keep_hours(plans)
        return await hours(info, plans)

    @strawberry.field(description="What aired, starting in [from, to), at most 7 days.")
    async def as_run(self, info: Context, start: From, end: To) -> list[AsRunLine]:
        _window(start, end, MAX_AS_RUN)
        context = info.context
        entries = await context.read(context.stores.as_run.between, context.stores.station,
                                     start, end)  # fmt: skip
        return [AsRunLine.of(entry) for entry in entries]

    @strawberry.field(
        description="Assets matching the words (titles, artists, tags) and their meaning."
    )
    async def search_library(
        self, info: Context, text: str, kind: str | None = None, first: int = 10
    ) -> list[SearchHit]:
        if not 1 <= first <= MAX_HITS:
            raise QueryRefused(f"'first' is from 1 to {MAX_HITS}")
        only = None if kind is None else _kind(kind)
        context = info.context
        if context.discovery is None:
            raise QueryRefused("this process cannot search the library")
        discovery = context.discovery()
        found = await context.read(discovery.search, context.stores.station, text, first, only)
        assets = await context.assets.load_many([hit.asset_id for hit in found])
        return [
            SearchHit(score=hit.score, matched_by=sorted(hit.ranks), asset=Asset.of(asset))
            for hit, asset in zip(found, assets, strict=True)
            if asset is not None  # removed since it was indexed
        ]
