"""Foundation: stations, assets, admin settings, processed events, asset embeddings.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

EMBEDDING_DIMENSIONS = 384  # all-MiniLM-L6-v2

# Spelled out rather than imported from onair.storage.tables, so that later
# changes to the tables cannot rewrite what this revision created.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.String(63), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("call_letters", sa.String(16)),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stations"),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("artist", sa.String(500)),
        sa.Column("album", sa.String(500)),
        sa.Column("duration_s", sa.Float()),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assets"),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name="fk_assets_station_id_stations",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("station_id", "sha256", name="uq_assets_station_id_sha256"),
    )
    op.create_table(
        "admin_settings",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("station_id", "key", name="pk_admin_settings"),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name="fk_admin_settings_station_id_stations",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(26), nullable=False),
        sa.Column("processed_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_processed_events"),
    )
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])
    _create_embeddings()


def _create_embeddings() -> None:
    """Vectors for discovery: sqlite-vec in the SQLite file, pgvector in PostgreSQL."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE asset_embeddings USING vec0("
            "item_id TEXT PRIMARY KEY, "
            f"embedding float[{EMBEDDING_DIMENSIONS}] distance_metric=cosine, "
            "station TEXT, kind TEXT, language TEXT, +metadata TEXT)"
        )
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.execute(
        "CREATE TABLE asset_embeddings ("
        "item_id TEXT PRIMARY KEY, "
        f"embedding vector({EMBEDDING_DIMENSIONS}) NOT NULL, "
        "station TEXT, kind TEXT, language TEXT, metadata JSONB NOT NULL DEFAULT '{}')"
    )
    op.execute(
        "CREATE INDEX ix_asset_embeddings_hnsw ON asset_embeddings "
        "USING hnsw (embedding vector_cosine_ops)"
    )
    op.execute("CREATE INDEX ix_asset_embeddings_station_kind ON asset_embeddings (station, kind)")


def downgrade() -> None:
    # The vector extension stays: other databases' objects may use it, and
    # dropping an extension needs more rights than creating a table.
    op.execute("DROP TABLE IF EXISTS asset_embeddings")
    op.drop_index("ix_processed_events_processed_at", table_name="processed_events")
    op.drop_table("processed_events")
    op.drop_table("admin_settings")
    op.drop_table("assets")
    op.drop_table("stations")
