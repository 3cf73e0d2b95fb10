"""Playlists under ``/api/v1/playlists``: named, ordered lists of assets built by hand.

Every change goes through the playlist desk ``onair playlist`` uses, is judged
by the station's rules (a refusal is 422 naming the item and the rule; what
only warns comes back in ``warnings``), and is one operator action in the
ledger by the caller, in the change's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import Problem, refused
from onair.api.state import StateDep
from onair.api.stores import StoresDep
from onair.domain.access import Role
from onair.domain.playlists import (
    MAX_ITEMS,
    Playlist,
    PlaylistChange,
    PlaylistExists,
    PlaylistInUse,
    PlaylistRefused,
    UnknownPlaylist,
)
from onair.domain.programming import NoProgram
from onair.domain.schedule import Playable
from onair.scheduler.service import BuildReport, published_events

__all__ = ["router"]

router = APIRouter(prefix="/playlists", tags=["playlists"])
T = TypeVar("T")

_NAME = r"^[a-z][a-z0-9_-]{0,62}$"
Name = Annotated[str, Path(pattern=_NAME, max_length=63, description="The playlist's name.")]
Position = Annotated[int, Path(ge=0, le=MAX_ITEMS, description="An item's place, 0 first.")]
AssetId = Annotated[str, Field(min_length=1, max_length=26)]

_STATUS: dict[type[Exception], int] = {
    UnknownPlaylist: 404, PlaylistExists: 409, NoProgram: 409,
}  # fmt: skip


class PlaylistCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME, max_length=63,
                      description="What a station file's playlist category names.")  # fmt: skip
    title: str | None = Field(default=None, min_length=1, max_length=200)
    asset_ids: list[AssetId] = Field(default=[], max_length=MAX_ITEMS)


class PlaylistEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)


class PlaylistItems(BaseModel):
    """Every item of the playlist, in air order."""

    model_config = ConfigDict(extra="forbid")

    asset_ids: list[AssetId] = Field(max_length=MAX_ITEMS)


class PlaylistItemAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    asset_id: AssetId
    position: int | None = Field(default=None, ge=0, le=MAX_ITEMS,
                                 description="Where it goes, 0 first; left out: last.")  # fmt: skip


class PlaylistItemMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: int = Field(ge=0, le=MAX_ITEMS, description="Its new place, 0 first.")


class PlaylistItemPublic(BaseModel):
    position: int
    asset_id: str
    in_library: bool
    kind: str | None
    title: str | None
    artist: str | None
    length_s: float | None


class PlaylistWarningPublic(BaseModel):
    position: int
    asset_id: str
    rule: str
    message: str


class PlaylistPublic(BaseModel):
    name: str
    title: str
    created_at: datetime | None
    updated_at: datetime | None
    items: list[PlaylistItemPublic]
    air_length_s: float = Field(description="From the first item's start to the end of the"
                                            " last, songs overlapping at their segue.")  # fmt: skip
    warnings: list[PlaylistWarningPublic] = Field(
        default=[], description="What the rules say of the items that does not stop them airing."
    )
    rebuilt_hours: list[datetime] = Field(
        default=[], description="Built hours ahead that air it, built anew with this change."
    )
    kept_hours: list[datetime] = Field(
        default=[],
        description="Built hours that air it and keep what they had: locked, or on the air.",
    )


class PlaylistSummary(BaseModel):
    name: str
    title: str
    items: int
    updated_at: datetime | None


class PlaylistList(BaseModel):
    items: list[PlaylistSummary]


Where = Callable[[str], list[str | int]]


def _body(field: str) -> list[str | int]:
    return ["body", *(int(p) if p.isdigit() else p for p in field.split("."))]


async def _run(where: Where, call: Callable[..., T], *args: Any) -> T:
    """The desk's call on a worker thread, its refusals as problems naming the field."""
    try:
        return await run_in_threadpool(call, *args)
    except PlaylistRefused as exc:
        loc = where(exc.field)
        raise Problem(422, str(exc), rule=exc.rule, errors=[
            {"loc": loc, "type": exc.rule, "msg": str(exc)}]) from None  # fmt: skip
    except PlaylistInUse as exc:
        raise Problem(409, str(exc), categories=exc.categories) from None
    except tuple(_STATUS) as exc:
        raise refused(exc, _STATUS) from None


def _public(playlist: Playlist, assets: dict[str, Playable],
            change: PlaylistChange | None = None) -> PlaylistPublic:  # fmt: skip
    items, air_ms = [], 0
    for n, asset_id in enumerate(playlist.asset_ids):
        song = assets.get(asset_id)
        if song is not None:
            air_ms += min(song.length_ms, song.segue_ms)
        items.append(PlaylistItemPublic(
            position=n, asset_id=asset_id, in_library=song is not None,
            kind=song.kind.value if song else None, title=song.title if song else None,
            artist=song.artist if song else None,
            length_s=song.length_ms / 1000 if song else None,
        ))  # fmt: skip
    warnings = [PlaylistWarningPublic(position=w.position, asset_id=w.asset_id, rule=w.rule,
                                      message=w.message)
                for w in (change.warnings if change else [])]  # fmt: skip
    rebuilt = [p.start for p in change.rebuilt] if change else []
    return PlaylistPublic(name=playlist.name, title=playlist.title,
                          created_at=playlist.created_at, updated_at=playlist.updated_at,
                          items=items, air_length_s=air_ms / 1000, warnings=warnings,
                          rebuilt_hours=rebuilt,
                          kept_hours=list(change.kept) if change else [])  # fmt: skip


