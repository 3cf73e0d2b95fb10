"""Audio uploads: a multipart file straight into ingest, and the job to follow it by."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import Problem
from onair.api.state import StateDep
from onair.domain.access import Role
from onair.domain.library import AssetKind
from onair.ingest.uploads import JobStatus, NoSuchUpload, UploadJob, Uploads

__all__ = ["router"]

router = APIRouter(tags=["assets"])
_CHUNK = 1 << 20


class UploadView(BaseModel):
    id: str
    file_name: str
    status: str = Field(
        description="receiving, ingesting; then ingested, duplicate, rejected "
        "(not audio, truncated...: see reason) or failed."
    )
    done: bool
    bytes_received: int
    asset_id: str | None = Field(
        description="The asset made (or, for a duplicate, the one the library has)."
    )
    reason: str | None
    who: str
    created_at: str
    finished_at: str | None
    url: str


def _uploads(state: Any) -> Uploads:
    if state.uploads is None:
        raise HTTPException(503, "this process takes no uploads")
    found: Uploads = state.uploads
    return found


def _view(job: UploadJob, request: Request) -> UploadView:
    return UploadView(
        id=job.id, file_name=job.file_name, status=job.status.value, done=job.done,
        bytes_received=job.bytes_received, asset_id=job.asset_id, reason=job.reason,
        who=job.who, created_at=job.created_at.isoformat(),
        finished_at=job.finished_at.isoformat() if job.finished_at else None,
        url=str(request.url_for("read_upload", upload_id=job.id).path),
    )  # fmt: skip


def _copy(source: BinaryIO, job: UploadJob) -> int:
    assert job.path is not None
    size = 0
    with job.path.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            sink.write(chunk)
            size += len(chunk)
    return size


@router.post("/uploads", operation_id="upload_asset", status_code=201,
             **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def upload_asset(
    file: UploadFile,
    request: Request,
    response: Response,
    state: StateDep,
    who: CurrentPrincipal,
    kind: Annotated[AssetKind | None, Form(description="Default: from the file's name.")] = None,
    wait_s: Annotated[
        float, Query(ge=0, le=120, description="How long to wait for the ingest before answering.")
    ] = 30,
) -> UploadView:
    """An audio file (multipart ``file``) into the library as ``onair ingest`` takes one.

    201 once ingested (or 200 when the library has the recording already); 422
    naming why when ingest refuses it (not audio, truncated, unreadable), with
    nothing of it kept; 202 while ingest goes on past ``wait_s``: poll the job's
    ``url`` until ``done``.
    """
    uploads = _uploads(state)
    job = uploads.start(file.filename or "upload", who.who, kind)
    try:
        size = await run_in_threadpool(_copy, file.file, job)
    except OSError as exc:
        uploads.abandon(job, f"the file could not be kept: {exc}")
        raise HTTPException(507, f"the file could not be kept: {exc}") from None
    if size == 0:
        uploads.abandon(job, "the file is empty")
        raise HTTPException(422, "file: the file is empty")
    job = uploads.received(job, size)
    task = uploads.ingest_soon(job)
    try:
        job = await asyncio.wait_for(asyncio.shield(task), timeout=wait_s)
    except TimeoutError:
        response.status_code = 202
    view = _view(job, request)
    response.headers["Location"] = view.url
    if job.status is JobStatus.REJECTED:
        raise Problem(422, f"file: the library refused it: {job.reason}", upload=view.model_dump())
    if job.status is JobStatus.FAILED:
        raise Problem(503, f"the upload could not be ingested: {job.reason}",
                      upload=view.model_dump())  # fmt: skip
    if job.status is JobStatus.DUPLICATE:
        response.status_code = 200
    return view


@router.get("/uploads/{upload_id}", operation_id="read_upload", **requires(Role.VIEWER))
async def read_upload(upload_id: str, request: Request, state: StateDep) -> UploadView:
    """Where an upload is: ingesting, or how it ended (the asset, or why it was refused)."""
    try:
        return _view(_uploads(state).job(upload_id), request)
    except NoSuchUpload as exc:
        raise HTTPException(404, str(exc)) from None
