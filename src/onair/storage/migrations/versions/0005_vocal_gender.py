"""Vocal gender on assets, for the scheduler's flow rules.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assets", sa.Column("vocal_gender", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:  # SQLite rebuilds the table to drop a column
        batch.drop_column("vocal_gender")
