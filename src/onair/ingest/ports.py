"""What ingest needs from the rest of the station: a library to write and a store for audio.

Bootstrap hands in the real adapters (``storage.repositories.library.SqlLibrary``
and an ``ObjectStore``); ingest never imports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from onair.domain.library import FileRecord, FileStamp, LibraryAsset, Reject

__all__ = [
    "AudioStore",
    "CatalogFacts",
    "Library",
    "Near",
    "NearestIndex",
    "SearchText",
    "TextEmbedder",
    "TextIndex",
]


class CatalogFacts(Protocol):
    """What a catalog row says for scheduling beyond the tags (a ``CatalogEntry`` or its like).

    None leaves what the library holds as it was.
    """

    @property
    def duration_s(self) -> float | None:
        """The recording's length; the analysis of its audio wins once ingested."""

    @property
    def energy(self) -> float | None: ...

    @property
    def category(self) -> str | None:
        """The station's rotation category."""


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

    def save_many(
        self, assets: Sequence[LibraryAsset], catalog: Mapping[str, CatalogFacts] | None = None
    ) -> None:
        """Write the assets in one transaction, with ``catalog`` facts by asset id."""

    def reject(self, station: str, reject: Reject, stamp: FileStamp | None = None) -> None: ...

    def reject_many(self, station: str, rejects: Sequence[Reject]) -> None: ...

    def stale_for_index(
        self, station: str, limit: int = 500, after_id: str | None = None
    ) -> list[LibraryAsset]:
        """Assets changed since they were last indexed for search, by id."""

    def mark_indexed(
        self,
        station: str,
        semantic_tags: Mapping[str, Sequence[str]],
        as_of: Mapping[str, datetime | None] | None = None,
    ) -> None:
        """Record the assets as indexed as they were saved at ``as_of``, with their tags."""


class AudioStore(Protocol):
    """Objects by key: masters under their SHA-256, waveform peaks beside them."""

    def exists(self, key: str) -> bool: ...

    def put(self, key: str, source: BinaryIO, *, content_type: str = ...) -> object: ...

    def put_file(self, key: str, path: Path, *, content_type: str = ...) -> object: ...

    def delete(self, key: str) -> None: ...


class TextEmbedder(Protocol):
    """Turns text into unit vectors whose dot product is their likeness in meaning."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class Near(Protocol):
    @property
    def item_id(self) -> str: ...

    @property
    def distance(self) -> float:
        """Cosine distance: 0 the same direction, 2 the opposite."""


class NearestIndex(Protocol):
    """Nearest neighbours by cosine distance, filtered on station and kind."""

    def upsert_many(
        self, items: Sequence[tuple[str, Sequence[float], Mapping[str, str | int | float | bool]]]
    ) -> None: ...

    def nearest(
        self, vector: Sequence[float], k: int = 10, where: Mapping[str, str] | None = None
    ) -> Sequence[Near]: ...


@dataclass(frozen=True)
class SearchText:
    """What the full-text index reads about one asset."""

    asset_id: str
    station: str
    kind: str
    text: str


class TextIndex(Protocol):
    """Full-text match of operator queries (any word), best first with a positive score."""

    def put_many(self, rows: Sequence[SearchText]) -> None: ...

    def match(
        self, station: str, query: str, k: int = 50, kind: str | None = None
    ) -> list[tuple[str, float]]: ...
