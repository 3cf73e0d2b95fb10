"""Schedule keys on assets: each asset's title key and album key, stored when it is saved.

A week's build compared the keys of every song of the library, computed
again from the tags at each build (a fifth of the library read for 100,000
songs). Assets saved before are keyed here; a row still without keys is keyed
when the scheduler reads it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.domain.albums import album_key
from onair.domain.library import title_key

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    op.add_column("assets", sa.Column("title_key", sa.Text))
    op.add_column("assets", sa.Column("album_key", sa.Text))
    assets = sa.table(
        "assets",
        sa.column("id", sa.String),
        sa.column("title", sa.String),
        sa.column("album", sa.String),
        sa.column("album_artist", sa.String),
        sa.column("title_key", sa.Text),
        sa.column("album_key", sa.Text),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(assets.c.id, assets.c.title, assets.c.album, assets.c.album_artist)
    ).all()
    update = (
        assets.update()
        .where(assets.c.id == sa.bindparam("asset"))
        .values(title_key=sa.bindparam("title_of"), album_key=sa.bindparam("album_of"))
    )
    for start in range(0, len(rows), _BATCH):
        keyed = [
            {
                "asset": r.id,
                "title_of": title_key(r.title),
                "album_of": album_key(r.album, r.album_artist) if r.album else None,
            }
            for r in rows[start : start + _BATCH]
        ]
        conn.execute(update, keyed)


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:  # SQLite rebuilds the table to drop a column
        batch.drop_column("album_key")
        batch.drop_column("title_key")
