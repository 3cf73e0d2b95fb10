"""Access: each station's users with their role, API tokens kept as hashes, browser sessions.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_users",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_access_users_station_id_stations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_access_users"),
        sa.UniqueConstraint("station_id", "name", name="uq_access_users_station_id_name"),
    )  # fmt: skip
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("expires_at", UtcDateTime()),
        sa.Column("revoked_at", UtcDateTime()),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_access_tokens_station_id_stations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_access_tokens"),
        sa.UniqueConstraint("prefix", name="uq_access_tokens_prefix"),
    )  # fmt: skip
    op.create_table(
        "access_sessions",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(26), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["access_users.id"], name="fk_access_sessions_user_id_access_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("digest", name="pk_access_sessions"),
    )  # fmt: skip
    op.create_index("ix_access_sessions_user_id", "access_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("access_sessions")
    op.drop_table("access_tokens")
    op.drop_table("access_users")
