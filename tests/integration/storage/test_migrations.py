"""Migrations on both databases: up, down to nothing, up again, and no drift from the tables."""

from __future__ import annotations

import json
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
    "vector_generations",
    "ingest_files",
    "ingest_rejects",
    "asset_sounds",
    "asset_search",
    "playout_as_run",
    "playout_state",
    "playout_operator_actions",
    "agent_segments",
    "compliance_ledger",
    "compliance_seals",
    "compliance_prunes",
    "webhook_deliveries",
    "playlists",
    "playlist_items",
    "ad_advertisers",
    "ad_orders",
    "ad_logs",
    "ad_log_items",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


def _schema_objects(engine: Engine) -> set[str]:
    """Every table, index and view (with sqlite-vec's and FTS5's shadow tables), and
    PostgreSQL's text search configurations."""
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    else:
        query = (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' UNION ALL SELECT t.cfgname FROM pg_ts_config t "
            "JOIN pg_namespace n ON n.oid = t.cfgnamespace WHERE n.nspname = 'public'"
        )
    with engine.connect() as conn:
        return set(conn.execute(sa.text(query)).scalars())


def test_migrations_go_up_down_to_nothing_and_up_again(database_url: str, engine: Engine) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) == head_revision() == "0015"
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    downgrade(database_url, "0012")
    assert "webhook_deliveries" not in sa.inspect(engine).get_table_names()
    downgrade(database_url, "0011")
    assert "title_key" not in {c["name"] for c in sa.inspect(engine).get_columns("assets")}
    downgrade(database_url, "0009")
    assert "title_is_file_name" not in {c["name"] for c in sa.inspect(engine).get_columns("assets")}
    downgrade(database_url, "0008")
    assert "compliance_ledger" not in sa.inspect(engine).get_table_names()
    downgrade(database_url, "0006")
    assert "playout_as_run" not in sa.inspect(engine).get_table_names()
    downgrade(database_url, "0004")
    assert "vocal_gender" not in {c["name"] for c in sa.inspect(engine).get_columns("assets")}
    downgrade(database_url, "0003")
    assert "vector_generations" not in sa.inspect(engine).get_table_names()
    downgrade(database_url, "0002")
    assert not {"asset_sounds", "asset_search"} & set(sa.inspect(engine).get_table_names())
    assert "indexed_at" not in {c["name"] for c in sa.inspect(engine).get_columns("assets")}
    assert "timbre" not in {c["name"] for c in sa.inspect(engine).get_columns("asset_analysis")}
    upgrade(database_url)  # 0003 again, on a database that had it
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


def _not_a_raw_sql_table(name: str | None, kind: str, *_: object) -> bool:
    # The vector and full-text tables are raw SQL per database (vec0, FTS5 /
    # pgvector, tsvector), not in the ORM tables.
    return not (name or "").startswith(("asset_embeddings", "asset_sounds", "asset_search"))


def test_the_migrated_schema_matches_the_tables(database_url: str, engine: Engine) -> None:
    upgrade(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_name": _not_a_raw_sql_table, "compare_type": True},
        )
        assert compare_metadata(context, Base.metadata) == []


def test_assets_ingested_before_have_their_file_name_titles_marked(
    database_url: str, engine: Engine
) -> None:
    upgrade(database_url, "0009")
    titles = {
        "a": ("track22", "track22.mp3", {"TIT2": ["track22"]}),  # a tag that is a file name
        "b": ("Midnight Train", "Midnight Train.mp3", {}),  # untagged: the file's name
        "c": ("Midnight Train", "Midnight Train.ogg", {"TITLE": ["Midnight Train"]}),
        "d": ("Song 2", "x.mp3", {"TIT2": ["Song 2"]}),
    }
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO stations (id, name, timezone, created_at) "
                             "VALUES ('k', 'K', 'UTC', CURRENT_TIMESTAMP)"))  # fmt: skip
        for asset, (title, source, original) in titles.items():
            conn.execute(
                sa.text("INSERT INTO assets (id, station_id, kind, title, source_name, "
                        "tags_original, created_at) VALUES (:id, 'k', 'music', :title, :source, "
                        ":original, CURRENT_TIMESTAMP)"),
                {"id": asset, "title": title, "source": source, "original": json.dumps(original)},
            )  # fmt: skip
    upgrade(database_url)
    with engine.connect() as conn:
        marked = conn.execute(sa.text("SELECT id, title_is_file_name FROM assets ORDER BY id"))
        assert [(asset, bool(flag)) for asset, flag in marked] == [
            ("a", True), ("b", True), ("c", False), ("d", False)
        ]  # fmt: skip


def test_assets_saved_before_get_their_schedule_keys(database_url: str, engine: Engine) -> None:
    upgrade(database_url, "0011")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO stations (id, name, timezone, created_at) "
                             "VALUES ('k', 'K', 'UTC', CURRENT_TIMESTAMP)"))  # fmt: skip
        conn.execute(
            sa.text("INSERT INTO assets (id, station_id, kind, title, album, album_artist, "
                    "created_at) VALUES ('a', 'k', 'music', 'Starboy (Radio Edit)', "
                    "'Starboy (Deluxe)', 'The Weeknd', CURRENT_TIMESTAMP), "
                    "('b', 'k', 'music', 'Intro', NULL, NULL, CURRENT_TIMESTAMP)")
        )  # fmt: skip
    upgrade(database_url)
    with engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT id, title_key, album_key FROM assets ORDER BY id"))
        assert list(keys) == [("a", "starboy", "weeknd|starboy"), ("b", "intro", None)]
