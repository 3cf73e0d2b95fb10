"""The station database's tables (SQLAlchemy 2, typed declarative)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["AdminSetting", "Asset", "Base", "ProcessedEvent", "Station", "UtcDateTime"]


class UtcDateTime(TypeDecorator[datetime]):
    """An instant in UTC with microseconds, timezone-aware on every database.

    SQLite has no timezone type and hands back naive values; they are UTC by
    construction here, so they are marked as such on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: onair stores instants in UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


# Named constraints, so later migrations can drop or alter them on SQLite (batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime}


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    call_letters: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = (sa.UniqueConstraint("station_id", "sha256"),)

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.ForeignKey("stations.id", ondelete="RESTRICT"))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(500))
    artist: Mapped[str | None] = mapped_column(sa.String(500))
    album: Mapped[str | None] = mapped_column(sa.String(500))
    duration_s: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AdminSetting(Base):
    __tablename__ = "admin_settings"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class ProcessedEvent(Base):
    """Which bus events a durable consumer has handled, so redeliveries are skipped."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
