"""The schedule under ``/api/v1/schedule``: a window of it read, hours rebuilt, locked and
unlocked, one item replaced or moved within its hour.

Reads answer what ``onair schedule export`` and ``explain`` do: each item's
timing, its asset, and why it is there. Every change goes through the
scheduler service, as the CLI's do, and is one operator action in the ledger
by the caller, in the change's transaction. A replacement or a move is judged
by the rules again: one that would break a rule the hour keeps now is refused
(409, the rule and its reason named) unless a program director sends
``force``, and the rules it broke are recorded with the action.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import Problem, refused
from onair.api.rest.schedule_views import EditedHour, HourLock, ScheduleWindow
from onair.api.state import StateDep
from onair.api.stores import StationStores, StoresDep
from onair.domain.access import Role
from onair.domain.programming import NoProgram
from onair.domain.schedule import HourLocked
from onair.scheduler.hour_edits import EditRefused, RulesWouldBreak
from onair.scheduler.retiming import PlanNotCorrected
from onair.scheduler.service import (
    AlreadyAired,
    ItemEdited,
    UnknownAsset,
    UnknownHour,
    UnknownItem,
    published_events,
)

__all__ = ["ItemMove", "ItemReplace", "router"]

router = APIRouter(prefix="/schedule", tags=["schedule"])

_HOUR = timedelta(hours=1)
MAX_WINDOW = timedelta(hours=48)
T = TypeVar("T")

# The scheduler's refusals, as the status each answers.
_STATUS: dict[type[Exception], int] = {
    UnknownItem: 404, UnknownHour: 404, UnknownAsset: 422, EditRefused: 422,
    AlreadyAired: 409, HourLocked: 409, PlanNotCorrected: 409, NoProgram: 409,
}  # fmt: skip


class HourRebuild(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=1, ge=0, le=2**31 - 1)


class ItemReplace(BaseModel):
    """The asset to air in the item's place; ``force`` (a program director's) airs it even
    where it breaks a rule."""

    model_config = ConfigDict(extra="forbid")

    asset_id: str = Field(min_length=1, max_length=64)
    force: bool = False


class ItemMove(BaseModel):
    """Where in its hour the item goes (0: first), between the hard posts around it."""

    model_config = ConfigDict(extra="forbid")

    position: int = Field(ge=0, le=1000)
    force: bool = False


async def _run(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """The scheduler's call on a worker thread, its refusals as problems."""
    try:
        return await run_in_threadpool(call, *args, **kwargs)
    except RulesWouldBreak as exc:
        broken = [{"item_id": v.item_id, "rule": v.rule, "message": v.message}
                  for v in exc.violations]  # fmt: skip
        why = f"{exc}: a program director may send force"
        raise Problem(409, why, violations=broken) from None
    except tuple(_STATUS) as exc:
        raise refused(exc, _STATUS) from None


def _window(stores: StationStores, start: datetime, end: datetime) -> dict[str, Any]:
    """The hours starting in the window as the export gives them, each item with its why."""
    scheduler = stores.scheduler()
    plans = scheduler.stored(stores.station, start, end)
    view = scheduler.export(stores.station, start, end, "json", plans)
    assert isinstance(view, dict)
    why = {i.id: i.why for p in plans for i in p.items}
    for item in view["items"]:
        item["why"] = why.get(item["id"], {})
    return view


