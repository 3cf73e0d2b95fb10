"""Agents: the spoken segments produced for planned schedule items.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_segments",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("schedule_item_id", sa.String(26), nullable=False),
        sa.Column("hour", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("script", sa.Text, nullable=False),
        sa.Column("generator", sa.String(200), nullable=False),
        sa.Column("planned_ms", sa.Integer, nullable=False),
        sa.Column("estimated_ms", sa.Integer, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("master_key", sa.String(1024)),
        sa.Column("asset_id", sa.String(26)),
        sa.Column("voice", sa.String(200)),
        sa.Column("gain_db", sa.Float, nullable=False),
        sa.Column("start_offset_ms", sa.Integer, nullable=False),
        sa.Column("post_ms", sa.Integer),
        sa.Column("duck_db", sa.Float),
        sa.Column("tempo", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("llm_tokens", sa.Integer, nullable=False),
        sa.Column("tts_chars", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_agent_segments_station_id_stations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_agent_segments"),
    )  # fmt: skip
    op.create_index("ix_agent_segments_schedule_item_id", "agent_segments", ["schedule_item_id"])
    op.create_index("ix_agent_segments_station_hour", "agent_segments", ["station_id", "hour"])


def downgrade() -> None:
    op.drop_table("agent_segments")
