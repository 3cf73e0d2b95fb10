"""The library's assets: find, read, fix tags, cue points and rights, remove, hear, see.

Every change goes through the library desk the station's services share, and
is one operator action in the compliance ledger by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import Problem, refused
from onair.api.state import StateDep
from onair.domain.access import Role
from onair.domain.errors import DomainError
from onair.domain.library import AssetKind, AssetQuery
from onair.domain.rights import UsageRights, Use
from onair.domain.tags import VocalGender
from onair.ingest.asset_view import asset_view
from onair.ingest.library_desk import (
    AssetScheduled,
    InvalidEdit,
    LibraryDesk,
    NoAudio,
    NoSuchAsset,
)
from onair.storage.errors import StorageError

__all__ = ["router"]

router = APIRouter(tags=["assets"])
T = TypeVar("T")

AssetId = Annotated[str, Field(min_length=1, max_length=64)]


class Airable(StrEnum):
    AIRABLE = "airable"  # may air today in the station's territory, for its use
    NOT_AIRABLE = "not_airable"


class AssetPage(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: last.")


class RejectedFile(BaseModel):
    source: str
    kind: str
    reason: str
    duplicate_of: str | None
    at: str | None


class RejectedPage(BaseModel):
    items: list[RejectedFile]
    next_cursor: str | None


class TagsEdit(BaseModel):
    """The tags to set; a tag left out stays, a null clears it."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=500)
    artist: str | None = Field(default=None, max_length=500)
    artists: list[Annotated[str, Field(min_length=1, max_length=500)]] | None = Field(
        default=None, max_length=50
    )
    album: str | None = Field(default=None, max_length=500)
    album_artist: str | None = Field(default=None, max_length=500)
    isrc: str | None = Field(default=None, max_length=20)
    label: str | None = Field(default=None, max_length=300)
    year: int | None = Field(default=None, ge=1000, le=2999)
    genre: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=16)
    explicit: bool | None = None
    composer: str | None = Field(default=None, max_length=500)
    publisher: str | None = Field(default=None, max_length=500)
    bpm: float | None = Field(default=None, gt=0, le=400)
    vocal_gender: VocalGender | None = None


class CuesEdit(BaseModel):
    """Cue points to move, in seconds from the start of the file; those left out stay."""

    model_config = ConfigDict(extra="forbid")

    cue_in_s: float | None = Field(default=None, ge=0)
    intro_end_s: float | None = Field(default=None, ge=0)
    segue_s: float | None = Field(default=None, ge=0)
    cue_out_s: float | None = Field(default=None, ge=0)


class Deal(BaseModel):
    """One deal's terms, as a catalog row gives them."""

    model_config = ConfigDict(extra="forbid")

    territories: list[Annotated[str, Field(max_length=5)]] = Field(
        default=["WORLD"], min_length=1, max_length=300
    )
    valid_from: date | None = None
    valid_until: date | None = None
    uses: list[Use] = Field(default=[Use.NON_INTERACTIVE_WEBCAST, Use.BROADCAST], min_length=1)


class RightsEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deals: list[Deal] = Field(min_length=1, max_length=50)


def _desk(state: Any) -> LibraryDesk:
    if state.library is None:
        raise HTTPException(503, "this process has no library to work on")
    desk: LibraryDesk = state.library
    return desk


# StorageError: the object store lost the audio, or is away.
_STATUS: dict[type[Exception], int] = {
    NoSuchAsset: 404, NoAudio: 409, DomainError: 422, StorageError: 503,
}  # fmt: skip


async def _run(call: Callable[..., T], *args: Any) -> T:
    """The desk's call off the event loop, its refusals as problems naming what is wrong."""
    try:
        return await run_in_threadpool(call, *args)
    except NoSuchAsset as exc:
        raise HTTPException(404, str(exc)) from None
    except InvalidEdit as exc:
        loc = [exc.where, exc.field]
        raise Problem(422, str(exc), errors=[{"loc": loc, "type": "invalid_edit",
                                             "msg": str(exc)}]) from None  # fmt: skip
    except AssetScheduled as exc:
        items = [{"item_id": item, "start": start.isoformat()} for item, start in exc.items]
        raise Problem(409, str(exc), items=items) from None
    except tuple(_STATUS) as exc:
        raise refused(exc, _STATUS) from None


