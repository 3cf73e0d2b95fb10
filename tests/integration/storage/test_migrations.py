from __future__ import annotations

import sqlalchemy as sa

from onair.storage import create_engine_for
from onair.storage.migrate import current_revision, downgrade, head_revision, upgrade

TABLES = {"stations", "assets", "admin_settings", "processed_events", "asset_embeddings"}


def _tables(url: str) -> set[str]:
    engine = create_engine_for(url)
    try:
        names = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    # sqlite-vec keeps its vectors in shadow tables named after the virtual one.
    return {n for n in names if not n.startswith("asset_embeddings_")}


def test_migrations_go_up_down_and_up_again(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert _tables(database_url) >= TABLES
    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    assert _tables(database_url) == {"alembic_version"}
    upgrade(database_url)
    assert _tables(database_url) >= TABLES


def test_upgrade_is_idempotent(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
