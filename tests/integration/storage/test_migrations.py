"""Migrations on both databases: up, down to nothing, up again, and no drift from the tables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from onair.storage import create_engine_for
from onair.storage.migrate import current_revision, downgrade, head_revision, upgrade
from onair.storage.tables import Base

TABLES = {
    "stations",
    "assets",
    "admin_settings",
    "processed_events",
    "asset_embeddings",
    "asset_analysis",
    "asset_artists",
    "asset_rights",
    "ingest_files",
    "ingest_rejects",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


def _schema_objects(engine: Engine) -> set[str]:
    """Every table, index and view, including sqlite-vec's shadow tables."""
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    else:
        query = (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public'"
        )
    with engine.connect() as conn:
        return set(conn.execute(sa.text(query)).scalars())


def test_migrations_go_up_down_to_nothing_and_up_again(database_url: str, engine: Engine) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) == head_revision() == "0002"
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    downgrade(database_url, "0001")
    assert "ingest_files" not in sa.inspect(engine).get_table_names()
    assert "isrc" not in {c["name"] for c in sa.inspect(engine).get_columns("assets")}
    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    assert _schema_objects(engine) <= {"alembic_version", "alembic_version_pkc"}
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert set(sa.inspect(engine).get_table_names()) >= TABLES


def test_upgrade_is_idempotent(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()


def _not_the_vector_table(name: str | None, kind: str, *_: object) -> bool:
    # asset_embeddings is raw SQL per database (vec0 / pgvector), not in the ORM tables.
    return not (name or "").startswith("asset_embeddings")


def test_the_migrated_schema_matches_the_tables(database_url: str, engine: Engine) -> None:
    upgrade(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_name": _not_the_vector_table, "compare_type": True},
        )
        assert compare_metadata(context, Base.metadata) == []
