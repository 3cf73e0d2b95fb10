"""Engines for the embedded SQLite file and for PostgreSQL.

SQLite gets WAL (readers never wait for the writer), foreign keys and a busy
timeout, and loads sqlite-vec on every connection so the vector index lives in
the same file.

pysqlite starts a transaction only at the first write, so a SAVEPOINT
(``Session.begin_nested``) opened before any write is committed on release:
repositories use ``INSERT ... ON CONFLICT`` instead of savepoints.
"""

from __future__ import annotations

from typing import Any

import pysqlite3.dbapi2 as sqlite3
import sqlalchemy as sa
import sqlite_vec
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from onair.storage.errors import StorageError

__all__ = [
    "DatabaseUnavailable",
    "StorageError",
    "check_database",
    "create_engine_for",
    "session_factory",
]


class DatabaseUnavailable(StorageError):
    """The database cannot be reached or refuses the connection."""


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.enable_load_extension(True)
    sqlite_vec.load(dbapi_connection)
    dbapi_connection.enable_load_extension(False)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine_for(url: str) -> Engine:
    """An engine for ``url``; nothing connects until first use.

    A URL SQLAlchemy cannot read is a :class:`StorageError` that does not
    repeat the URL: it may hold a password.
    """
    try:
        return _engine(url)
    except (ValueError, ArgumentError) as exc:
        raise StorageError(
            f"the database URL cannot be used ({type(exc).__name__}): check ONAIR_DATABASE_URL"
        ) from None


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # The pysqlite3 wheel: a current SQLite that can load extensions, which
        # the interpreter's own sqlite3 module may be built without.
        engine = sa.create_engine(url, module=sqlite3, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(
        url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, pool_size=5
    )


def check_database(engine: Engine) -> None:
    """Raise :class:`DatabaseUnavailable` unless ``SELECT 1`` answers."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as exc:
        cause = str(getattr(exc, "orig", exc)).strip().splitlines()
        why = cause[0] if cause else type(exc).__name__
        url = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"database {url} is unreachable: {why}") from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine`` whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
