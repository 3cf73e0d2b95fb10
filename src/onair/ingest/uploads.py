"""Audio files sent to the station (through the API) and taken into the library as
``onair ingest`` takes them, each upload a job an operator can follow.

A file arrives in its own folder under the uploads folder, is ingested from
there, and the folder goes when the job ends, ingested or refused: what stays
is the asset and its master and waveform in the object store, or the refusal
with its reason (as for any file ingest refuses). Jobs live in the process's
memory: a restart forgets them, never an asset.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ulid import ULID

from onair.domain.errors import DomainError
from onair.domain.library import AssetKind
from onair.ingest.intake import Outcome

__all__ = ["JobStatus", "NoSuchUpload", "UploadJob", "Uploads"]

_KEPT_JOBS = 1000  # the newest, for polling; older ones are forgotten
_UNSAFE = re.compile(r"[^\w.\- ]+")

# Ingests one file as ``who`` (the asset's operator action names them); its outcome.
IngestFile = Callable[[Path, AssetKind | None, str], Awaitable[Outcome]]


class NoSuchUpload(DomainError):
    """No upload job of that id (or one forgotten since)."""


class JobStatus(StrEnum):
    RECEIVING = "receiving"  # the file is arriving
    INGESTING = "ingesting"  # examined, measured, stored
    INGESTED = "ingested"
    DUPLICATE = "duplicate"  # the library has this recording already (asset_id)
    REJECTED = "rejected"  # not audio, truncated, unreadable: the reason says
    FAILED = "failed"  # the station could not finish it (the reason says); try again


@dataclass(frozen=True)
class UploadJob:
    id: str
    file_name: str
    who: str
    kind: AssetKind | None
    created_at: datetime
    status: JobStatus = JobStatus.RECEIVING
    bytes_received: int = 0
    asset_id: str | None = None
    reason: str | None = None
    finished_at: datetime | None = None
    path: Path | None = field(default=None, repr=False)

    @property
    def done(self) -> bool:
        return self.status not in (JobStatus.RECEIVING, JobStatus.INGESTING)


class Uploads:
    """Upload jobs of one process; ``folder`` holds the files while they are ingested."""

    def __init__(self, folder: Path, ingest: IngestFile, now: Callable[[], datetime]) -> None:
        self.folder = folder
        self._ingest = ingest
        self.now = now
        self._jobs: dict[str, UploadJob] = {}
        self._running: set[asyncio.Task[UploadJob]] = set()

    def start(self, file_name: str, who: str, kind: AssetKind | None) -> UploadJob:
        """A new job and the path its file is to be written to (``job.path``)."""
        job_id = str(ULID())
        name = _UNSAFE.sub("_", Path(file_name or "upload").name).strip(" .") or "upload"
        path = self.folder / job_id / name[-200:]
        path.parent.mkdir(parents=True, exist_ok=True)
        job = UploadJob(job_id, name, who, kind, self.now(), path=path)
        self._keep(job)
        return job

    def received(self, job: UploadJob, size: int) -> UploadJob:
        return self._keep(replace(job, status=JobStatus.INGESTING, bytes_received=size))

    def abandon(self, job: UploadJob, reason: str) -> UploadJob:
        """The file never arrived whole: nothing of it stays."""
        self._clear(job)
        return self._keep(replace(job, status=JobStatus.FAILED, reason=reason,
                                  finished_at=self.now()))  # fmt: skip

    def ingest_soon(self, job: UploadJob) -> asyncio.Task[UploadJob]:
        """Ingest the job's file on the running loop, beside the request that sent it."""
        task = asyncio.create_task(self.ingest(job), name=f"upload-{job.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def ingest(self, job: UploadJob) -> UploadJob:
        """Ingest the job's file; the job as it ended. The file's folder goes either way."""
        assert job.path is not None
        try:
            outcome = await self._ingest(job.path, job.kind, job.who)
            status = {"ingested": JobStatus.INGESTED, "unchanged": JobStatus.DUPLICATE,
                      "duplicate": JobStatus.DUPLICATE}.get(outcome.status.value,
                                                             JobStatus.REJECTED)  # fmt: skip
            ended = replace(job, status=status, asset_id=outcome.asset_id,
                            reason=outcome.reason, finished_at=self.now())  # fmt: skip
        except Exception as exc:  # the station's fault, not the file's: said, and kept going
            ended = replace(job, status=JobStatus.FAILED, reason=str(exc)[:500],
                            finished_at=self.now())  # fmt: skip
        finally:
            self._clear(job)
        return self._keep(ended)

    def job(self, job_id: str) -> UploadJob:
        found = self._jobs.get(job_id)
        if found is None:
            raise NoSuchUpload(f"no upload {job_id!r} (jobs are kept until the process restarts)")
        return found

    def _keep(self, job: UploadJob) -> UploadJob:
        self._jobs[job.id] = job
        while len(self._jobs) > _KEPT_JOBS:
            oldest = next(iter(self._jobs))
            if not self._jobs[oldest].done:
                break
            del self._jobs[oldest]
        return job

    def _clear(self, job: UploadJob) -> None:
        if job.path is not None:
            shutil.rmtree(job.path.parent, ignore_errors=True)
