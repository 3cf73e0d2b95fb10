"""What the air is doing, read: ``GET /api/v1/playout/now``, ``/next``, ``/state``, ``/as-run``.

Read from what playout writes as it airs (where it stands, saved each second;
the as-run log; the operator log) and the schedule it airs, so any API process
of the station answers, wherever playout runs, and after a restart of either.
The state is ``auto`` (the schedule airs), ``hold`` (the air stops after the
item on air), ``fallback`` (an item neither scheduled nor inserted by an
operator airs: fallback rotation or a stand-in) or ``off_air`` (playout has
not saved where it stands for a while).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import AwareDatetime, BaseModel
from starlette.concurrency import run_in_threadpool

from onair.api.auth import requires
from onair.api.stores import StationStores, StoresDep
from onair.domain.access import Role
from onair.domain.playout import OnAirState
from onair.domain.schedule import Playable, ScheduledItem

__all__ = ["AsRunPublic", "NextItem", "NowPlaying", "air_now", "router"]

router = APIRouter(prefix="/playout", tags=["playout"])

STALE = timedelta(seconds=15)  # playout saves where it stands every second
_LOOK_BACK = timedelta(hours=6)  # how far back an insert of what airs is looked for
_AHEAD = timedelta(hours=3)  # how far ahead the schedule is read for the next items
MAX_AS_RUN = timedelta(hours=48)


class NowPlaying(BaseModel):
    play_id: str
    asset_id: str
    schedule_item_id: str | None
    title: str | None
    artist: str | None
    started_at: datetime
    ends_at: datetime  # when the next item is due to start
    state: str


class NextItem(BaseModel):
    schedule_item_id: str | None
    asset_id: str | None
    title: str | None
    artist: str | None
    kind: str | None
    starts_at: datetime | None  # the schedule's time; None for an operator's insert
    inserted: bool


class AsRunPublic(BaseModel):
    play_id: str
    asset_id: str | None
    schedule_item_id: str | None
    kind: str
    category: str
    title: str
    artist: str | None
    scheduled_start: datetime | None
    actual_start: datetime
    duration_s: float
    ended_by: str
    substitution_reason: str | None
    listeners: int | None


@dataclass(frozen=True)
class AirNow:
    """The air as playout last saved it, with what it airs and what comes next."""

    state: str
    now: NowPlaying | None
    next: list[NextItem]


def air_now(stores: StationStores, count: int = 5) -> AirNow:
    """Where the air stands now (worker thread: it reads the database).

    The item on air is read by its id and the next items with a limit, never the
    hours whole: a studio or a website asks this several times a second.
    """
    station, at = stores.station, stores.now()
    saved = stores.on_air.load(station)
    if saved is None or at - saved.saved_at > STALE:
        return AirNow("off_air", None, [])
    assets = {saved.asset_id, *saved.queued}
    first, last = _hour(saved.started_at), at + _AHEAD  # the hours the air is read from
    on = stores.schedules.item(station, saved.schedule_item_id) if saved.schedule_item_id else None
    if on is not None and not first <= on.hour < last:
        on = None
    after = on.start if on else at
    upcoming = stores.schedules.following(station, after, first, last, count) if count else []
    assets |= {i.asset_id for i in upcoming if i.asset_id}
    known = {p.id: p for p in stores.schedule_library.playables(station, assets)}
    state = _state(stores, saved, on)
    now = _now_playing(saved, on, known.get(saved.asset_id), state)
    queued = [_next(None, known.get(a), a) for a in saved.queued]
    return AirNow(state, now, (queued + [_next(i, known.get(i.asset_id or ""), None)
                                         for i in upcoming])[:count])  # fmt: skip


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _state(stores: StationStores, saved: OnAirState, on: ScheduledItem | None) -> str:
    if saved.held:
        return "hold"
    if on is not None and on.asset_id == saved.asset_id:
        return "auto"
    inserted = stores.operator_log.inserted(stores.station, saved.asset_id,
                                            saved.started_at - _LOOK_BACK,
                                            saved.started_at + timedelta(seconds=1))  # fmt: skip
    return "auto" if inserted else "fallback"


def _now_playing(saved: OnAirState, on: ScheduledItem | None, asset: Playable | None,
                 state: str) -> NowPlaying:  # fmt: skip
    if on is not None and on.asset_id == saved.asset_id:
        length_ms = on.duration_ms - on.overlap_next_ms
    else:
        length_ms = (asset.segue_ms or asset.length_ms) if asset else 0
    return NowPlaying(
        play_id=saved.play_id, asset_id=saved.asset_id, schedule_item_id=saved.schedule_item_id,
        title=asset.title if asset else None, artist=asset.artist if asset else None,
        started_at=saved.started_at, ends_at=saved.started_at + timedelta(milliseconds=length_ms),
        state=state,
    )  # fmt: skip


def _next(item: ScheduledItem | None, asset: Playable | None, queued: str | None) -> NextItem:
    return NextItem(
        schedule_item_id=item.id if item else None,
        asset_id=item.asset_id if item else queued,
        title=asset.title if asset else None, artist=asset.artist if asset else None,
        kind=item.kind.value if item else (asset.kind.value if asset else None),
        starts_at=item.start if item else None, inserted=item is None,
    )  # fmt: skip


@router.get("/now", operation_id="read_now_playing", **requires(Role.VIEWER))
async def read_now_playing(stores: StoresDep) -> NowPlaying:
    """The item on the air: what, since when, until when the next is due; 404 off the air."""
    air = await run_in_threadpool(air_now, stores, 0)
    if air.now is None:
        raise HTTPException(404, f"station {stores.station!r} is off the air: playout has not"
                                 " said where it stands in the last 15 s")  # fmt: skip
    return air.now


@router.get("/next", operation_id="read_next_items", **requires(Role.VIEWER))
async def read_next_items(
    stores: StoresDep, count: Annotated[int, Query(ge=1, le=20)] = 5
) -> list[NextItem]:
    """The items after the one on air: operator inserts first, then the schedule."""
    return (await run_in_threadpool(air_now, stores, count)).next


class AirState(BaseModel):
    state: str  # auto, hold, fallback or off_air


@router.get("/state", operation_id="read_playout_state", **requires(Role.VIEWER))
async def read_playout_state(stores: StoresDep) -> AirState:
    """``auto``, ``hold``, ``fallback`` or ``off_air``."""
    return AirState(state=(await run_in_threadpool(air_now, stores, 0)).state)


@router.get("/as-run", operation_id="read_as_run", **requires(Role.VIEWER))
async def read_as_run(
    stores: StoresDep,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> list[AsRunPublic]:
    """What aired, started in ``[from, to)`` (default: the last hour), at most 48 hours."""
    last = end or stores.now()
    first = start or last - timedelta(hours=1)
    if last <= first or last - first > MAX_AS_RUN:
        raise HTTPException(422, "query.to: give a window of up to 48 hours after 'from'")
    entries = await run_in_threadpool(stores.as_run.between, stores.station, first, last)
    return [AsRunPublic(
        play_id=e.play_id, asset_id=e.asset_id, schedule_item_id=e.schedule_item_id,
        kind=e.kind.value, category=e.category, title=e.title, artist=e.artist,
        scheduled_start=e.scheduled_start, actual_start=e.actual_start, duration_s=e.duration_s,
        ended_by=e.ended_by.value, substitution_reason=e.substitution_reason,
        listeners=e.listeners,
    ) for e in entries]  # fmt: skip
