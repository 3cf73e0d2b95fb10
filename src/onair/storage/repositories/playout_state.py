"""Playout's own records on SQLite or PostgreSQL: where each engine stands, operator triggers.

The on-air state is one row per station, overwritten by an upsert each time
the engine saves. Operator actions are only ever added; recording an action
id already there leaves the first record as it was (a redelivered command).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from onair.domain.playout import OnAirState, OperatorAction, Trigger
from onair.storage.tables import Base, PlayoutOperatorAction, PlayoutState

__all__ = ["SqlOnAirState", "SqlOperatorLog"]

_STATE_COLUMNS = (
    PlayoutState.station_id, PlayoutState.play_id, PlayoutState.asset_id,
    PlayoutState.schedule_item_id, PlayoutState.started_at, PlayoutState.offset_samples,
    PlayoutState.saved_at, PlayoutState.held, PlayoutState.queued,
)  # fmt: skip
_ACTION_COLUMNS = (
    PlayoutOperatorAction.id, PlayoutOperatorAction.station_id, PlayoutOperatorAction.trigger,
    PlayoutOperatorAction.who, PlayoutOperatorAction.at, PlayoutOperatorAction.asset_id,
    PlayoutOperatorAction.note, PlayoutOperatorAction.correlation_id,
)  # fmt: skip

# The reads the API makes several times a second, built once with parameters: building a
# statement costs several times what running one of these does.
_LOAD = sa.select(*_STATE_COLUMNS).where(PlayoutState.station_id == sa.bindparam("station"))
_INSERTED = sa.select(
    sa.exists().where(
        PlayoutOperatorAction.station_id == sa.bindparam("station"),
        PlayoutOperatorAction.at >= sa.bindparam("start"),
        PlayoutOperatorAction.at < sa.bindparam("end"),
        PlayoutOperatorAction.asset_id == sa.bindparam("asset_id"),
        PlayoutOperatorAction.trigger.in_((Trigger.INSERT_NOW.value, Trigger.INSERT_NEXT.value)),
    )
)


class SqlOnAirState:
    """The ``OnAirStore``: one row per station in ``playout_state``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, state: OnAirState) -> None:
        """Store ``state`` as the station's, replacing what was saved before."""
        row = _state_row(state)
        with self.engine.begin() as conn:
            upsert = _insert(conn, PlayoutState).values(row)
            written = {c: upsert.excluded[c] for c in row if c != "station_id"}
            conn.execute(upsert.on_conflict_do_update(index_elements=["station_id"], set_=written))

    def load(self, station: str) -> OnAirState | None:
        """The station's last saved state, or None if its engine never saved one."""
        with self.engine.connect() as conn:
            row = conn.execute(_LOAD, {"station": station}).first()
        return None if row is None else _state(row)


class SqlOperatorLog:
    """The ``OperatorLog``: triggers in ``playout_operator_actions``, added and never changed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, action: OperatorAction) -> None:
        """Store ``action``; an id already recorded keeps its first record."""
        with self.engine.begin() as conn:
            insert = _insert(conn, PlayoutOperatorAction).values(_action_row(action))
            conn.execute(insert.on_conflict_do_nothing(index_elements=["id"]))

    def between(self, station: str, start: datetime, end: datetime) -> list[OperatorAction]:
        """The station's actions taken in ``[start, end)``, in the order they were taken."""
        query = (
            sa.select(*_ACTION_COLUMNS)
            .where(
                PlayoutOperatorAction.station_id == station,
                PlayoutOperatorAction.at >= start,
                PlayoutOperatorAction.at < end,
            )
            .order_by(PlayoutOperatorAction.at, PlayoutOperatorAction.id)
        )
        with self.engine.connect() as conn:
            return [_action(row) for row in conn.execute(query)]

    def inserted(self, station: str, asset_id: str, start: datetime, end: datetime) -> bool:
        """Whether an operator inserted ``asset_id`` (now or next) in ``[start, end)``."""
        asked = {"station": station, "asset_id": asset_id, "start": start, "end": end}
        with self.engine.connect() as conn:
            return bool(conn.execute(_INSERTED, asked).scalar())


def _insert(conn: Connection, table: type[Base]) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _state_row(state: OnAirState) -> dict[str, Any]:
    return {
        "station_id": state.station,
        "play_id": state.play_id,
        "asset_id": state.asset_id,
        "schedule_item_id": state.schedule_item_id,
        "started_at": state.started_at,
        "offset_samples": state.offset_samples,
        "saved_at": state.saved_at,
        "held": state.held,
        "queued": list(state.queued),
    }


def _state(row: Row[*tuple[Any, ...]]) -> OnAirState:
    return OnAirState(
        station=row.station_id,
        play_id=row.play_id,
        asset_id=row.asset_id,
        schedule_item_id=row.schedule_item_id,
        started_at=row.started_at,
        offset_samples=row.offset_samples,
        saved_at=row.saved_at,
        held=row.held,
        queued=tuple(row.queued or ()),
    )


def _action_row(action: OperatorAction) -> dict[str, Any]:
    return {
        "id": action.id,
        "station_id": action.station,
        "trigger": action.trigger.value,
        "who": action.who,
        "at": action.at,
        "asset_id": action.asset_id,
        "note": action.note,
        "correlation_id": action.correlation_id,
    }


def _action(row: Row[*tuple[Any, ...]]) -> OperatorAction:
    return OperatorAction(
        id=row.id,
        station=row.station_id,
        trigger=Trigger(row.trigger),
        who=row.who,
        at=row.at,
        asset_id=row.asset_id,
        note=row.note,
        correlation_id=row.correlation_id,
    )