async def _changed(stores: StoresDep, state: StateDep, change: PlaylistChange) -> PlaylistPublic:
    if change.rebuilt and state.publish is not None:  # as every build announces its hours
        plans = list(change.rebuilt)
        report = BuildReport(plans, plans, change.program_version or 0)
        for envelope in published_events(stores.station, report):
            await state.publish(envelope)
    assets = await run_in_threadpool(stores.playlist_desk().assets, [change.playlist])
    return _public(change.playlist, assets, change)


@router.get("", operation_id="list_playlists", **requires(Role.VIEWER))
async def list_playlists(stores: StoresDep) -> PlaylistList:
    """The station's playlists by name."""
    found = await _run(_body, stores.playlist_desk().listing)
    return PlaylistList(items=[PlaylistSummary(name=p.name, title=p.title, items=len(p.asset_ids),
                                               updated_at=p.updated_at)
                               for p in found])  # fmt: skip


@router.post("", operation_id="create_playlist", status_code=201,
             **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def create_playlist(given: PlaylistCreate, stores: StoresDep, state: StateDep,
                          who: CurrentPrincipal) -> PlaylistPublic:  # fmt: skip
    """A new playlist, its items judged by the station's rules; 409 when the name is taken."""
    desk = stores.playlist_desk()
    change = await _run(_body, desk.create, given.name, given.title or given.name,
                        given.asset_ids, who.who)  # fmt: skip
    return await _changed(stores, state, change)


@router.get("/{name}", operation_id="read_playlist", **requires(Role.VIEWER))
async def read_playlist(name: Name, stores: StoresDep) -> PlaylistPublic:
    """The playlist's items in air order, each with its asset."""
    desk = stores.playlist_desk()
    playlist = await _run(_body, desk.playlist, name)
    return _public(playlist, await run_in_threadpool(desk.assets, [playlist]))


@router.patch("/{name}", operation_id="edit_playlist", **requires(Role.PROGRAM_DIRECTOR))
async def edit_playlist(name: Name, given: PlaylistEdit, stores: StoresDep, state: StateDep,
                        who: CurrentPrincipal) -> PlaylistPublic:  # fmt: skip
    """Give the playlist another title (its name is what station files name: it stays)."""
    change = await _run(_body, stores.playlist_desk().retitle, name, given.title, who.who)
    return await _changed(stores, state, change)


@router.delete("/{name}", operation_id="delete_playlist", status_code=204,
               **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def delete_playlist(name: Name, stores: StoresDep, who: CurrentPrincipal) -> Response:
    """Remove the playlist; 409 while the station file in force airs it."""
    await _run(_body, stores.playlist_desk().delete, name, who.who)
    return Response(status_code=204)


@router.put("/{name}/items", operation_id="replace_playlist_items",
            **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def replace_playlist_items(
    name: Name, given: PlaylistItems, stores: StoresDep, state: StateDep, who: CurrentPrincipal
) -> PlaylistPublic:
    """Every item in a new order (or new items), judged as a whole."""
    change = await _run(_body, stores.playlist_desk().replace_items, name, given.asset_ids,
                        who.who)  # fmt: skip
    return await _changed(stores, state, change)


@router.post("/{name}/items", operation_id="add_playlist_item",
             **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def add_playlist_item(name: Name, given: PlaylistItemAdd, stores: StoresDep,
                            state: StateDep, who: CurrentPrincipal) -> PlaylistPublic:  # fmt: skip
    """One asset in at ``position`` (last when left out)."""

    def where(field: str) -> list[str | int]:
        # The refusal names the item's place in the list; the request named the asset.
        return ["body", "position"] if field == "position" else ["body", "asset_id"]

    change = await _run(where, stores.playlist_desk().add_item, name, given.asset_id,
                        given.position, who.who)  # fmt: skip
    return await _changed(stores, state, change)


@router.delete("/{name}/items/{position}", operation_id="remove_playlist_item",
               **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def remove_playlist_item(
    name: Name, position: Position, stores: StoresDep, state: StateDep, who: CurrentPrincipal
) -> PlaylistPublic:
    """Take the item at ``position`` out; those after it move up."""
    change = await _run(lambda field: ["path", "position"], stores.playlist_desk().remove_item,
                        name, position, who.who)  # fmt: skip
    return await _changed(stores, state, change)


@router.post("/{name}/items/{position}/move", operation_id="move_playlist_item",
             **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def move_playlist_item(
    name: Name, position: Position, given: PlaylistItemMove, stores: StoresDep, state: StateDep,
    who: CurrentPrincipal,
) -> PlaylistPublic:  # fmt: skip
    """Move the item at ``position`` to ``to``; the items between shift by one."""

    def where(field: str) -> list[str | int]:
        return ["body", "to"] if field == "to" else ["path", "position"]

    change = await _run(where, stores.playlist_desk().move_item, name, position, given.to,
                        who.who)  # fmt: skip
    return await _changed(stores, state, change)