@router.get("/assets", operation_id="list_assets", **requires(Role.VIEWER))
async def list_assets(
    state: StateDep,
    kind: AssetKind | None = None,
    category: Annotated[str | None, Query(max_length=63)] = None,
    artist: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
    text: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    rights: Annotated[
        Airable | None,
        Query(description="May it air today where the station airs, for the station's use?"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AssetPage:
    """The station's assets, oldest first, a page at a time."""
    query = AssetQuery(kind=kind, category=category, artist=artist, text=text)
    airable = None if rights is None else rights is Airable.AIRABLE
    found, after = await _run(_desk(state).page, query, airable, cursor, limit)
    return AssetPage(items=[asset_view(a) for a in found], next_cursor=after)


@router.get("/assets/rejected", operation_id="list_rejected_files", **requires(Role.VIEWER))
async def list_rejected_files(
    state: StateDep,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RejectedPage:
    """Files and catalog rows the library refused, by source, each with its reason."""
    found, after = await _run(_desk(state).rejects, cursor, limit)
    items = [RejectedFile(source=r.source, kind=r.kind.value, reason=r.reason,
                          duplicate_of=r.duplicate_of, at=r.at.isoformat() if r.at else None)
             for r in found]  # fmt: skip
    return RejectedPage(items=items, next_cursor=after)


@router.get("/assets/{asset_id}", operation_id="read_asset", **requires(Role.VIEWER))
async def read_asset(asset_id: str, state: StateDep) -> dict[str, Any]:
    """Everything the library knows about one asset."""
    return asset_view(await _run(_desk(state).asset, asset_id))


@router.patch("/assets/{asset_id}/tags", operation_id="edit_asset_tags",
              **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def edit_asset_tags(asset_id: str, edit: TagsEdit, state: StateDep,
                          who: CurrentPrincipal) -> dict[str, Any]:  # fmt: skip
    """Set tags (a null clears one); the ISRC is checked as ingest checks it."""
    changes = edit.model_dump(exclude_unset=True, mode="json")
    if not changes:
        raise HTTPException(422, "give at least one tag to set")
    return asset_view(await _run(_desk(state).edit_tags, asset_id, changes, who.who))


@router.patch("/assets/{asset_id}/cues", operation_id="edit_asset_cues",
              **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def edit_asset_cues(asset_id: str, edit: CuesEdit, state: StateDep,
                          who: CurrentPrincipal) -> dict[str, Any]:  # fmt: skip
    """Move cue points: in, intro end, segue, out, in that order, inside the audio."""
    changes = {k: v for k, v in edit.model_dump(exclude_unset=True).items() if v is not None}
    if not changes:
        raise HTTPException(422, "give at least one cue point to move")
    return asset_view(await _run(_desk(state).edit_cues, asset_id, changes, who.who))


@router.put("/assets/{asset_id}/rights", operation_id="replace_asset_rights",
            **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def replace_asset_rights(asset_id: str, edit: RightsEdit, state: StateDep,
                               who: CurrentPrincipal) -> dict[str, Any]:  # fmt: skip
    """Replace the asset's deals: territories, window and uses."""
    deals = []
    for n, deal in enumerate(edit.deals):
        terms = deal.model_dump()
        terms["territories"] = [t.upper() for t in terms["territories"]]
        try:
            deals.append(UsageRights.model_validate(terms))
        except ValueError as exc:
            msg = str(exc).splitlines()[-1].strip() if str(exc) else "invalid deal"
            loc = ["body", "deals", n]
            raise Problem(422, f"deals.{n}: {msg}"[:300], errors=[
                {"loc": loc, "type": "invalid_deal", "msg": msg[:200]}]) from None  # fmt: skip
    return asset_view(await _run(_desk(state).edit_rights, asset_id, deals, who.who))


@router.delete("/assets/{asset_id}", operation_id="delete_asset", status_code=204,
               **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def delete_asset(asset_id: str, state: StateDep, who: CurrentPrincipal) -> Response:
    """Remove an asset, unless the schedule airs it in the next 48 hours (409 naming the items)."""
    await _run(_desk(state).remove, asset_id, who.who)
    return Response(status_code=204)


@router.get("/assets/{asset_id}/waveform", operation_id="read_asset_waveform",
            response_class=Response, **requires(Role.VIEWER))  # fmt: skip
async def read_asset_waveform(asset_id: str, state: StateDep) -> Response:
    """The waveform peaks ingest computed, in audiowaveform's JSON (version 2: 8-bit min and
    max pairs per channel, 100 a second), which peaks.js reads as it is."""
    peaks = await _run(_desk(state).waveform, asset_id)
    return Response(peaks, media_type="application/json")


@router.get("/assets/{asset_id}/preview", operation_id="preview_asset",
            response_class=Response, **requires(Role.VIEWER))  # fmt: skip
async def preview_asset(
    asset_id: str,
    state: StateDep,
    seconds: Annotated[float, Query(gt=0, le=30)] = 15,
    start_s: Annotated[float | None, Query(ge=0)] = None,
) -> Response:
    """An MP3 of up to 30 seconds of the asset, from its cue-in unless ``start_s`` says."""
    clip = await _run(_desk(state).preview, asset_id, seconds, start_s)
    return Response(clip, media_type="audio/mpeg")
