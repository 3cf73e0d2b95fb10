"""Station programs as applied: each station file a new version, the highest in force."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from onair.domain.program_check import program_from
from onair.domain.programming import AppliedProgram, NoProgram, StationProgram
from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.tables import Station, StationProgramVersion

__all__ = ["SqlPrograms"]

_SOURCE_CHARS = 2000  # the width of station_programs.source


class SqlPrograms:
    """The scheduler's ``ProgramStore`` on SQLite or PostgreSQL; each call one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def apply(self, program: StationProgram, source: str) -> AppliedProgram:
        """Register or update the station from ``program`` and store it as the next version."""
        details = {
            "name": program.name,
            "timezone": program.timezone,
            "call_letters": program.call_letters,
        }
        with Session(self.engine) as session, session.begin():
            # The upsert comes first: it locks the station's row (PostgreSQL) or the
            # database (SQLite), so two applies at once number their versions in turn.
            upsert = insert_for(session, Station).values(id=program.id, **details)
            session.execute(upsert.on_conflict_do_update(index_elements=[Station.id], set_=details))
            latest = session.scalar(
                sa.select(sa.func.max(StationProgramVersion.version)).where(
                    StationProgramVersion.station_id == program.id
                )
            )
            row = StationProgramVersion(
                station_id=program.id,
                version=(latest or 0) + 1,
                document=program.export(),
                source=source[:_SOURCE_CHARS],
            )
            session.add(row)
            session.flush()
            return AppliedProgram(row.version, program, row.source, row.applied_at)

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
