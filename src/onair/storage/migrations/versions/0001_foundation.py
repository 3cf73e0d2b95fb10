"""Foundation: stations, assets, admin settings, processed events, asset embeddings.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

EMBEDDING_DIMENSIONS = 384  # all-MiniLM-L6-v2


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.String(63), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("call_letters", sa.String(16)),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column(
            "station_id",
            sa.String(63),
            sa.ForeignKey("stations.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(64)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("artist", sa.String(500)),
        sa.Column("album", sa.String(500)),
        sa.Column("duration_s", sa.Float()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("station_id", "sha256", name="uq_assets_station_sha256"),
    )
    op.create_table(
        "admin_settings",
        sa.Column(
            "station_id",
            sa.String(63),
            sa.ForeignKey("stations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.JSON()),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(26), primary_key=True),
        sa.Column("processed_at", UtcDateTime(), nullable=False),
    )
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
    op.execute("DROP TABLE IF EXISTS asset_embeddings")
    op.drop_table("processed_events")
    op.drop_table("admin_settings")
    op.drop_table("assets")
    op.drop_table("stations")
