"""Library: normalized tags on assets, analysis, credited artists, rights, ingest bookkeeping.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_INSTANT = sa.DateTime(timezone=True)

_ASSET_COLUMNS = (
    ("album_artist", sa.String(500)),
    ("isrc", sa.String(12)),
    ("label", sa.String(300)),
    ("year", sa.Integer()),
    ("genre", sa.String(200)),
    ("language", sa.String(16)),
    ("explicit", sa.Boolean()),
    ("composer", sa.String(500)),
    ("publisher", sa.String(500)),
    ("tag_bpm", sa.Float()),
    ("tags_original", sa.JSON()),
    ("tag_problems", sa.JSON()),
    ("semantic_tags", sa.JSON()),
    ("source_name", sa.String(500)),
    ("master_key", sa.String(200)),
    ("waveform_key", sa.String(200)),
    ("updated_at", _INSTANT),
)


def _asset_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["asset_id"], ["assets.id"], name=f"fk_{table}_asset_id_assets", ondelete="CASCADE"
    )


def _station_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["station_id"], ["stations.id"], name=f"fk_{table}_station_id_stations", ondelete="CASCADE"
    )


def upgrade() -> None:
    for name, type_ in _ASSET_COLUMNS:
        op.add_column("assets", sa.Column(name, type_))
    op.create_index("ix_assets_isrc", "assets", ["isrc"])
    op.create_index("ix_assets_source_name", "assets", ["source_name"])
    op.create_table(
        "asset_analysis",
        sa.Column("asset_id", sa.String(26), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("codec", sa.String(32), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Integer(), nullable=False),
        sa.Column("bitrate", sa.Integer()),
        sa.Column("loudness_lufs", sa.Float()),
        sa.Column("loudness_range_lu", sa.Float(), nullable=False),
        sa.Column("true_peak_dbtp", sa.Float()),
        sa.Column("gain_db", sa.Float(), nullable=False),
        sa.Column("cue_in_s", sa.Float(), nullable=False),
        sa.Column("cue_out_s", sa.Float(), nullable=False),
        sa.Column("intro_end_s", sa.Float(), nullable=False),
        sa.Column("segue_s", sa.Float(), nullable=False),
        sa.Column("ending", sa.String(8), nullable=False),
        sa.Column("bpm", sa.Float()),
        sa.Column("energy", sa.Float(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("analysed_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("asset_id", name="pk_asset_analysis"),
        _asset_fk("asset_analysis"),
    )
    op.create_table(
        "asset_artists",
        sa.Column("asset_id", sa.String(26), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("artist_key", sa.String(500), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "position", name="pk_asset_artists"),
        _asset_fk("asset_artists"),
    )
    op.create_index("ix_asset_artists_artist_key", "asset_artists", ["artist_key"])
    op.create_table(
        "asset_rights",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("asset_id", sa.String(26), nullable=False),
        sa.Column("territories", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_until", sa.Date()),
        sa.Column("uses", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_asset_rights"),
        _asset_fk("asset_rights"),
    )
    op.create_index("ix_asset_rights_asset_id", "asset_rights", ["asset_id"])
    op.create_table(
        "ingest_files",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("path", sa.String(2000), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("asset_id", sa.String(26)),
        sa.Column("examined_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("station_id", "path", name="pk_ingest_files"),
        _station_fk("ingest_files"),
    )
    op.create_table(
        "ingest_rejects",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("source", sa.String(2000), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("duplicate_of", sa.String(26)),
        sa.Column("rejected_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("station_id", "source", name="pk_ingest_rejects"),
        _station_fk("ingest_rejects"),
    )
    op.create_index("ix_ingest_rejects_rejected_at", "ingest_rejects", ["rejected_at"])


def downgrade() -> None:
    op.drop_index("ix_ingest_rejects_rejected_at", table_name="ingest_rejects")
    op.drop_table("ingest_rejects")
    op.drop_table("ingest_files")
    op.drop_index("ix_asset_rights_asset_id", table_name="asset_rights")
    op.drop_table("asset_rights")
    op.drop_index("ix_asset_artists_artist_key", table_name="asset_artists")
    op.drop_table("asset_artists")
    op.drop_table("asset_analysis")
    op.drop_index("ix_assets_source_name", table_name="assets")
    op.drop_index("ix_assets_isrc", table_name="assets")
    with op.batch_alter_table("assets") as batch:  # SQLite rebuilds the table to drop columns
        for name, _ in reversed(_ASSET_COLUMNS):
            batch.drop_column(name)
