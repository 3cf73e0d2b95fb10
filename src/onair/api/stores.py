"""What the REST resources read and change, as bootstrap hands it to the app.

The routes reach the station's programming and schedule through the same
services the CLI uses (``Scheduler``), and playout's tables, the library, the
schedule and the agents' segments through the repositories the CLI reads; the
API builds none of them itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Protocol
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException

from onair.api.state import StateDep
from onair.domain.programming import StationProgram

if TYPE_CHECKING:
    from onair.scheduler.playlists import PlaylistDesk
    from onair.scheduler.service import Scheduler
    from onair.storage.repositories.as_run import SqlAsRun
    from onair.storage.repositories.ledger import SqlLedger
    from onair.storage.repositories.library import SqlLibrary
    from onair.storage.repositories.playout_state import SqlOnAirState, SqlOperatorLog
    from onair.storage.repositories.schedule_library import SqlScheduleLibrary
    from onair.storage.repositories.schedules import SqlSchedules
    from onair.storage.repositories.segments import SqlSegments

__all__ = ["StationStores", "StoresDep"]


class StationStores(Protocol):
    """The station's stores, as a serving process opened them (``bootstrap.Stores``)."""

    now: Callable[[], datetime]

    @property
    def station(self) -> str: ...

    @property
    def ledger(self) -> SqlLedger: ...

    @property
    def as_run(self) -> SqlAsRun: ...

    @property
    def schedule_library(self) -> SqlScheduleLibrary: ...

    @property
    def operator_log(self) -> SqlOperatorLog: ...

    @property
    def library(self) -> SqlLibrary: ...

    @property
    def schedules(self) -> SqlSchedules: ...

    @property
    def segments(self) -> SqlSegments: ...

    @property
    def on_air(self) -> SqlOnAirState: ...

    def scheduler(self) -> Scheduler: ...

    def playlist_desk(self) -> PlaylistDesk: ...

    def program(self) -> StationProgram | None: ...

    def zone(self) -> ZoneInfo: ...


async def _stores(state: StateDep) -> StationStores:  # async: no worker thread (see _state)
    if state.stores is None:
        raise HTTPException(503, "this process has no database to read the station from")
    return state.stores


StoresDep = Annotated[StationStores, Depends(_stores)]
