"""Playout: the as-run log, each station's on-air state, operator actions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playout_as_run",
        sa.Column("play_id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("schedule_item_id", sa.String(26)),
        sa.Column("asset_id", sa.String(26)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(63), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("artist", sa.String(500)),
        sa.Column("scheduled_start", UtcDateTime()),
        sa.Column("actual_start", UtcDateTime(), nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("ended_by", sa.String(16), nullable=False),
        sa.Column("substitution_reason", sa.Text),
        sa.Column("adjustments", sa.JSON, nullable=False),
        sa.Column("listeners", sa.Integer),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_playout_as_run_station_id_stations",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("play_id", name="pk_playout_as_run"),
    )  # fmt: skip
    op.create_index(
        "ix_playout_as_run_station_actual_start", "playout_as_run", ["station_id", "actual_start"]
    )
    op.create_table(
        "playout_state",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("play_id", sa.String(26), nullable=False),
        sa.Column("asset_id", sa.String(26), nullable=False),
        sa.Column("schedule_item_id", sa.String(26)),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("offset_samples", sa.BigInteger, nullable=False),
        sa.Column("saved_at", UtcDateTime(), nullable=False),
        sa.Column("held", sa.Boolean, nullable=False),
        sa.Column("queued", sa.JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_playout_state_station_id_stations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("station_id", name="pk_playout_state"),
    )  # fmt: skip
    op.create_table(
        "playout_operator_actions",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("asset_id", sa.String(26)),
        sa.Column("note", sa.Text),
        sa.Column("correlation_id", sa.String(200)),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_playout_operator_actions_station_id_stations",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_playout_operator_actions"),
    )  # fmt: skip
    op.create_index(
        "ix_playout_operator_actions_station_at", "playout_operator_actions", ["station_id", "at"]
    )


def downgrade() -> None:
    op.drop_table("playout_operator_actions")
    op.drop_table("playout_state")
    op.drop_table("playout_as_run")
