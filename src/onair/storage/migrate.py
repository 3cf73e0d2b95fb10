"""Schema migrations (Alembic), run from code: ``onair db upgrade`` calls these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from onair.storage.db import create_engine_for

__all__ = ["current_revision", "downgrade", "head_revision", "upgrade"]

_SCRIPTS = Path(__file__).parent / "migrations"


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision``."""
    command.upgrade(_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``base`` empties it)."""
    command.downgrade(_config(url), revision)


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None before the first upgrade."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision this onair knows."""
    return ScriptDirectory.from_config(_config("sqlite://")).get_current_head()
