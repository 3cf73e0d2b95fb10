"""``INSERT ... ON CONFLICT`` for whichever database a session is bound to.

SQLite and PostgreSQL spell the conflict clause the same way, but SQLAlchemy
builds it from each dialect's own ``insert``.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from onair.storage.tables import Base

__all__ = ["insert_for"]


def insert_for(
    session: Session | Connection, table: type[Base]
) -> postgresql.Insert | sqlite.Insert:
    """An insert into ``table`` that accepts ``on_conflict_do_nothing`` / ``_do_update``."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
