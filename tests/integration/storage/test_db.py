"""Engines on both databases, and the health check's one-line errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from onair.storage import DatabaseUnavailable, check_database, create_engine_for


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_reachable_database_passes_the_check(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        check_database(engine)
    finally:
        engine.dispose()


def test_an_unreachable_postgresql_is_one_line_with_the_password_masked() -> None:
    port = _closed_port()
    engine = create_engine_for(f"postgresql://onair:hunter2@127.0.0.1:{port}/onair")
    with pytest.raises(DatabaseUnavailable) as raised:
        check_database(engine)
    message = str(raised.value)
    assert "hunter2" not in message
    assert f"postgresql+psycopg://onair:***@127.0.0.1:{port}/onair is unreachable" in message
    assert "\n" not in message


def test_a_sqlite_file_in_a_missing_folder_is_unreachable(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'missing' / 'onair.sqlite3'}")
    with pytest.raises(DatabaseUnavailable, match=r"missing/onair.sqlite3 is unreachable"):
        check_database(engine)


def test_every_sqlite_connection_is_set_up(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'onair.sqlite3'}")
    try:
        with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
                assert conn.execute(sa.text("SELECT vec_version()")).scalar()
    finally:
        engine.dispose()
