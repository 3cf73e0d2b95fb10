"""Taking audio files into the library: examine in workers, then store whole or refuse.

Each file ends as exactly one outcome. Its master and waveform objects are
written before its rows, and removed again if the rows cannot be written, so
there is never a row without its object; the file's stamp is written with its
rows, so an interrupted run resumes with the files that have none.
"""

from __future__ import annotations

import asyncio
import io
import mimetypes
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ulid import ULID

from onair.bus.port import EventBus
from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.library import (
    AlreadyInLibrary,
    FileRecord,
    FileStamp,
    LibraryAsset,
    Reject,
    RejectKind,
    master_key,
    waveform_key,
)
from onair.domain.rights import UsageRights
from onair.domain.tags import TrackTags
from onair.ingest.examine import Examined, IngestOptions, Refused, examine
from onair.ingest.ffmpeg.identity import DUPLICATE_SIMILARITY, similarity
from onair.ingest.ports import AudioStore, Library

__all__ = ["Intake", "Outcome", "Status", "merge_tags"]

_SAME_LENGTH_S = 0.5  # encoder delay and padding differ by far less between encodings
_ALIGN_FRAMES = 8  # ~1 s of fingerprint offset: the same recording lines up at once


class Status(StrEnum):
    INGESTED = "ingested"
    UNCHANGED = "unchanged"  # already in the library from this file
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    path: str
    status: Status
    asset_id: str | None = None
    reason: str | None = None
    title: str | None = None


class Intake:
    """Ingests files for one station; safe to call from many tasks at once."""

    def __init__(
        self,
        station: str,
        library: Library,
        store: AudioStore,
        options: IngestOptions,
        workers: Executor,
        on_outcome: Callable[[Outcome], None] | None = None,
        bus: EventBus | None = None,
    ) -> None:
        self.station = station
        self.library = library
        self.store = store
        self.options = options
        self.workers = workers
        self.on_outcome = on_outcome
        self.bus = bus
        # Deciding "new or duplicate" and writing must not interleave between
        # files, or two copies of one file could both pass the check.
        self._writing = threading.Lock()

    def pending(self, paths: list[str]) -> tuple[list[str], list[Outcome]]:
        """Split ``paths`` into files to examine and files an earlier run finished."""
        records = self.library.file_records(self.station, paths)
        todo, done = [], []
        for path in paths:
            record = records.get(path)
            if record is not None and _unchanged(path, record):
                done.append(Outcome(path, _earlier(record), record.asset_id))
            else:
                todo.append(path)
        return todo, done

    async def ingest(self, path: str) -> Outcome:
        """Examine ``path`` in a worker and store what it yields; one outcome, never raises."""
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.workers, examine, path, self.options)
        outcome = await asyncio.to_thread(self._store, result)
        if self.bus is not None:
            await self.bus.publish(_event(self.station, outcome))
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def _store(self, result: Examined | Refused) -> Outcome:
        stamp = FileStamp(result.path, result.size, result.mtime_ns)
        with self._writing:
            if isinstance(result, Refused):
                return self._refuse(stamp, Reject(result.path, result.reason))
            return self._take(result, stamp)

    def _take(self, examined: Examined, stamp: FileStamp) -> Outcome:
        same = self.library.with_sha256(self.station, examined.sha256)
        if same is not None:
            record = self.library.file_record(self.station, examined.path)
            if record is not None and record.asset_id == same:  # touched, not changed
                return self._restamp(stamp, same)
            return self._duplicate(stamp, same, "the same file")
        twin = self._same_recording(examined)
        if twin is not None:
            asset_id, score = twin
            return self._duplicate(stamp, asset_id, f"the same recording ({score:.0%} alike)")
        asset = self._asset(examined)
        try:
            self._write(asset, examined, stamp)
        except AlreadyInLibrary as exc:  # another ingest worker got there first
            return self._duplicate(stamp, exc.existing_id, "the same file")
        return Outcome(examined.path, Status.INGESTED, asset.id, title=asset.title)

    def _restamp(self, stamp: FileStamp, asset_id: str) -> Outcome:
        self.library.save(self.library.get(asset_id), stamp)
        return Outcome(stamp.path, Status.UNCHANGED, asset_id)

    def _same_recording(self, examined: Examined) -> tuple[str, float] | None:
        near = self.library.fingerprints_near(
            self.station, examined.audio.duration_s, _SAME_LENGTH_S
        )
        best: tuple[str, float] | None = None
        for asset_id, fingerprint in near:
            score = similarity(examined.audio.fingerprint, fingerprint, _ALIGN_FRAMES)
            if score >= DUPLICATE_SIMILARITY and (best is None or score > best[1]):
                best = (asset_id, score)
        return best

    def _asset(self, examined: Examined) -> LibraryAsset:
        """A new asset, or the catalog entry this file is the audio of."""
        name = Path(examined.path).name
        waiting = self.library.awaiting_audio(self.station, examined.tags.isrc, name)
        base = None if waiting is None else self.library.get(waiting)
        return LibraryAsset(
            id=base.id if base else str(ULID()),
            station=self.station,
            kind=base.kind if base and self.options.kind is None else examined.kind,
            tags=merge_tags(base.tags, examined.tags) if base else examined.tags,
            rights=base.rights if base else (UsageRights(),),
            sha256=examined.sha256,
            master_key=master_key(examined.sha256),
            waveform_key=waveform_key(examined.sha256),
            source_name=name,
            audio=examined.audio,
            semantic_tags=base.semantic_tags if base else (),
            created_at=base.created_at if base else None,
        )

    def _write(self, asset: LibraryAsset, examined: Examined, stamp: FileStamp) -> None:
        master, peaks = master_key(examined.sha256), waveform_key(examined.sha256)
        created = []
        try:
            if not self.store.exists(master):
                kind = mimetypes.guess_type(examined.path)[0] or "application/octet-stream"
                self.store.put_file(master, Path(examined.path), content_type=kind)
                created.append(master)
            self.store.put(peaks, io.BytesIO(examined.peaks), content_type="application/json")
            created.append(peaks)
            self.library.save(asset, stamp)
        except AlreadyInLibrary:
            raise  # both objects are named by content: they are the other asset's too
        except BaseException:
            for key in created:  # no object without its row
                self.store.delete(key)
            raise

    def _duplicate(self, stamp: FileStamp, asset_id: str, what: str) -> Outcome:
        reason = f"{Path(stamp.path).name}: {what} as asset {asset_id} is already in the library"
        reject = Reject(stamp.path, reason, RejectKind.DUPLICATE, asset_id)
        self.library.reject(self.station, reject, stamp)
        return Outcome(stamp.path, Status.DUPLICATE, asset_id, reason)

    def _refuse(self, stamp: FileStamp, reject: Reject) -> Outcome:
        self.library.reject(self.station, reject, stamp)
        return Outcome(stamp.path, Status.REJECTED, reason=reject.reason)


