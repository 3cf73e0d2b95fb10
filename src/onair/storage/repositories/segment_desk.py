"""Agents' segments as operators review them: one by id, and a superseding one with the
operator action that made it, in one transaction.

The audio of a superseding segment (a human recording) is stored first; the row
and the ledger entry then commit together, and if they fail the audio just
stored is deleted again, so no reader finds a record without its audio.
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.ledger import EntryDraft
from onair.domain.segments import Segment
from onair.storage.object_store import ObjectStore
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.repositories.segments import (
    SEGMENT_COLUMNS,
    SqlSegments,
    _insert,
    _row,
    newest_segments,
    segment_of,
)
from onair.storage.tables import AgentSegment

__all__ = ["SqlSegmentDesk"]


class SqlSegmentDesk(SqlSegments):
    """:class:`SqlSegments` with reads by id and ledgered superseding segments."""

    def __init__(self, engine: Engine, objects: ObjectStore, ledger: SqlLedger) -> None:
        super().__init__(engine, objects)
        self.ledger = ledger

    def get(self, segment_id: str) -> Segment | None:
        query = sa.select(*SEGMENT_COLUMNS).where(AgentSegment.id == segment_id)
        with self.engine.connect() as conn:
            row: Any = conn.execute(query).first()
        return None if row is None else segment_of(row)

    def newest(self, station: str, schedule_item_id: str) -> Segment | None:
        ranked = newest_segments(
            AgentSegment.station_id == station, AgentSegment.schedule_item_id == schedule_item_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(ranked).where(ranked.c.rank == 1)).first()
        return None if row is None else segment_of(row)

    def supersede(self, segment: Segment, audio: bytes | None, action: EntryDraft) -> None:
        """Store ``segment`` (and its FLAC ``audio``) over the item's earlier ones, with
        ``action`` in the row's transaction."""
        if audio is not None and segment.master_key is not None:
            self.objects.put(segment.master_key, io.BytesIO(audio), content_type="audio/flac")
        try:
            with self.ledger.recorded(action) as recording:
                recording.conn.execute(_insert(recording.conn).values(_row(segment)))
        except Exception:
            if audio is not None and segment.master_key is not None:
                self.objects.delete(segment.master_key)
            raise

    def audio(self, key: str) -> AbstractContextManager[BinaryIO]:
        return self.objects.open(key)
