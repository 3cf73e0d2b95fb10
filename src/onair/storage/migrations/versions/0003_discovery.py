"""Discovery: timbre in the analysis, when each asset was indexed, sound vectors, full text.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# onair.domain.library.SOUND_DIMENSIONS when this revision was written: 24 timbre
# bands, tempo, energy, dynamics and brightness. Frozen here, like the table.
SOUND_DIMENSIONS = 28

SEARCH_CONFIGURATION = "onair_search"  # PostgreSQL's text search configuration

_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("asset_analysis", sa.Column("timbre", sa.JSON()))
    op.add_column("assets", sa.Column("indexed_at", _INSTANT))
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_search()
    else:
        _create_postgresql_search()


def _create_sqlite_search() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE asset_sounds USING vec0("
        "item_id TEXT PRIMARY KEY, "
        f"embedding float[{SOUND_DIMENSIONS}] distance_metric=cosine, "
        "station TEXT, kind TEXT, language TEXT, +metadata TEXT)"
    )
    # remove_diacritics 2, not 1: also folds letters carrying two diacritics (ǘ, ệ).
    op.execute(
        "CREATE VIRTUAL TABLE asset_search USING fts5("
        "asset_id UNINDEXED, station UNINDEXED, kind UNINDEXED, text, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )


def _create_postgresql_search() -> None:
    op.execute(
        "CREATE TABLE asset_sounds ("
        "item_id TEXT PRIMARY KEY, "
        f"embedding vector({SOUND_DIMENSIONS}) NOT NULL, "
        "station TEXT, kind TEXT, language TEXT, metadata JSONB NOT NULL DEFAULT '{}')"
    )
    op.execute(
        "CREATE INDEX ix_asset_sounds_hnsw ON asset_sounds USING hnsw (embedding vector_cosine_ops)"
    )
    op.execute("CREATE INDEX ix_asset_sounds_station_kind ON asset_sounds (station, kind)")
    # English stemming like FTS5's porter, with accents folded like its
    # remove_diacritics, so "motorhead" finds Motörhead on both databases.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION} (COPY = english)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
    )
    op.execute(
        "CREATE TABLE asset_search ("
        "asset_id TEXT CONSTRAINT pk_asset_search PRIMARY KEY, "
        "station TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, "
        f"document tsvector GENERATED ALWAYS AS (to_tsvector('{SEARCH_CONFIGURATION}', text)) "
        "STORED)"
    )
    op.execute("CREATE INDEX ix_asset_search_document ON asset_search USING gin (document)")


def downgrade() -> None:
    # DROP TABLE on a virtual table drops its shadow tables too (vec0 and FTS5).
    op.execute("DROP TABLE IF EXISTS asset_search")
    op.execute("DROP TABLE IF EXISTS asset_sounds")
    if op.get_bind().dialect.name == "postgresql":
        # unaccent stays, like the vector extension in 0001.
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {SEARCH_CONFIGURATION}")
    with op.batch_alter_table("assets") as batch:  # SQLite rebuilds the table to drop columns
        batch.drop_column("indexed_at")
    with op.batch_alter_table("asset_analysis") as batch:
        batch.drop_column("timbre")