def _event(station: str, outcome: Outcome) -> Envelope:
    """``ingest.asset_ingested`` or ``ingest.asset_rejected`` (a duplicate is refused too)."""
    correlation = Correlation(asset_id=outcome.asset_id)
    payload: dict[str, str | None] = {"path": outcome.path, "status": outcome.status.value}
    if outcome.status is Status.INGESTED:
        payload["title"] = outcome.title
        return new_envelope("ingest.asset_ingested", station, payload, correlation=correlation)
    payload["reason"] = outcome.reason
    return new_envelope("ingest.asset_rejected", station, payload, correlation=correlation)


def _unchanged(path: str, record: FileRecord) -> bool:
    try:
        stat = Path(path).stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (record.stamp.size, record.stamp.mtime_ns)


def _earlier(record: FileRecord) -> Status:
    """A file ingested before is unchanged; a refused one stays refused."""
    if record.outcome in (Status.DUPLICATE, Status.REJECTED):
        return Status(record.outcome)
    return Status.UNCHANGED


def merge_tags(catalog: TrackTags, file: TrackTags) -> TrackTags:
    """The catalog's metadata, with the file's tags where the catalog says nothing.

    A label's feed is the authority on its releases; the file keeps its
    original tags and the problems found in them.
    """
    fields = catalog.model_dump(exclude={"original", "problems"})
    for name, value in file.model_dump(exclude={"original", "problems"}).items():
        if fields.get(name) in (None, (), ""):
            fields[name] = value
    # The mark goes with the title: the file's name when the catalog gave none.
    fields["title_is_file_name"] = (catalog if catalog.title else file).title_is_file_name
    return TrackTags(**fields, original=file.original, problems=file.problems)
