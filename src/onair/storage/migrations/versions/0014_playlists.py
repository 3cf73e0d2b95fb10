"""Playlists: named, ordered lists of assets built by hand, each item in air order.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playlists",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            ondelete="CASCADE",
            name="fk_playlists_station_id_stations",
        ),
        sa.PrimaryKeyConstraint("station_id", "name", name="pk_playlists"),
    )
    op.create_table(
        "playlist_items",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("playlist", sa.String(63), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.String(26), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id", "playlist"],
            ["playlists.station_id", "playlists.name"],
            ondelete="CASCADE",
            name="fk_playlist_items_station_id_playlists",
        ),
        sa.PrimaryKeyConstraint("station_id", "playlist", "position", name="pk_playlist_items"),
    )
    op.create_index("ix_playlist_items_asset_id", "playlist_items", ["asset_id"])


def downgrade() -> None:
    op.drop_table("playlist_items")
    op.drop_table("playlists")
