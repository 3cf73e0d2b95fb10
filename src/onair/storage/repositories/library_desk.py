"""The library as operators work it: filtered pages, edits and removals, each ledgered.

An edit or a removal is written in the ledger's transaction for its operator
action (``SqlLedger.recorded``): the change and who made it commit together,
or neither does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from onair.domain.ledger import EntryDraft
from onair.domain.library import (
    AlreadyInLibrary,
    AssetQuery,
    FileStamp,
    LibraryAsset,
    Reject,
    RejectKind,
    artist_key,
)
from onair.storage.repositories.assets import AssetNotFound
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.repositories.library import SqlLibrary, _clear_reject, _stamp
from onair.storage.tables import Asset, AssetArtist, IngestFile, IngestReject, ScheduleItemRow

__all__ = ["LedgeredIngest", "SqlLibraryDesk"]


class SqlLibraryDesk:
    """Operators' reads and changes of the library, over ``engine`` and its ledger."""

    def __init__(self, engine: Engine, ledger: SqlLedger) -> None:
        self.engine = engine
        self.ledger = ledger
        self.library = SqlLibrary(engine)

    def find(self, asset_id: str) -> LibraryAsset | None:
        try:
            return self.library.get(asset_id)
        except AssetNotFound:
            return None

    def browse(self, station: str, query: AssetQuery, after_id: str | None,
               limit: int) -> list[LibraryAsset]:  # fmt: skip
        """The assets ``query`` finds, by id (oldest first), after ``after_id``."""
        select = sa.select(Asset).where(Asset.station_id == station)
        if query.kind is not None:
            select = select.where(Asset.kind == query.kind.value)
        if query.category is not None:
            select = select.where(Asset.category == query.category)
        if query.artist:
            credited = sa.select(AssetArtist.asset_id).where(
                AssetArtist.artist_key == artist_key(query.artist)
            )
            select = select.where(Asset.id.in_(credited))
        if query.text:
            pattern = "%" + _escaped(query.text.casefold()) + "%"
            select = select.where(sa.or_(*(
                sa.func.lower(column).like(pattern, escape="\\")
                for column in (Asset.title, Asset.artist, Asset.album)
            )))  # fmt: skip
        if after_id is not None:
            select = select.where(Asset.id > after_id)
        with Session(self.engine) as session:
            rows = list(session.scalars(select.order_by(Asset.id).limit(limit)))
            return self.library._assemble(session, rows)

    def rejects(self, station: str, after: str | None, limit: int) -> list[Reject]:
        """What the library refused, by source name, after ``after``."""
        select = sa.select(IngestReject).where(IngestReject.station_id == station)
        if after is not None:
            select = select.where(IngestReject.source > after)
        with Session(self.engine) as session:
            rows = session.scalars(select.order_by(IngestReject.source).limit(limit))
            return [Reject(r.source, r.reason, RejectKind(r.kind), r.duplicate_of, r.rejected_at)
                    for r in rows]  # fmt: skip

    def scheduled(self, station: str, asset_id: str, start: datetime,
                  end: datetime) -> list[tuple[str, datetime]]:  # fmt: skip
        """``(item id, start)`` of the schedule items that air ``asset_id`` in ``[start, end)``."""
        s = ScheduleItemRow
        select = (
            sa.select(s.id, s.starts_at)
            .where(s.station_id == station, s.asset_id == asset_id,
                   s.starts_at >= start, s.starts_at < end)
            .order_by(s.starts_at)
        )  # fmt: skip
        with self.engine.connect() as conn:
            return [(row[0], row[1]) for row in conn.execute(select)]

    def save(self, asset: LibraryAsset, action: EntryDraft) -> None:
        """Write the edited asset whole, with ``action`` in the same transaction."""
        with self.ledger.recorded(action) as recording:
            self.library._write(recording.conn, [asset])

    def remove(self, asset_id: str, action: EntryDraft) -> None:
        """Remove the asset (its analysis, artists and rights with it) and the record of the
        file it came from, so the same file can be ingested again."""
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            conn.execute(sa.delete(Asset).where(Asset.id == asset_id))
            conn.execute(sa.delete(IngestFile).where(IngestFile.asset_id == asset_id))

    def sha256_used(self, sha256: str) -> bool:
        """Whether any asset of any station still has this audio (its master is shared)."""
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(Asset.id).where(Asset.sha256 == sha256).limit(1))
            return found.first() is not None


class LedgeredIngest(SqlLibrary):
    """The library ingest writes to, each asset it stores with the operator action
    ``action(asset)`` in the same transaction (an upload through the API)."""

    def __init__(self, engine: Engine, ledger: SqlLedger,
                 action: Callable[[LibraryAsset], EntryDraft]) -> None:  # fmt: skip
        super().__init__(engine)
        self.ledger = ledger
        self.action = action

    def save(self, asset: LibraryAsset, stamp: FileStamp | None = None) -> None:
        try:
            with self.ledger.recorded(self.action(asset)) as recording:
                self._write(recording.conn, [asset])
                if stamp is not None:
                    _stamp(recording.conn, asset.station, stamp, "ingested", asset.id)
                    _clear_reject(recording.conn, asset.station, stamp.path)
        except IntegrityError:
            same = asset.sha256 and self.with_sha256(asset.station, asset.sha256)
            if not same:
                raise
            raise AlreadyInLibrary(f"audio already in the library as {same}", same) from None


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
