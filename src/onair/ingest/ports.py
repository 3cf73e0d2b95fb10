"""What ingest needs from the rest of the station: a library to write and a store for audio.

Bootstrap hands in the real adapters (``storage.repositories.library.SqlLibrary``
and an ``ObjectStore``); ingest never imports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

from onair.domain.library import FileRecord, FileStamp, LibraryAsset, Reject

__all__ = ["AudioStore", "Library"]


class Library(Protocol):
    """The station's assets, one transaction per call."""

    def file_record(self, station: str, path: str) -> FileRecord | None: ...

    def file_records(self, station: str, paths: Sequence[str]) -> dict[str, FileRecord]: ...

    def with_sha256(self, station: str, sha256: str) -> str | None: ...

    def fingerprints_near(
        self, station: str, duration_s: float, within_s: float
    ) -> list[tuple[str, str]]: ...

    def awaiting_audio(self, station: str, isrc: str | None, file_name: str) -> str | None: ...

    def ids_by_isrc(self, station: str, isrcs: Iterable[str]) -> dict[str, str]: ...

    def get(self, asset_id: str) -> LibraryAsset: ...

    def get_many(self, asset_ids: Sequence[str]) -> list[LibraryAsset]: ...

    def save(self, asset: LibraryAsset, stamp: FileStamp | None = None) -> None:
        """Write the asset whole; raises ``AlreadyInLibrary`` for audio already there."""

    def save_many(self, assets: Sequence[LibraryAsset]) -> None: ...

    def reject(self, station: str, reject: Reject, stamp: FileStamp | None = None) -> None: ...

    def reject_many(self, station: str, rejects: Sequence[Reject]) -> None: ...


class AudioStore(Protocol):
    """Objects by key: masters under their SHA-256, waveform peaks beside them."""

    def exists(self, key: str) -> bool: ...

    def put(self, key: str, source: BinaryIO, *, content_type: str = ...) -> object: ...

    def put_file(self, key: str, path: Path, *, content_type: str = ...) -> object: ...

    def delete(self, key: str) -> None: ...
