"""Scheduling: applied station programs, built hours and their items; catalog category and energy.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assets", sa.Column("category", sa.String(63)))
    op.add_column("assets", sa.Column("tag_energy", sa.Float))
    op.create_table(
        "station_programs",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("source", sa.String(2000), nullable=False),
        sa.Column("applied_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_station_programs_station_id_stations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("station_id", "version", name="pk_station_programs"),
    )  # fmt: skip
    op.create_table(
        "schedule_hours",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("local_label", sa.String(40), nullable=False),
        sa.Column("clock", sa.String(63), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("program_version", sa.Integer, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.Column("under_over_ms", sa.Integer, nullable=False),
        sa.Column("unscheduled", sa.JSON, nullable=False),
        sa.Column("relaxations", sa.JSON, nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("built_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_schedule_hours_station_id_stations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("station_id", "starts_at", name="pk_schedule_hours"),
    )  # fmt: skip
    op.create_table(
        "schedule_items",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("hour_start", UtcDateTime(), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("overlap_next_ms", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(63), nullable=False),
        sa.Column("hard", sa.Boolean, nullable=False),
        sa.Column("nominal_start", UtcDateTime()),
        sa.Column("slot", sa.Integer),
        sa.Column("asset_id", sa.String(26)),
        sa.Column("why", sa.JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id", "hour_start"], ["schedule_hours.station_id", "schedule_hours.starts_at"],
            name="fk_schedule_items_station_id_schedule_hours", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_schedule_items"),
    )  # fmt: skip
    op.create_index(
        "ix_schedule_items_station_starts", "schedule_items", ["station_id", "starts_at"]
    )
    op.create_index("ix_schedule_items_asset_id", "schedule_items", ["asset_id"])
    op.create_index(
        "ix_schedule_items_station_hour", "schedule_items", ["station_id", "hour_start"]
    )


def downgrade() -> None:
    op.drop_table("schedule_items")
    op.drop_table("schedule_hours")
    op.drop_table("station_programs")
    with op.batch_alter_table("assets") as batch:  # SQLite rebuilds the table to drop a column
        batch.drop_column("tag_energy")
        batch.drop_column("category")
