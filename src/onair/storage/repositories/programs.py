"""Station programs as applied: each station file a new version, the highest in force."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from onair.domain.ledger import EntryDraft
from onair.domain.program_check import program_from
from onair.domain.programming import AppliedProgram, NoProgram, ProgramChanged, StationProgram
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.tables import Station, StationProgramVersion, utc_now

__all__ = ["SqlPrograms"]

_SOURCE_CHARS = 2000  # the width of station_programs.source


class SqlPrograms:
    """The scheduler's ``ProgramStore`` on SQLite or PostgreSQL; each call one transaction.

    With a ``ledger``, an apply given an operator action commits with it.
    """

    def __init__(self, engine: Engine, ledger: SqlLedger | None = None) -> None:
        self.engine = engine
        self.ledger = ledger

    def apply(
        self, program: StationProgram, source: str, action: EntryDraft | None = None,
        replacing: int | None = None,
    ) -> AppliedProgram:  # fmt: skip
        """Register or update the station from ``program`` and store it as the next version.

        ``action`` is recorded in the ledger in the same transaction, its ``after``
        naming the version stored (its ``before``, the version it replaced). With
        ``replacing`` (the version an edit started from, 0 for none), a station whose
        newest version is another raises :class:`ProgramChanged` and nothing is stored.
        """
        if action is None or self.ledger is None:
            with self.engine.begin() as conn:
                return _apply(conn, program, source, replacing)[0]
        with self.ledger.recorded(action) as recording:
            applied, before = _apply(recording.conn, program, source, replacing)
            body = {**action.body, "before": {"version": before} if before else None,
                    "after": {"version": applied.version, "source": applied.source}}  # fmt: skip
            recording.draft = replace(action, body=body)
        return applied

    def current(self, station: str) -> AppliedProgram:
        """The station's highest version, or :class:`NoProgram`."""
        with Session(self.engine) as session:
            row = session.scalars(
                sa.select(StationProgramVersion)
                .where(StationProgramVersion.station_id == station)
                .order_by(StationProgramVersion.version.desc())
                .limit(1)
            ).first()
            if row is None:
                raise NoProgram(
                    f"station {station!r} has no program yet: run 'onair station apply FILE'"
                )
            return AppliedProgram(
                row.version, program_from(row.document), row.source, row.applied_at
            )


def _apply(
    conn: Connection, program: StationProgram, source: str, replacing: int | None
) -> tuple[AppliedProgram, int]:
    """The version stored, and the one before it (0 for none)."""
    details = {"name": program.name, "timezone": program.timezone,
               "call_letters": program.call_letters}  # fmt: skip
    # The upsert comes first: it locks the station's row (PostgreSQL) or the
    # database (SQLite), so two applies at once number their versions in turn.
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    upsert = insert(Station).values(id=program.id, **details)
    conn.execute(upsert.on_conflict_do_update(index_elements=[Station.id], set_=details))
    latest = conn.scalar(
        sa.select(sa.func.max(StationProgramVersion.version)).where(
            StationProgramVersion.station_id == program.id
        )
    )
    if replacing is not None and (latest or 0) != replacing:
        raise ProgramChanged(
            f"station {program.id!r} is at version {latest or 0}, not {replacing}: read it again"
        )
    version, applied_at, kept = (latest or 0) + 1, utc_now(), source[:_SOURCE_CHARS]
    conn.execute(sa.insert(StationProgramVersion).values(
        station_id=program.id, version=version, document=program.export(), source=kept,
        applied_at=applied_at,
    ))  # fmt: skip
    return AppliedProgram(version, program, kept, applied_at), latest or 0
