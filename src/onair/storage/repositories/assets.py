"""The station's audio assets: songs, jingles, voice links, spots."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from ulid import ULID

from onair.domain.library import AssetKind
from onair.storage.db import StorageError
from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.repositories.stations import require_station
from onair.storage.tables import Asset, utc_now

__all__ = [
    "AssetKind",
    "AssetNotFound",
    "AssetRecord",
    "Assets",
    "DuplicateAsset",
    "InvalidAsset",
]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class AssetNotFound(StorageError, LookupError):
    """No asset with that id."""


class DuplicateAsset(StorageError):
    """The asset id, or the same audio (SHA-256) at the station, is already there."""

    def __init__(self, message: str, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class InvalidAsset(StorageError, ValueError):
    """An asset field the catalogue cannot hold."""


@dataclass(frozen=True)
class AssetRecord:
    id: str
    station_id: str
    kind: AssetKind
    title: str
    sha256: str | None
    artist: str | None
    album: str | None
    duration_s: float | None
    created_at: datetime


def _record(row: Asset) -> AssetRecord:
    return AssetRecord(
        row.id,
        row.station_id,
        AssetKind(row.kind),
        row.title,
        row.sha256,
        row.artist,
        row.album,
        row.duration_s,
        row.created_at,
    )


def _checked(kind: str, title: str, sha256: str | None, duration_s: float | None) -> AssetKind:
    try:
        checked = AssetKind(kind)
    except ValueError:
        raise InvalidAsset(f"kind {kind!r} is not one of {', '.join(AssetKind)}") from None
    if not title.strip():
        raise InvalidAsset("title is empty")
    if sha256 is not None and not _SHA256.match(sha256):
        raise InvalidAsset(f"sha256 {sha256!r} is not 64 lowercase hex digits")
    if duration_s is not None and not duration_s >= 0:
        raise InvalidAsset(f"duration_s {duration_s!r} is not a length of time")
    return checked


class Assets:
    """Assets in the caller's transaction: nothing is committed here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        station_id: str,
        kind: AssetKind | str,
        title: str,
        *,
        sha256: str | None = None,
        artist: str | None = None,
        album: str | None = None,
        duration_s: float | None = None,
        asset_id: str | None = None,
        created_at: datetime | None = None,
    ) -> AssetRecord:
        """Catalogue a new asset, with a fresh ULID unless ``asset_id`` is given.

        Raises :class:`DuplicateAsset` (naming the asset already there) when the
        id is taken or the station already has audio with this SHA-256, and
        ``StationNotFound`` for an unknown station. The transaction stays usable.
        """
        record = AssetRecord(
            id=asset_id or str(ULID()),
            station_id=station_id,
            kind=_checked(str(kind), title, sha256, duration_s),
            title=title,
            sha256=sha256,
            artist=artist,
            album=album,
            duration_s=duration_s,
            created_at=created_at or utc_now(),
        )
        require_station(self.session, station_id)
        # ON CONFLICT DO NOTHING rather than catching IntegrityError: a failed
        # statement would abort the caller's whole transaction on PostgreSQL.
        insert = insert_for(self.session, Asset).values(**asdict(record))
        statement = insert.on_conflict_do_nothing().returning(Asset.id)
        if self.session.execute(statement).first() is None:
            raise self._duplicate(record)
        return record

    def _duplicate(self, record: AssetRecord) -> DuplicateAsset:
        if record.sha256 is not None:
            same = self.find_by_sha256(record.station_id, record.sha256)
            if same is not None:
                return DuplicateAsset(
                    f"station {record.station_id!r} already has this audio (sha256 "
                    f"{record.sha256[:12]}...) as asset {same.id} {same.title!r}",
                    same.id,
                )
        return DuplicateAsset(f"asset id {record.id!r} is taken", record.id)

    def get(self, asset_id: str) -> AssetRecord:
        """The asset, or :class:`AssetNotFound`."""
        row = self.session.get(Asset, asset_id)
        if row is None:
            raise AssetNotFound(f"no asset {asset_id!r}")
        return _record(row)

    def find_by_sha256(self, station_id: str, sha256: str) -> AssetRecord | None:
        """The station's asset with this audio, if it has one."""
        query = sa.select(Asset).where(Asset.station_id == station_id, Asset.sha256 == sha256)
        row = self.session.scalars(query).first()
        return None if row is None else _record(row)

    def for_station(
        self,
        station_id: str,
        *,
        kind: AssetKind | None = None,
        after_id: str | None = None,
        limit: int = 100,
    ) -> list[AssetRecord]:
        """The station's assets oldest first (by ULID); page on with ``after_id``."""
        query = sa.select(Asset).where(Asset.station_id == station_id)
        if kind is not None:
            query = query.where(Asset.kind == kind.value)
        if after_id is not None:
            query = query.where(Asset.id > after_id)
        rows = self.session.scalars(query.order_by(Asset.id).limit(limit))
        return [_record(row) for row in rows]

    def delete(self, asset_id: str) -> None:
        """Remove the asset from the catalogue, or :class:`AssetNotFound`."""
        row = self.session.get(Asset, asset_id)
        if row is None:
            raise AssetNotFound(f"no asset {asset_id!r}")
        self.session.delete(row)
        self.session.flush()
