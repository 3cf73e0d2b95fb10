"""Vector generations: how many writing transactions each vector table has seen.

The SQLite vector index searches an in-memory snapshot of its table while the
snapshot's generation is the table's (onair.storage.vector_snapshot).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vector_generations",
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name="pk_vector_generations"),
    )


def downgrade() -> None:
    op.drop_table("vector_generations")
