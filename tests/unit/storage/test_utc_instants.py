"""Instants are stored in UTC and come back timezone-aware, whatever the database gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from onair.storage.tables import UtcDateTime

BERLIN_SUMMER = timezone(timedelta(hours=2))
SQLITE = sqlite.dialect()


def test_an_aware_instant_is_stored_in_utc() -> None:
    local = datetime(2026, 7, 1, 12, 0, 0, 250_000, tzinfo=BERLIN_SUMMER)
    stored = UtcDateTime().process_bind_param(local, SQLITE)
    assert stored == datetime(2026, 7, 1, 10, 0, 0, 250_000, tzinfo=UTC)
    assert stored is not None
    assert stored.tzinfo == UTC


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        UtcDateTime().process_bind_param(datetime(2026, 7, 1, 12), SQLITE)


def test_what_comes_back_is_aware_utc() -> None:
    naive_from_sqlite = datetime(2026, 7, 1, 10, 0, 0, 1)
    aware_from_postgres = datetime(2026, 7, 1, 12, 0, 0, 1, tzinfo=BERLIN_SUMMER)
    for value, dialect in (
        (naive_from_sqlite, SQLITE),
        (aware_from_postgres, postgresql.dialect()),
    ):
        back = UtcDateTime().process_result_value(value, dialect)
        assert back == datetime(2026, 7, 1, 10, 0, 0, 1, tzinfo=UTC)
        assert back is not None
        assert back.tzinfo == UTC
    assert UtcDateTime().process_result_value(None, SQLITE) is None
