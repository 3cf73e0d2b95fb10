"""What the services reach per request: the database, the object store, the clock, repositories.

Bootstrap builds one :class:`Stores` per process, for ``onair serve`` and for
each command alike, and closes it once: the database is opened and its schema
checked in one place, never by each caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from onair.bootstrap.adapters import connect_database, open_object_store, schema_ready
from onair.config import Settings
from onair.domain.programming import NoProgram, StationProgram
from onair.storage.object_store import ObjectStore
from onair.storage.repositories.as_run import SqlAsRun
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playlists import SqlPlaylists
from onair.storage.repositories.playout_state import SqlOnAirState, SqlOperatorLog
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.repositories.segments import SqlSegments

if TYPE_CHECKING:
    from onair.access import Access
    from onair.scheduler.playlists import PlaylistDesk
    from onair.scheduler.service import Scheduler

__all__ = ["Stores", "open_library", "open_stores", "wall_clock_now"]


def wall_clock_now() -> datetime:
    """The wall clock, as every service is given it."""
    return datetime.now(UTC)


class Stores:
    """One process's database and object store, its clock, and the repositories over them."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        now: Callable[[], datetime] = wall_clock_now,
        objects: ObjectStore | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.now = now
        self._objects = objects

    @property
    def station(self) -> str:
        return self.settings.station

    @property
    def objects(self) -> ObjectStore:
        """The object store, reached (and checked) the first time it is asked for."""
        if self._objects is None:
            self._objects = open_object_store(self.settings)
        return self._objects

    @cached_property
    def programs(self) -> SqlPrograms:
        return SqlPrograms(self.engine, self.ledger)

    @cached_property
    def library(self) -> SqlLibrary:
        return SqlLibrary(self.engine)

    @cached_property
    def schedules(self) -> SqlSchedules:
        return SqlSchedules(self.engine, self.ledger)

    @cached_property
    def schedule_library(self) -> SqlScheduleLibrary:
        return SqlScheduleLibrary(self.engine)

    @cached_property
    def playlists(self) -> SqlPlaylists:
        return SqlPlaylists(self.engine, self.ledger)

    @cached_property
    def as_run(self) -> SqlAsRun:
        return SqlAsRun(self.engine)

    @cached_property
    def on_air(self) -> SqlOnAirState:
        """Where the air stands, as the playout engine saves it each second."""
        return SqlOnAirState(self.engine)

    @cached_property
    def operator_log(self) -> SqlOperatorLog:
        return SqlOperatorLog(self.engine)

    @cached_property
    def ledger(self) -> SqlLedger:
        return SqlLedger(self.engine)

    @cached_property
    def segments(self) -> SqlSegments:
        return SqlSegments(self.engine, self.objects)

    def scheduler(self) -> Scheduler:
        """The scheduler service over these stores."""
        from onair.scheduler.service import Scheduler  # the scheduler's rules load only for it

        return Scheduler(self.programs, self.schedule_library, self.schedules, now=self.now,
                         playlists=self.playlists)  # fmt: skip

    def playlist_desk(self) -> PlaylistDesk:
        """The station's playlists, each change judged by the rules and ledgered, the hours
        ahead that air an edited one built anew."""
        from onair.scheduler.playlists import PlaylistDesk

        return PlaylistDesk(self.programs, self.schedule_library, self.playlists, self.station,
                            self.now, self.scheduler())  # fmt: skip

    def access(self) -> Access:
        """The station's users, tokens and sessions, each change ledgered."""
        from onair.access import Access  # argon2 loads only where passwords are handled
        from onair.storage.repositories.access import SqlAccess

        return Access(SqlAccess(self.engine, self.ledger), self.station, self.now)

    def program(self) -> StationProgram | None:
        """The station file in force, or None before one is applied."""
        try:
            return self.programs.current(self.station).program
        except NoProgram:
            return None

    def zone(self) -> ZoneInfo:
        """The station's timezone: its station file's, else the settings'."""
        program = self.program()
        return program.zone if program is not None else ZoneInfo(self.settings.timezone)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Stores:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_stores(settings: Settings, *, objects: bool = False) -> Stores:
    """The settings' database, reachable and at the schema this onair needs.

    With ``objects`` the object store is reached now too, so a command that
    needs it fails before it starts, with one line.
    """
    engine = connect_database(settings)
    try:
        schema_ready(settings)
        stores = Stores(settings, engine)
        if objects:
            stores.objects  # noqa: B018 - reached now: it fails here, not halfway through
    except BaseException:
        engine.dispose()
        raise
    return stores


def open_library(settings: Settings) -> Stores:
    """The stores with the object store reached, for commands that read or fill the library."""
    return open_stores(settings, objects=True)
