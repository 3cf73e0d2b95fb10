"""The agents' produced segments: the voiced audio in the object store, the record in the database.

A segment is saved audio first, record second: the FLAC goes under its
``master_key``, then the row is inserted in one transaction, and if the row
fails the object just written is deleted again, so a reader never finds a
record without its audio or audio nobody records. Rows are only added: a newer
segment for the same schedule item supersedes the older one, which stays as
history, and every read returns the newest per schedule item (by creation
time, then id).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from onair.domain.segments import Segment, SegmentKind, SegmentStatus
from onair.storage.object_store import ObjectStore
from onair.storage.tables import AgentSegment, utc_now

__all__ = ["SEGMENT_COLUMNS", "SqlSegments", "newest_segments", "segment_of"]

SEGMENT_COLUMNS = (
    AgentSegment.id, AgentSegment.station_id, AgentSegment.schedule_item_id, AgentSegment.hour,
    AgentSegment.kind, AgentSegment.status, AgentSegment.language, AgentSegment.script,
    AgentSegment.generator, AgentSegment.planned_ms, AgentSegment.estimated_ms,
    AgentSegment.duration_ms, AgentSegment.master_key, AgentSegment.asset_id, AgentSegment.voice,
    AgentSegment.gain_db, AgentSegment.start_offset_ms, AgentSegment.post_ms,
    AgentSegment.duck_db, AgentSegment.tempo, AgentSegment.attempts, AgentSegment.llm_tokens,
    AgentSegment.tts_chars, AgentSegment.reason, AgentSegment.created_at,
)  # fmt: skip


def newest_segments(*where: sa.ColumnElement[bool]) -> sa.Subquery:
    """The segments matching ``where``, each ranked within its schedule item (1: the newest).

    The subquery has every segment column and ``rank``; keep ``rank == 1``.
    """
    rank = sa.func.row_number().over(
        partition_by=AgentSegment.schedule_item_id,
        order_by=(AgentSegment.created_at.desc(), AgentSegment.id.desc()),
    )
    return sa.select(*SEGMENT_COLUMNS, rank.label("rank")).where(*where).subquery("segments")


def _newest(*where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The newest segment per schedule item among those matching ``where``, by hour."""
    ranked = newest_segments(*where)
    return (
        sa.select(ranked)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.hour, ranked.c.created_at, ranked.c.id)
    )


# The studio's read of an hour's links, built once with parameters: building this
# statement costs several times what running it does.
_NEWEST_BETWEEN = _newest(
    AgentSegment.station_id == sa.bindparam("station"),
    AgentSegment.hour >= sa.bindparam("start"),
    AgentSegment.hour < sa.bindparam("end"),
)


class SqlSegments:
    """The ``SegmentStore`` on SQLite or PostgreSQL, with the audio in an object store."""

    def __init__(self, engine: Engine, objects: ObjectStore) -> None:
        self.engine = engine
        self.objects = objects

    def save(self, segment: Segment, audio: bytes | None) -> None:
        """Store ``audio`` (FLAC) under ``segment.master_key``, then the record.

        Saving a segment id already stored changes nothing (its audio is not
        written again). If the record cannot be stored, the audio just written
        is deleted and the error raised.
        """
        if audio is not None and segment.master_key is None:
            raise ValueError(f"segment {segment.id} has audio but no master_key to store it under")
        if self._stored(segment.id):
            return
        if audio is not None and segment.master_key is not None:
            self.objects.put(segment.master_key, io.BytesIO(audio), content_type="audio/flac")
        try:
            with self.engine.begin() as conn:
                insert = _insert(conn).values(_row(segment))
                conn.execute(insert.on_conflict_do_nothing(index_elements=["id"]))
        except Exception as exc:
            if audio is not None and segment.master_key is not None:
                try:
                    self.objects.delete(segment.master_key)
                except Exception as cleanup:
                    exc.add_note(f"and its audio {segment.master_key} could not be deleted: "
                                 f"{cleanup}")  # fmt: skip
            raise

    def for_hour(self, station: str, hour: datetime) -> list[Segment]:
        """The segments of the hour starting at ``hour``, newest per schedule item."""
        return self._newest(AgentSegment.station_id == station, AgentSegment.hour == hour)

    def between(self, station: str, start: datetime, end: datetime) -> list[Segment]:
        """The segments of the hours starting in ``[start, end)``, newest per schedule item."""
        window = {"station": station, "start": start, "end": end}
        with self.engine.connect() as conn:
            return [segment_of(row) for row in conn.execute(_NEWEST_BETWEEN, window)]

    def _newest(self, *where: sa.ColumnElement[bool]) -> list[Segment]:
        with self.engine.connect() as conn:
            return [segment_of(row) for row in conn.execute(_newest(*where))]

    def _stored(self, segment_id: str) -> bool:
        query = sa.select(AgentSegment.id).where(AgentSegment.id == segment_id)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None


def _insert(conn: Connection) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(AgentSegment)
    return sqlite.insert(AgentSegment)


def _row(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "station_id": segment.station,
        "schedule_item_id": segment.schedule_item_id,
        "hour": segment.hour,
        "kind": segment.kind.value,
        "status": segment.status.value,
        "language": segment.language,
        "script": segment.script,
        "generator": segment.generator,
        "planned_ms": segment.planned_ms,
        "estimated_ms": segment.estimated_ms,
        "duration_ms": segment.duration_ms,
        "master_key": segment.master_key,
        "asset_id": segment.asset_id,
        "voice": segment.voice,
        "gain_db": segment.gain_db,
        "start_offset_ms": segment.start_offset_ms,
        "post_ms": segment.post_ms,
        "duck_db": segment.duck_db,
        "tempo": segment.tempo,
        "attempts": segment.attempts,
        "llm_tokens": segment.llm_tokens,
        "tts_chars": segment.tts_chars,
        "reason": segment.reason,
        "created_at": segment.created_at or utc_now(),
    }


def segment_of(row: Row[Any]) -> Segment:
    """The segment of a row with :data:`SEGMENT_COLUMNS`."""
    return Segment(
        id=row.id,
        station=row.station_id,
        schedule_item_id=row.schedule_item_id,
        hour=row.hour,
        kind=SegmentKind(row.kind),
        status=SegmentStatus(row.status),
        language=row.language,
        script=row.script,
        generator=row.generator,
        planned_ms=row.planned_ms,
        estimated_ms=row.estimated_ms,
        duration_ms=row.duration_ms,
        master_key=row.master_key,
        asset_id=row.asset_id,
        voice=row.voice,
        gain_db=row.gain_db,
        start_offset_ms=row.start_offset_ms,
        post_ms=row.post_ms,
        duck_db=row.duck_db,
        tempo=row.tempo,
        attempts=row.attempts,
        llm_tokens=row.llm_tokens,
        tts_chars=row.tts_chars,
        reason=row.reason,
        created_at=row.created_at,
    )
