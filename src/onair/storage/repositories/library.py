"""The library's assets with their tags, analysis, credited artists and rights.

Each call is its own transaction on ``engine``: an asset is written whole (its
row, analysis, artists and rights) or not at all, and the file it came from is
recorded in the same transaction, so a rerun after a crash redoes exactly the
files whose assets are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from onair.domain.library import (
    AlreadyInLibrary,
    AssetKind,
    FileRecord,
    FileStamp,
    LibraryAsset,
    Reject,
    RejectKind,
    artist_key,
)
from onair.domain.rights import UsageRights
from onair.storage.repositories.assets import AssetNotFound
from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.repositories.library_rows import (
    KEPT_WHEN_NONE,
    CatalogFacts,
    analysis_row,
    asset_of,
    asset_row,
    credited,
    rights_of,
    rights_row,
)
from onair.storage.tables import (
    Asset,
    AssetAnalysis,
    AssetArtist,
    AssetRight,
    Base,
    IngestFile,
    IngestReject,
    UtcDateTime,
    utc_now,
)

__all__ = ["SqlLibrary"]

_CHUNK = 2000  # rows per statement batch: bounded memory, few round trips

# An asset read whole: four selects by id, built once with parameters (building each
# costs more than running it for the twenty assets of an hour).
_IDS: sa.BindParameter[list[str]] = sa.bindparam("ids", expanding=True)
_ASSETS = sa.select(Asset).where(Asset.id.in_(_IDS))
_ANALYSES = sa.select(AssetAnalysis).where(AssetAnalysis.asset_id.in_(_IDS))
_RIGHTS = sa.select(AssetRight).where(AssetRight.asset_id.in_(_IDS)).order_by(AssetRight.id)
_ARTISTS = (
    sa.select(AssetArtist)
    .where(AssetArtist.asset_id.in_(_IDS))
    .order_by(AssetArtist.asset_id, AssetArtist.position)
)


class SqlLibrary:
    """The ``Library`` the ingest service writes to, on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- what is already there -------------------------------------------------

    def file_record(self, station: str, path: str) -> FileRecord | None:
        """What an earlier run made of the file at ``path``, if any."""
        with Session(self.engine) as session:
            row = session.get(IngestFile, (station, path))
        if row is None:
            return None
        return FileRecord(FileStamp(path, row.size, row.mtime_ns), row.outcome, row.asset_id)

    def file_records(self, station: str, paths: Sequence[str]) -> dict[str, FileRecord]:
        """:meth:`file_record` for many files at once (resuming 10,000 files)."""
        found: dict[str, FileRecord] = {}
        with Session(self.engine) as session:
            for start in range(0, len(paths), _CHUNK):
                query = sa.select(IngestFile).where(
                    IngestFile.station_id == station,
                    IngestFile.path.in_(paths[start : start + _CHUNK]),
                )
                for row in session.scalars(query):
                    stamp = FileStamp(row.path, row.size, row.mtime_ns)
                    found[row.path] = FileRecord(stamp, row.outcome, row.asset_id)
        return found

    def with_sha256(self, station: str, sha256: str) -> str | None:
        query = sa.select(Asset.id).where(Asset.station_id == station, Asset.sha256 == sha256)
        with Session(self.engine) as session:
            return session.scalars(query).first()

    def fingerprints_near(
        self, station: str, duration_s: float, within_s: float
    ) -> list[tuple[str, str]]:
        """``(asset id, fingerprint)`` of recordings about as long as ``duration_s``."""
        query = (
            sa.select(Asset.id, AssetAnalysis.fingerprint)
            .join(AssetAnalysis, AssetAnalysis.asset_id == Asset.id)
            .where(
                Asset.station_id == station,
                Asset.duration_s.between(duration_s - within_s, duration_s + within_s),
            )
        )
        with Session(self.engine) as session:
            return [(row[0], row[1]) for row in session.execute(query)]

    def awaiting_audio(self, station: str, isrc: str | None, file_name: str) -> str | None:
        """A catalog entry with no audio yet that this file completes (by ISRC, then name)."""
        waiting = sa.select(Asset.id).where(Asset.station_id == station, Asset.sha256.is_(None))
        with Session(self.engine) as session:
            if isrc:
                found = session.scalars(waiting.where(Asset.isrc == isrc)).first()
                if found:
                    return found
            return session.scalars(waiting.where(Asset.source_name == file_name)).first()

    def ids_by_isrc(self, station: str, isrcs: Iterable[str]) -> dict[str, str]:
        """Existing assets for these ISRCs (the first one where several share one)."""
        found: dict[str, str] = {}
        wanted = sorted(set(isrcs))
        with Session(self.engine) as session:
            for start in range(0, len(wanted), _CHUNK):
                query = sa.select(Asset.isrc, Asset.id).where(
                    Asset.station_id == station, Asset.isrc.in_(wanted[start : start + _CHUNK])
                )
                for isrc, asset_id in session.execute(query.order_by(Asset.id)):
                    if isrc is not None:
                        found.setdefault(isrc, asset_id)
        return found

    # -- writing ---------------------------------------------------------------

    def save(self, asset: LibraryAsset, stamp: FileStamp | None = None) -> None:
        """Write the asset whole, replacing what was there under its id.

        Raises :class:`AlreadyInLibrary` when another asset of the station has the
        same audio (SHA-256); nothing is written then.
        """
        try:
            with Session(self.engine) as session, session.begin():
                self._write(session, [asset])
                if stamp is not None:
                    _stamp(session, asset.station, stamp, "ingested", asset.id)
                    _clear_reject(session, asset.station, stamp.path)
        except IntegrityError:
            same = asset.sha256 and self.with_sha256(asset.station, asset.sha256)
            if not same:
                raise
            raise AlreadyInLibrary(f"audio already in the library as {same}", same) from None

    def save_many(
        self, assets: Sequence[LibraryAsset], catalog: Mapping[str, CatalogFacts] | None = None
    ) -> None:
        """Write many assets in one transaction (catalog loads); all or nothing.

        ``catalog`` gives, by asset id, what a catalog row says for scheduling
        (duration, energy, category); a None there keeps the stored value.
        """
        with Session(self.engine) as session, session.begin():
            for start in range(0, len(assets), _CHUNK):
                self._write(session, assets[start : start + _CHUNK], catalog)

    def _write(
        self,
        session: Session | Connection,
        assets: Sequence[LibraryAsset],
        catalog: Mapping[str, CatalogFacts] | None = None,
    ) -> None:
        ids = [a.id for a in assets]
        for table in (AssetAnalysis, AssetArtist, AssetRight):
            session.execute(sa.delete(table).where(table.asset_id.in_(ids)))
        catalog = catalog or {}
        rows = [asset_row(a, catalog.get(a.id)) for a in assets]
        insert = insert_for(session, Asset)
        columns: dict[str, Any] = {
            c: insert.excluded[c] for c in rows[0] if c not in ("id", "created_at")
        }
        for c in KEPT_WHEN_NONE:
            columns[c] = sa.func.coalesce(insert.excluded[c], Asset.__table__.c[c])
        session.execute(insert.on_conflict_do_update(index_elements=[Asset.id], set_=columns), rows)
        analyses = [analysis_row(a.id, a.audio) for a in assets if a.audio is not None]
        if analyses:
            session.execute(sa.insert(AssetAnalysis), analyses)
        artists = [
            {"asset_id": a.id, "position": n, "artist_key": artist_key(name), "name": name}
            for a in assets
            for n, name in enumerate(credited(a.tags))
        ]
        if artists:
            session.execute(sa.insert(AssetArtist), artists)
        rights = [rights_row(a.id, r) for a in assets for r in a.rights]
        if rights:
            session.execute(sa.insert(AssetRight), rights)

    def mark_indexed(
        self,
        station: str,
        semantic_tags: Mapping[str, Sequence[str]],
        as_of: Mapping[str, datetime | None] | None = None,
    ) -> None:
        """Record the assets as indexed for search, with the tags the indexer gave them.

        ``as_of`` gives each asset's ``updated_at`` as the indexer read it (else
        now): an asset saved again while it was being indexed stays stale, so
        the next run indexes what it holds now. ``updated_at`` is left alone:
        this is not an edit of the asset. Ids of other stations and unknown ids
        are ignored.
        """
        now, as_of = utc_now(), as_of or {}
        params = [
            {"b_id": asset_id, "b_tags": list(tags), "b_now": as_of.get(asset_id) or now}
            for asset_id, tags in semantic_tags.items()
        ]
        table = Base.metadata.tables[Asset.__tablename__]
        # Setting updated_at to itself keeps the column's onupdate from firing.
        update = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"), table.c.station_id == station)
            .values(
                semantic_tags=sa.bindparam("b_tags", type_=sa.JSON),
                indexed_at=sa.bindparam("b_now", type_=UtcDateTime),
                updated_at=table.c.updated_at,
            )
        )
        with self.engine.begin() as conn:
            for start in range(0, len(params), _CHUNK):
                conn.execute(update, params[start : start + _CHUNK])

    def reject(self, station: str, reject: Reject, stamp: FileStamp | None = None) -> None:
        """Record (or replace) the reason a file or catalog row was refused."""
        with Session(self.engine) as session, session.begin():
            _upsert_reject(session, station, reject)
            if stamp is not None:
                _stamp(session, station, stamp, reject.kind.value, reject.duplicate_of)

    def reject_many(self, station: str, rejects: Sequence[Reject]) -> None:
        with Session(self.engine) as session, session.begin():
            for reject in rejects:
                _upsert_reject(session, station, reject)

    # -- reading ---------------------------------------------------------------

    def get(self, asset_id: str) -> LibraryAsset:
        """The whole asset, or :class:`AssetNotFound`."""
        with Session(self.engine) as session:
            row = session.get(Asset, asset_id)
            if row is None:
                raise AssetNotFound(f"no asset {asset_id!r}: see 'onair library list'")
            return self._assemble(session, [row])[0]

    def get_many(self, asset_ids: Sequence[str]) -> list[LibraryAsset]:
        """The assets that exist among ``asset_ids``, in no particular order."""
        found: list[LibraryAsset] = []
        with Session(self.engine) as session:
            for start in range(0, len(asset_ids), _CHUNK):
                chunk = asset_ids[start : start + _CHUNK]
                rows = list(session.scalars(_ASSETS, {"ids": list(chunk)}))
                found.extend(self._assemble(session, rows))
        return found

    def page(
        self,
        station: str,
        *,
        kind: AssetKind | None = None,
        after_id: str | None = None,
        limit: int = 100,
    ) -> list[LibraryAsset]:
        """The station's assets oldest first (by ULID); page on with ``after_id``."""
        query = sa.select(Asset).where(Asset.station_id == station)
        if kind is not None:
            query = query.where(Asset.kind == kind.value)
        if after_id is not None:
            query = query.where(Asset.id > after_id)
        with Session(self.engine) as session:
            rows = list(session.scalars(query.order_by(Asset.id).limit(limit)))
            return self._assemble(session, rows)

    def stale_for_index(
        self, station: str, limit: int = 500, after_id: str | None = None
    ) -> list[LibraryAsset]:
        """The station's assets never indexed for search or saved since, by id.

        Page on with ``after_id`` (the last id of the previous page): marking a
        page indexed does not shift the next one.
        """
        query = sa.select(Asset).where(
            Asset.station_id == station,
            sa.or_(Asset.indexed_at.is_(None), Asset.indexed_at < Asset.updated_at),
        )
        if after_id is not None:
            query = query.where(Asset.id > after_id)
        with Session(self.engine) as session:
            rows = list(session.scalars(query.order_by(Asset.id).limit(limit)))
            return self._assemble(session, rows)

    def count(self, station: str) -> int:
        query = sa.select(sa.func.count()).select_from(Asset).where(Asset.station_id == station)
        with Session(self.engine) as session:
            return int(session.scalar(query) or 0)

    def rejects(self, station: str, limit: int = 1000) -> list[Reject]:
        """The latest refusals first."""
        query = (
            sa.select(IngestReject)
            .where(IngestReject.station_id == station)
            .order_by(IngestReject.rejected_at.desc(), IngestReject.source)
            .limit(limit)
        )
        with Session(self.engine) as session:
            return [
                Reject(r.source, r.reason, RejectKind(r.kind), r.duplicate_of, r.rejected_at)
                for r in session.scalars(query)
            ]

    def _assemble(self, session: Session, rows: Sequence[Asset]) -> list[LibraryAsset]:
        ids = {"ids": [r.id for r in rows]}
        analyses = {a.asset_id: a for a in session.scalars(_ANALYSES, ids)}
        rights: dict[str, list[UsageRights]] = {}
        for r in session.scalars(_RIGHTS, ids):
            rights.setdefault(r.asset_id, []).append(rights_of(r))
        artists: dict[str, list[str]] = {}
        for a in session.scalars(_ARTISTS, ids):
            artists.setdefault(a.asset_id, []).append(a.name)
        return [
            asset_of(r, analyses.get(r.id), tuple(rights.get(r.id, ())), artists.get(r.id, []))
            for r in rows
        ]


def _stamp(
    session: Session | Connection,
    station: str,
    stamp: FileStamp,
    outcome: str,
    asset_id: str | None,
) -> None:
    values = {"size": stamp.size, "mtime_ns": stamp.mtime_ns, "outcome": outcome}
    values |= {"asset_id": asset_id, "examined_at": utc_now()}
    insert = insert_for(session, IngestFile).values(station_id=station, path=stamp.path, **values)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[IngestFile.station_id, IngestFile.path], set_=values
        )
    )


def _upsert_reject(session: Session, station: str, reject: Reject) -> None:
    values = {
        "kind": reject.kind.value,
        "reason": reject.reason[:1000],
        "duplicate_of": reject.duplicate_of,
        "rejected_at": reject.at or utc_now(),
    }
    source = reject.source[:2000]
    insert = insert_for(session, IngestReject).values(station_id=station, source=source, **values)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[IngestReject.station_id, IngestReject.source], set_=values
        )
    )


def _clear_reject(session: Session | Connection, station: str, source: str) -> None:
    session.execute(
        sa.delete(IngestReject).where(
            IngestReject.station_id == station, IngestReject.source == source
        )
    )
