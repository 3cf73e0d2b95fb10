"""Traffic: advertisers, booked orders and each day's placed log of spot breaks.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ad_advertisers",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("conflict", sa.String(32)),
        sa.Column("booked_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            ondelete="CASCADE",
            name="fk_ad_advertisers_station_id_stations",
        ),
        sa.PrimaryKeyConstraint("station_id", "name", name="pk_ad_advertisers"),
    )
    op.create_table(
        "ad_orders",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("advertiser", sa.String(200), nullable=False),
        sa.Column("flight_start", sa.Date(), nullable=False),
        sa.Column("flight_end", sa.Date(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("booked_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            ondelete="CASCADE",
            name="fk_ad_orders_station_id_stations",
        ),
        sa.ForeignKeyConstraint(
            ["station_id", "advertiser"],
            ["ad_advertisers.station_id", "ad_advertisers.name"],
            ondelete="CASCADE",
            name="fk_ad_orders_station_id_ad_advertisers",
        ),
        sa.PrimaryKeyConstraint("station_id", "id", name="pk_ad_orders"),
    )
    op.create_table(
        "ad_logs",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("bumps", sa.JSON(), nullable=False),
        sa.Column("placed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            ondelete="CASCADE",
            name="fk_ad_logs_station_id_stations",
        ),
        sa.PrimaryKeyConstraint("station_id", "day", name="pk_ad_logs"),
    )
    op.create_table(
        "ad_log_items",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("break_item_id", sa.String(26), nullable=False),
        sa.Column("break_start", UtcDateTime(), nullable=False),
        sa.Column("break_ms", sa.Integer(), nullable=False),
        sa.Column("break_category", sa.String(63), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("offset_ms", sa.Integer(), nullable=False),
        sa.Column("length_ms", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("asset_id", sa.String(26), nullable=False),
        sa.Column("category", sa.String(63), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("order_id", sa.String(40)),
        sa.Column("advertiser", sa.String(200)),
        sa.Column("code", sa.String(12)),
        sa.Column("conflict", sa.String(32)),
        sa.ForeignKeyConstraint(
            ["station_id", "day"],
            ["ad_logs.station_id", "ad_logs.day"],
            ondelete="CASCADE",
            name="fk_ad_log_items_station_id_ad_logs",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ad_log_items"),
    )
    op.create_index("ix_ad_log_items_break", "ad_log_items", ["station_id", "break_item_id"])
    op.create_index("ix_ad_log_items_day", "ad_log_items", ["station_id", "day"])


def downgrade() -> None:
    op.drop_table("ad_log_items")
    op.drop_table("ad_logs")
    op.drop_table("ad_orders")
    op.drop_table("ad_advertisers")