@router.get("", operation_id="read_schedule", **requires(Role.VIEWER))
async def read_schedule(
    stores: StoresDep,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> ScheduleWindow:
    """The hours starting in ``[from, to)`` (default: the hour on air and the two after it),
    each item with its timing, asset and why it is there; at most 48 hours."""
    first = start or stores.now().replace(minute=0, second=0, microsecond=0)
    last = end or first + 3 * _HOUR
    if last <= first or last - first > MAX_WINDOW:
        raise HTTPException(422, "query.to: give a window of up to 48 hours after 'from'")
    return ScheduleWindow.model_validate(await _run(_window, stores, first, last))


@router.get("/items/{item_id}", operation_id="read_schedule_item", **requires(Role.VIEWER))
async def read_schedule_item(item_id: str, stores: StoresDep) -> dict[str, Any]:
    """One item and why it is there: its rank in rotation and what each rule rejected."""
    explained: dict[str, Any] = await _run(stores.scheduler().explain, stores.station, item_id)
    return explained


@router.post("/hours/{hour}/rebuild", operation_id="rebuild_schedule_hour",
             **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def rebuild_schedule_hour(
    hour: AwareDatetime, asked: HourRebuild, stores: StoresDep, state: StateDep,
    who: CurrentPrincipal,
) -> ScheduleWindow:  # fmt: skip
    """Build the hour anew (the rest of its day as stored); 409 once started or locked."""
    scheduler = stores.scheduler()
    report = await _run(scheduler.rebuild_hour, stores.station, hour, asked.seed, who.who)
    if state.publish is not None:  # as every build announces its hours
        for envelope in published_events(stores.station, report):
            await state.publish(envelope)
    return ScheduleWindow.model_validate(await _run(_window, stores, hour, hour + _HOUR))


async def _lock(hour: datetime, stores: StationStores, who: str, locked: bool) -> HourLock:
    scheduler = stores.scheduler()
    if not await _run(scheduler.stored, stores.station, hour, hour + timedelta(seconds=1)):
        raise HTTPException(404, f"no hour of station {stores.station!r} is built at {hour}")
    changed = await _run(scheduler.lock, stores.station, hour, hour + timedelta(seconds=1),
                         locked=locked, who=who)  # fmt: skip
    return HourLock(hour=hour.isoformat(), locked=locked, changed=bool(changed))


@router.post("/hours/{hour}/lock", operation_id="lock_schedule_hour",
             **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def lock_schedule_hour(hour: AwareDatetime, stores: StoresDep,
                             who: CurrentPrincipal) -> HourLock:  # fmt: skip
    """Lock the built hour: builds keep it as it is."""
    return await _lock(hour, stores, who.who, True)


@router.post("/hours/{hour}/unlock", operation_id="unlock_schedule_hour",
             **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def unlock_schedule_hour(hour: AwareDatetime, stores: StoresDep,
                               who: CurrentPrincipal) -> HourLock:  # fmt: skip
    """Unlock the hour: the next build may change it again (until it airs)."""
    return await _lock(hour, stores, who.who, False)


def _forcing(force: bool, who: CurrentPrincipal) -> None:
    if force and not who.role.allows(Role.PROGRAM_DIRECTOR):
        raise HTTPException(403, f"{who.who} is {who.role.value}; force needs program_director")


async def _edited(stores: StationStores, edited: ItemEdited) -> EditedHour:
    hour = edited.plan.start
    forced = [{"item_id": v.item_id, "rule": v.rule, "message": v.message}
              for v in edited.forced]  # fmt: skip
    window = await _run(_window, stores, hour, hour + _HOUR)
    return EditedHour.model_validate({**window, "forced": forced})


@router.put("/items/{item_id}/asset", operation_id="replace_schedule_item",
            **requires(Role.OPERATOR))  # fmt: skip
async def replace_schedule_item(item_id: str, given: ItemReplace, stores: StoresDep,
                                who: CurrentPrincipal) -> EditedHour:  # fmt: skip
    """Air another asset in the item's place, its stretch re-timed to the next post."""
    _forcing(given.force, who)
    edited = await _run(stores.scheduler().replace_item, stores.station, item_id,
                        given.asset_id, who=who.who, force=given.force)  # fmt: skip
    return await _edited(stores, edited)


@router.post("/items/{item_id}/move", operation_id="move_schedule_item",
             **requires(Role.OPERATOR))  # fmt: skip
async def move_schedule_item(item_id: str, given: ItemMove, stores: StoresDep,
                             who: CurrentPrincipal) -> EditedHour:  # fmt: skip
    """Move the item within its hour, the items between re-timed; hard posts stay put."""
    _forcing(given.force, who)
    edited = await _run(stores.scheduler().move_item, stores.station, item_id,
                        given.position, who=who.who, force=given.force)  # fmt: skip
    return await _edited(stores, edited)
