"""Titles that are file names: marked on assets, so they are shown but never spoken.

Assets ingested before are marked where the title is a file name by the rule
of ``onair.domain.placeholder_tags``, or is the file's name while the file
carried no title tag.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12
"""

from __future__ import annotations

from pathlib import PurePath

import sqlalchemy as sa
from alembic import op

from onair.domain.placeholder_tags import title_is_file_name

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TITLE_TAGS = ("TIT2", "TITLE", "\xa9nam", "INAM")


def upgrade() -> None:
    op.add_column(
        "assets",
        sa.Column("title_is_file_name", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    assets = sa.table(
        "assets",
        sa.column("id", sa.String),
        sa.column("title", sa.String),
        sa.column("source_name", sa.String),
        sa.column("tags_original", sa.JSON),
        sa.column("title_is_file_name", sa.Boolean),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(assets.c.id, assets.c.title, assets.c.source_name,
                                  assets.c.tags_original))  # fmt: skip
    marked = [{"asset": r.id} for r in rows if _file_name(r.title, r.source_name, r.tags_original)]
    if marked:
        update = assets.update().where(assets.c.id == sa.bindparam("asset"))
        conn.execute(update.values(title_is_file_name=True), marked)


def _file_name(title: str, source_name: str | None, original: dict[str, list[str]] | None) -> bool:
    if title_is_file_name(title):
        return True
    untitled = not any((original or {}).get(key) for key in _TITLE_TAGS)
    return untitled and source_name is not None and title == PurePath(source_name).stem


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:  # SQLite rebuilds the table to drop a column
        batch.drop_column("title_is_file_name")
