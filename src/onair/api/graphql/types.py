"""The studio's view of a station in GraphQL: the air, the hours, the library, the as-run.

Each type is built from the domain object a repository returns; what it links to
(an item's asset, its voice link, its hour) is read through the request's
loaders, so a query pays for each kind of row once however many items name it.
Lengths are in seconds (``duration``, ``elapsed``, ``remaining``); instants are
ISO 8601 in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from onair.api.graphql.loaders import ReadContext
from onair.domain.library import LibraryAsset
from onair.domain.playout import AsRunEntry, OnAirState
from onair.domain.rights import UsageRights
from onair.domain.schedule import HourPlan, ScheduledItem
from onair.domain.segments import Segment

__all__ = [
    "AgentSegment",
    "AsRunLine",
    "Asset",
    "Hour",
    "HourItem",
    "OnAir",
    "Rights",
    "SearchHit",
    "Station",
    "hours",
]

Context = Info[ReadContext, None]
T = TypeVar("T")
F = TypeVar("F")

# The engine saves where the air stands every second; a state older than this is a
# playout that has stopped, not a song still playing.
STALE_AFTER = timedelta(seconds=10)


@strawberry.type(description="One deal's usage rights: where, from and until when it may air.")
class Rights:
    territories: list[str] = strawberry.field(description="ISO 3166-1 codes, or WORLD.")
    valid_from: date | None
    valid_until: date | None
    uses: list[str] = strawberry.field(description="e.g. non_interactive_webcast, broadcast.")

    @classmethod
    def of(cls, rights: UsageRights) -> Rights:
        return cls(territories=sorted(rights.territories), valid_from=rights.valid_from,
                   valid_until=rights.valid_until, uses=sorted(rights.uses))  # fmt: skip


@strawberry.type(description="An asset of the library: a song, an ID, a jingle, a liner...")
class Asset:
    id: strawberry.ID
    kind: str
    title: str
    artist: str | None = strawberry.field(description="The credit as displayed.")
    artists: list[str] = strawberry.field(description="Every credited artist, main first.")
    album: str | None
    isrc: str | None
    duration: float | None = strawberry.field(
        description="Seconds from cue-in to cue-out; null before its audio is in."
    )
    rights: list[Rights]

    @classmethod
    def of(cls, asset: LibraryAsset) -> Asset:
        tags, audio = asset.tags, asset.audio
        aired = None if audio is None else round(audio.cue_out_s - audio.cue_in_s, 3)
        return cls(
            id=strawberry.ID(asset.id), kind=asset.kind.value, title=asset.title,
            artist=tags.artist, artists=list(tags.artists), album=tags.album, isrc=tags.isrc,
            duration=aired, rights=[Rights.of(r) for r in asset.rights],
        )  # fmt: skip


async def _asset(info: Context, asset_id: str | None) -> Asset | None:
    if asset_id is None:
        return None
    found = await info.context.assets.load(asset_id)
    return None if found is None else Asset.of(found)


@strawberry.type(
    name="Segment", description="What an agent made for a planned item: a voice link, an ID..."
)
class AgentSegment:
    id: strawberry.ID
    kind: str
    status: str = strawberry.field(description="ready, fallback (a liner stands in) or dropped.")
    script: str
    language: str
    duration: float
    reason: str | None = strawberry.field(description="Why it fell back or was dropped.")

    @classmethod
    def of(cls, segment: Segment) -> AgentSegment:
        return cls(
            id=strawberry.ID(segment.id), kind=segment.kind.value, status=segment.status.value,
            script=segment.script, language=segment.language,
            duration=segment.duration_ms / 1000, reason=segment.reason,
        )  # fmt: skip


@strawberry.type(description="One item of a built hour, at its scheduled time.")
class HourItem:
    id: strawberry.ID
    position: int
    start: datetime
    duration: float
    kind: str
    category: str
    hard: bool = strawberry.field(description="Starts on its time, whatever comes before it.")
    # Read for every item at once by whoever makes the items (see _items), when the query
    # asks: an async resolver for each item's asset and link cost more than their reads.
    found_asset: strawberry.Private[Asset | Exception | None]
    found_segment: strawberry.Private[AgentSegment | Exception | None]
    hour_start: strawberry.Private[datetime]

    @strawberry.field(description="Null while planned and not filled yet (voice, news, spots).")
    def asset(self) -> Asset | None:
        return _read(self.found_asset)

    @strawberry.field(description="The newest segment the agents made for this item.")
    def segment(self) -> AgentSegment | None:
        return _read(self.found_segment)

    @strawberry.field(description="The hour this item belongs to.")
    async def hour(self, info: Context) -> Hour | None:
        plan = await info.context.hours.load(self.hour_start)
        return None if plan is None else (await hours(info, [plan]))[0]


def _read(found: T | Exception | None) -> T | None:
    """What a batch read found for one item; a batch that failed fails each item's field
    (masked, as any field whose read failed), and the rest of the answer stands."""
    if isinstance(found, Exception):
        raise found
    return found


async def _items(info: Context, items: Sequence[ScheduledItem],
                 asked: Sequence[Selection]) -> list[HourItem]:  # fmt: skip
    """The items as the query shows them, their assets and links read in one batch each,
    and only if the query (``asked``: the selections on the items) names them."""
    context = info.context
    assets: Sequence[Asset | Exception | None] = [None] * len(items)
    segments: Sequence[AgentSegment | Exception | None] = [None] * len(items)
    if _asks(asked, "asset"):
        wanted = [i.asset_id for i in items if i.asset_id is not None]
        try:
            read = dict(zip(wanted, await context.assets.load_many(wanted), strict=True))
        except Exception as exc:
            assets = [exc] * len(items)
        else:
            assets = [_shown(Asset.of, read.get(i.asset_id or "")) for i in items]
    if _asks(asked, "segment"):
        try:
            links = await context.segments.load_many([(i.hour, i.id) for i in items])
        except Exception as exc:
            segments = [exc] * len(items)
        else:
            segments = [_shown(AgentSegment.of, link) for link in links]
    return [
        HourItem(
            id=strawberry.ID(item.id), position=item.position, start=item.start,
            duration=item.duration_ms / 1000, kind=item.kind.value, category=item.category,
            hard=item.hard, found_asset=asset, found_segment=segment, hour_start=item.hour,
        )
        for item, asset, segment in zip(items, assets, segments, strict=True)
    ]  # fmt: skip


def _shown(view: Callable[[F], T], found: F | None) -> T | None:
    return None if found is None else view(found)


async def hours(info: Context, plans: Sequence[HourPlan]) -> list[Hour]:
    """The hours a resolver read, as its query shows them: their items' assets and links
    read in one batch for all the hours."""
    every = await _items(info, [i for p in plans for i in p.items], _under(_asked(info), "items"))
    shown, at = [], 0
    for plan in plans:
        shown.append(Hour(
            start=plan.start, local_label=plan.local_label, clock=plan.clock,
            locked=plan.locked, under_over_ms=plan.under_over_ms,
            items=every[at : at + len(plan.items)],
            unfilled=[Unfilled(category=u.category, reason=u.reason) for u in plan.unscheduled],
        ))  # fmt: skip
        at += len(plan.items)
    return shown


def _asked(info: Context) -> list[Selection]:
    """What the query asks of the field being resolved."""
    return [s for field in info.selected_fields for s in field.selections]


def _under(selections: Sequence[Selection], name: str) -> list[Selection]:
    """The selections on the fields ``name`` among ``selections`` (through fragments)."""
    found: list[Selection] = []
    for selection in selections:
        if not isinstance(selection, SelectedField):
            found += _under(selection.selections, name)  # a fragment: its fields are these
        elif selection.name == name:
            found += selection.selections
    return found


def _asks(selections: Sequence[Selection], name: str) -> bool:
    """Whether ``selections`` name the field ``name`` (directly or through fragments)."""
    return any(
        _asks(s.selections, name) if not isinstance(s, SelectedField) else s.name == name
        for s in selections
    )


@strawberry.type(description="A clock position the scheduler could not fill, and why.")
class Unfilled:
    category: str
    reason: str


@strawberry.type(description="A built hour of the schedule.")
class Hour:
    start: datetime
    local_label: str = strawberry.field(description="The hour in station time, with its offset.")
    clock: str
    locked: bool
    under_over_ms: int = strawberry.field(
        description="Where the content ends against the hour's end: + over, - under."
    )
    items: list[HourItem]
    unfilled: list[Unfilled]


@strawberry.type(description="What is on the air now, as playout saved it within the second.")
class OnAir:
    started_at: datetime
    held: bool = strawberry.field(description="An operator holds the air on this item.")
    elapsed: float = strawberry.field(description="Seconds since it started.")
    remaining: float | None = strawberry.field(
        description="Seconds to its scheduled (or cue-out) end; null if its length is unknown."
    )
    schedule_item_id: strawberry.Private[str | None]
    asset_id: strawberry.Private[str]

    @strawberry.field(description="Its item in the schedule; null for an operator's insert.")
    async def item(self, info: Context) -> HourItem | None:
        if self.schedule_item_id is None:
            return None
        found = await info.context.items.load(self.schedule_item_id)
        if found is None:
            return None
        (item,) = await _items(info, [found], _asked(info))
        return item

    @strawberry.field
    async def asset(self, info: Context) -> Asset | None:
        return await _asset(info, self.asset_id)


async def _on_air(context: ReadContext, state: OnAirState) -> OnAir:
    """Elapsed and remaining time at the request's instant, from the item's planned length
    (or, for an insert, the asset's cue-in to cue-out)."""
    elapsed = max(0.0, (context.now - state.started_at).total_seconds())
    length: float | None = None
    if state.schedule_item_id is not None:
        item = await context.items.load(state.schedule_item_id)
        length = None if item is None else item.duration_ms / 1000
    if length is None:
        asset = await context.assets.load(state.asset_id)
        audio = None if asset is None else asset.audio
        length = None if audio is None else audio.cue_out_s - audio.cue_in_s
    remaining = None if length is None else round(max(0.0, length - elapsed), 3)
    return OnAir(started_at=state.started_at, held=state.held, elapsed=round(elapsed, 3),
                 remaining=remaining, schedule_item_id=state.schedule_item_id,
                 asset_id=state.asset_id)  # fmt: skip


@strawberry.type(description="The station now: its air, its current hour, its next hard post.")
class Station:
    name: str

    @strawberry.field(description="Null while nothing airs (playout stopped or not started).")
    async def on_air(self, info: Context) -> OnAir | None:
        context = info.context
        state = await context.read(context.stores.on_air.load, context.stores.station)
        if state is None or context.now - state.saved_at > STALE_AFTER:
            return None
        return await _on_air(context, state)

    @strawberry.field(description="The built hour airing now; null if none is built.")
    async def current_hour(self, info: Context) -> Hour | None:
        plan = await info.context.current_hour()
        return None if plan is None else (await hours(info, [plan]))[0]

    @strawberry.field(description="When the next hard item is scheduled to start.")
    async def next_hard_post(self, info: Context) -> datetime | None:
        context = info.context
        found: datetime | None = await context.read(
            context.stores.schedules.next_hard_start, context.stores.station, context.now
        )
        return found

    @strawberry.field(description="The station's IANA time zone, which its clocks use.")
    async def timezone(self, info: Context) -> str:
        zone = await info.context.read(info.context.stores.zone)
        return str(zone.key)


@strawberry.type(description="One line of the as-run log: what really aired, and how.")
class AsRunLine:
    play_id: strawberry.ID
    kind: str
    category: str
    title: str
    artist: str | None
    actual_start: datetime
    scheduled_start: datetime | None
    duration: float
    ended_by: str = strawberry.field(
        description="natural, crossfade, fade_early, skip or failover."
    )
    substitution_reason: str | None
    adjustments: list[str]
    listeners: int | None
    asset_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, entry: AsRunEntry) -> AsRunLine:
        return cls(
            play_id=strawberry.ID(entry.play_id), kind=entry.kind.value, category=entry.category,
            title=entry.title, artist=entry.artist, actual_start=entry.actual_start,
            scheduled_start=entry.scheduled_start, duration=entry.duration_s,
            ended_by=entry.ended_by.value, substitution_reason=entry.substitution_reason,
            adjustments=list(entry.adjustments), listeners=entry.listeners,
            asset_id=entry.asset_id,
        )  # fmt: skip

    @strawberry.field
    async def asset(self, info: Context) -> Asset | None:
        return await _asset(info, self.asset_id)


@strawberry.type(description="One asset a library search found, best first.")
class SearchHit:
    score: float = strawberry.field(description="Reciprocal-rank fusion of the rankings.")
    matched_by: list[str] = strawberry.field(description="words, meaning, or both.")
    asset: Asset
