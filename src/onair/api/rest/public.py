"""The public now-playing for websites: ``GET /api/v1/public/now-playing``, no credential.

A page anywhere may read it (CORS open to every origin, no cookies): the title
and artist on the air, when it started and when the next item is due, that
next item, and per mount of the built-in stream how far behind the server a
listener hears (``audio_delay_ms``), so a page switches its display at
``started_at + audio_delay_ms`` instead of seconds before the listener hears
the change. Nothing else of the station is in it: no ids, no schedule, no
state beyond whether it is on the air.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from onair.api.auth import requires
from onair.api.rest.on_air import air_now
from onair.api.state import StateDep
from onair.api.stores import StoresDep

__all__ = ["PublicNext", "PublicNowPlaying", "router"]

router = APIRouter(prefix="/public", tags=["public"])

_CORS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache",
         "Vary": "Origin"}  # fmt: skip


class PublicNext(BaseModel):
    title: str | None
    artist: str | None
    starts_at: datetime | None  # the schedule's time; None for an operator's insert


class PublicNowPlaying(BaseModel):
    on_air: bool
    title: str | None
    artist: str | None
    started_at: datetime | None
    ends_at: datetime | None
    next: PublicNext | None
    audio_delay_ms: dict[str, int]  # per mount (stream.mp3, ...): a listener's lag


@router.get("/now-playing", operation_id="read_public_now_playing", **requires(None))
async def read_public_now_playing(stores: StoresDep, state: StateDep,
                                  response: Response) -> PublicNowPlaying:  # fmt: skip
    """What a listener hears now and next, for a website; open to any origin."""
    response.headers.update(_CORS)
    air = await run_in_threadpool(air_now, stores, 1)
    now = air.now
    after = air.next[0] if air.next else None
    return PublicNowPlaying(
        on_air=now is not None,
        title=now.title if now else None, artist=now.artist if now else None,
        started_at=now.started_at if now else None, ends_at=now.ends_at if now else None,
        next=PublicNext(title=after.title, artist=after.artist, starts_at=after.starts_at)
        if after and now else None,
        audio_delay_ms=dict(state.audio_delay_ms),
    )  # fmt: skip


@router.options("/now-playing", operation_id="allow_public_now_playing", status_code=204,
                **requires(None))  # fmt: skip
async def allow_public_now_playing(response: Response) -> None:
    """A browser's preflight: any origin may GET it, with no credentials."""
    response.headers.update(_CORS | {"Access-Control-Allow-Methods": "GET",
                                     "Access-Control-Max-Age": "86400"})  # fmt: skip
