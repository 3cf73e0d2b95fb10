"""Settings an operator changes at run time, per station, as JSON values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

import sqlalchemy as sa
from sqlalchemy.orm import Session

from onair.storage.db import StorageError
from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.repositories.stations import require_station
from onair.storage.tables import AdminSetting, utc_now

__all__ = [
    "AdminSettingRecord",
    "AdminSettings",
    "InvalidAdminSetting",
    "JsonValue",
    "SettingNotFound",
]

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"


class SettingNotFound(StorageError, LookupError):
    """The station has no setting with that key."""


class InvalidAdminSetting(StorageError, ValueError):
    """A key or value the settings table cannot hold."""


@dataclass(frozen=True)
class AdminSettingRecord:
    station_id: str
    key: str
    value: JsonValue
    updated_at: datetime


def _record(row: AdminSetting) -> AdminSettingRecord:
    return AdminSettingRecord(row.station_id, row.key, row.value, row.updated_at)


def _checked(key: str, value: JsonValue) -> None:
    if not key.strip() or len(key) > 200:
        raise InvalidAdminSetting(f"setting key {key!r} must be 1 to 200 characters")
    try:
        # NaN and infinities are refused: PostgreSQL's JSON has no spelling for them.
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidAdminSetting(f"setting {key!r} is not a JSON value: {exc}") from None


class AdminSettings:
    """Admin settings in the caller's transaction: nothing is committed here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, station_id: str, key: str, value: JsonValue) -> AdminSettingRecord:
        """Set ``key`` for the station, replacing any earlier value, in one statement."""
        _checked(key, value)
        require_station(self.session, station_id)
        record = AdminSettingRecord(station_id, key, value, utc_now())
        insert = insert_for(self.session, AdminSetting).values(
            station_id=station_id, key=key, value=value, updated_at=record.updated_at
        )
        self.session.execute(
            insert.on_conflict_do_update(
                index_elements=[AdminSetting.station_id, AdminSetting.key],
                set_={"value": insert.excluded.value, "updated_at": insert.excluded.updated_at},
            )
        )
        return record

    def get(self, station_id: str, key: str) -> AdminSettingRecord:
        """The setting, or :class:`SettingNotFound`."""
        row = self.session.get(AdminSetting, (station_id, key), populate_existing=True)
        if row is None:
            raise SettingNotFound(f"station {station_id!r} has no setting {key!r}")
        return _record(row)

    def for_station(self, station_id: str) -> list[AdminSettingRecord]:
        """Every setting of the station, by key."""
        query = sa.select(AdminSetting).where(AdminSetting.station_id == station_id)
        query = query.order_by(AdminSetting.key).execution_options(populate_existing=True)
        rows = self.session.scalars(query)
        return [_record(row) for row in rows]

    def delete(self, station_id: str, key: str) -> None:
        """Remove the setting, or :class:`SettingNotFound`."""
        statement = sa.delete(AdminSetting).where(
            AdminSetting.station_id == station_id, AdminSetting.key == key
        )
        if self.session.connection().execute(statement).rowcount == 0:
            raise SettingNotFound(f"station {station_id!r} has no setting {key!r}")
