"""The agents' segments for review: an hour's scripts with their audio, one made again,
approved or rejected, or replaced by a human recording (a voice track)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from onair.agents.segment_desk import NoSuchSegment, SegmentDesk, SegmentRefused
from onair.agents.voices.ffmpeg_speech import UnreadableRecording
from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import refused
from onair.api.state import StateDep
from onair.domain.access import Role
from onair.domain.errors import DomainError
from onair.domain.segments import Segment
from onair.storage.errors import StorageError

__all__ = ["router"]

router = APIRouter(tags=["agents"])
T = TypeVar("T")


class SegmentView(BaseModel):
    segment_id: str
    schedule_item_id: str
    hour: str
    kind: str
    status: str = Field(description="ready (voiced), fallback (a liner stands in), dropped.")
    language: str
    generator: str = Field(description="rules, llm:MODEL, imaging, or human:WHO (a recording).")
    script: str
    planned_s: float
    estimated_s: float
    duration_s: float
    post_s: float | None
    tempo: float
    attempts: int
    asset_id: str | None = Field(description="What playout airs for the item; null: nothing.")
    reason: str | None = Field(description="Why it fell back or was dropped; who reviewed it.")
    audio_url: str | None = Field(description="The voiced audio (FLAC); null without one.")


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=500)


def _desk(state: Any) -> SegmentDesk:
    if state.segments is None:
        raise HTTPException(503, "this process has no segments to review")
    desk: SegmentDesk = state.segments
    return desk


def _view(segment: Segment, request: Request) -> SegmentView:
    audio = None
    if segment.master_key is not None:
        audio = str(request.url_for("read_segment_audio", segment_id=segment.id).path)
    return SegmentView.model_validate(segment.record() | {"audio_url": audio})


# StorageError: the object store lost the audio, or is away.
_STATUS: dict[type[Exception], int] = {
    NoSuchSegment: 404, SegmentRefused: 409, UnreadableRecording: 415, DomainError: 422,
    StorageError: 503,
}  # fmt: skip


async def _run(call: Callable[..., T], *args: Any) -> T:
    try:
        return await run_in_threadpool(call, *args)
    except tuple(_STATUS) as exc:
        raise refused(exc, _STATUS) from None


@router.get("/segments", operation_id="list_segments", **requires(Role.VIEWER))
async def list_segments(
    request: Request,
    state: StateDep,
    hour: Annotated[
        datetime,
        Query(
            description="Any time in the hour; without an offset, "
            "station time (e.g. 2027-02-01T14:00)."
        ),
    ],
) -> list[SegmentView]:
    """An hour's segments, the newest of each schedule item, with script and audio URL."""
    found = await _run(_desk(state).hour, hour)
    return [_view(s, request) for s in found]


@router.get("/segments/{segment_id}", operation_id="read_segment", **requires(Role.VIEWER))
async def read_segment(segment_id: str, request: Request, state: StateDep) -> SegmentView:
    return _view(await _run(_desk(state).segment, segment_id), request)


@router.get("/segments/{segment_id}/audio", operation_id="read_segment_audio",
            response_class=StreamingResponse, **requires(Role.VIEWER))  # fmt: skip
async def read_segment_audio(segment_id: str, state: StateDep) -> StreamingResponse:
    """The segment's voiced audio, FLAC at 48 kHz, as playout airs it."""
    opened = await _run(_desk(state).audio, segment_id)
    source = await _run(opened.__enter__)  # opened before the answer starts: a 503 if gone

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := source.read(1 << 16):
                yield chunk
        finally:
            opened.__exit__(None, None, None)

    return StreamingResponse(chunks(), media_type="audio/flac")


@router.post("/segments/{segment_id}/regenerate", operation_id="regenerate_segment",
             **requires(Role.VOICE))  # fmt: skip
async def regenerate_segment(segment_id: str, request: Request, state: StateDep,
                             who: CurrentPrincipal) -> SegmentView:  # fmt: skip
    """Write and voice the item's segment again; the new one airs in its place."""
    return _view(await _run(_desk(state).regenerate, segment_id, who.who), request)


@router.post("/segments/{segment_id}/approve", operation_id="approve_segment",
             **requires(Role.VOICE))  # fmt: skip
async def approve_segment(segment_id: str, request: Request, state: StateDep,
                          who: CurrentPrincipal) -> SegmentView:  # fmt: skip
    """Approve a segment to air; an older take (one rejected) is put back on the air."""
    return _view(await _run(_desk(state).approve, segment_id, who.who), request)


@router.post("/segments/{segment_id}/reject", operation_id="reject_segment",
             **requires(Role.VOICE))  # fmt: skip
async def reject_segment(segment_id: str, rejection: Rejection, request: Request,
                         state: StateDep, who: CurrentPrincipal) -> SegmentView:  # fmt: skip
    """Keep a segment off the air: nothing airs for its item, and playout times around it."""
    desk = _desk(state)
    return _view(await _run(desk.reject, segment_id, who.who, rejection.note), request)


@router.put("/segments/{segment_id}/recording", operation_id="record_segment",
            **requires(Role.VOICE))  # fmt: skip
async def record_segment(segment_id: str, file: UploadFile, request: Request, state: StateDep,
                         who: CurrentPrincipal) -> SegmentView:  # fmt: skip
    """A human recording (any audio ffmpeg reads) airs in the segment's place, brought to the
    station's voice loudness; 415 when it is not audio."""
    desk = _desk(state)
    with tempfile.NamedTemporaryFile(prefix="onair-recording-") as kept:
        await run_in_threadpool(shutil.copyfileobj, file.file, kept, 1 << 20)
        kept.flush()
        return _view(await _run(desk.record, segment_id, who.who, kept.name), request)
