"""Compliance: the hash-chained ledger, its day seals and prunes, kept append-only by triggers.

UPDATE of ledger entries is refused; DELETE only for entries inside a recorded
prune of their sealed day (the admin's prune command, nothing else). Seals and
prunes refuse UPDATE and DELETE; PostgreSQL also refuses TRUNCATE of all three.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onair.storage.tables import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_CHANGED = "is append-only: its rows are never changed or removed"
_DELETED = "is append-only: entries leave only by a recorded prune of their sealed day"
_PRUNED = "is append-only: a prune must cover exactly the entries of its sealed day"

_SQLITE_TRIGGERS = {
    "compliance_ledger_no_update": ("BEFORE UPDATE ON compliance_ledger", None, _CHANGED),
    "compliance_ledger_no_delete": (
        "BEFORE DELETE ON compliance_ledger",
        "NOT EXISTS (SELECT 1 FROM compliance_prunes p WHERE p.station_id = OLD.station_id "
        "AND OLD.seq BETWEEN p.first_seq AND p.last_seq)",
        _DELETED,
    ),
    "compliance_seals_no_update": ("BEFORE UPDATE ON compliance_seals", None, _CHANGED),
    "compliance_seals_no_delete": ("BEFORE DELETE ON compliance_seals", None, _CHANGED),
    "compliance_prunes_no_update": ("BEFORE UPDATE ON compliance_prunes", None, _CHANGED),
    "compliance_prunes_no_delete": ("BEFORE DELETE ON compliance_prunes", None, _CHANGED),
    "compliance_prunes_match_seal": (
        "BEFORE INSERT ON compliance_prunes",
        "NOT EXISTS (SELECT 1 FROM compliance_seals s WHERE s.station_id = NEW.station_id "
        "AND s.day = NEW.day AND s.first_seq IS NEW.first_seq AND s.last_seq IS NEW.last_seq)",
        _PRUNED,
    ),
}

# Messages are the SQLite triggers' (above), with the table and what was refused.
_PG_FUNCTIONS = {
    "compliance_refuse": """
        BEGIN
            RAISE EXCEPTION 'the compliance ledger is append-only: its rows are never changed '
                'or removed (% on % refused)', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END""",
    "compliance_guard_delete": """
        BEGIN
            IF EXISTS (SELECT 1 FROM compliance_prunes p WHERE p.station_id = OLD.station_id
                       AND OLD.seq BETWEEN p.first_seq AND p.last_seq) THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'the compliance ledger is append-only: entries leave only by a '
                'recorded prune of their sealed day (entry % of %)', OLD.seq, OLD.station_id
                USING ERRCODE = 'integrity_constraint_violation';
        END""",
    "compliance_guard_prune": """
        BEGIN
            IF EXISTS (SELECT 1 FROM compliance_seals s WHERE s.station_id = NEW.station_id
                       AND s.day = NEW.day AND s.first_seq IS NOT DISTINCT FROM NEW.first_seq
                       AND s.last_seq IS NOT DISTINCT FROM NEW.last_seq) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the compliance ledger is append-only: a prune must cover exactly '
                'the entries of its sealed day (% of %)', NEW.day, NEW.station_id
                USING ERRCODE = 'integrity_constraint_violation';
        END""",
}

# (trigger, table, event, function); TRUNCATE triggers fire per statement, the rest per row.
_PG_TRIGGERS = [
    ("compliance_ledger_no_update", "compliance_ledger", "UPDATE", "compliance_refuse"),
    ("compliance_ledger_no_delete", "compliance_ledger", "DELETE", "compliance_guard_delete"),
    ("compliance_ledger_no_truncate", "compliance_ledger", "TRUNCATE", "compliance_refuse"),
    ("compliance_seals_no_change", "compliance_seals", "UPDATE OR DELETE", "compliance_refuse"),
    ("compliance_seals_no_truncate", "compliance_seals", "TRUNCATE", "compliance_refuse"),
    ("compliance_prunes_no_change", "compliance_prunes", "UPDATE OR DELETE", "compliance_refuse"),
    ("compliance_prunes_no_truncate", "compliance_prunes", "TRUNCATE", "compliance_refuse"),
    ("compliance_prunes_match_seal", "compliance_prunes", "INSERT", "compliance_guard_prune"),
]


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        for name, body in _PG_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")
        for name, table, event, function in _PG_TRIGGERS:
            each = "STATEMENT" if event == "TRUNCATE" else "ROW"
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"FOR EACH {each} EXECUTE FUNCTION {function}()"
            )
    else:
        for name, (when, condition, why) in _SQLITE_TRIGGERS.items():
            where = f" WHEN {condition}" if condition else ""
            op.execute(
                f"CREATE TRIGGER {name} {when}{where} "
                f"BEGIN SELECT RAISE(ABORT, 'the compliance ledger {why}'); END"
            )


def _create_tables() -> None:
    op.create_table(
        "compliance_ledger",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("correlation", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_compliance_ledger_station_id_stations",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("station_id", "seq", name="pk_compliance_ledger"),
        sa.UniqueConstraint(
            "station_id", "kind", "source_id", name="uq_compliance_ledger_station_id_kind_source_id"
        ),
    )  # fmt: skip
    op.create_index("ix_compliance_ledger_station_at", "compliance_ledger", ["station_id", "at"])
    op.create_index(
        "ix_compliance_ledger_station_recorded_at", "compliance_ledger",
        ["station_id", "recorded_at"],
    )  # fmt: skip
    op.create_table(
        "compliance_seals",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("first_seq", sa.BigInteger),
        sa.Column("last_seq", sa.BigInteger),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("first_hash", sa.String(64)),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("merkle_root", sa.String(64), nullable=False),
        sa.Column("archive_key", sa.String(1024), nullable=False),
        sa.Column("archive_sha256", sa.String(64), nullable=False),
        sa.Column("sealed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_compliance_seals_station_id_stations",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("station_id", "day", name="pk_compliance_seals"),
    )  # fmt: skip
    op.create_table(
        "compliance_prunes",
        sa.Column("station_id", sa.String(63), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("first_seq", sa.BigInteger),
        sa.Column("last_seq", sa.BigInteger),
        sa.Column("first_recorded_at", UtcDateTime()),
        sa.Column("last_recorded_at", UtcDateTime()),
        sa.Column("pruned_at", UtcDateTime(), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id", "day"], ["compliance_seals.station_id", "compliance_seals.day"],
            name="fk_compliance_prunes_station_id_compliance_seals", ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("station_id", "day", name="pk_compliance_prunes"),
    )  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table, _, _ in _PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("compliance_prunes")
    op.drop_table("compliance_seals")
    op.drop_table("compliance_ledger")
