"""What the scheduler needs from the outside: programs, the library, stored schedules."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Protocol

from onair.domain.ledger import EntryDraft
from onair.domain.playlists import Playlist
from onair.domain.programming import AppliedProgram, NoProgram, StationProgram
from onair.domain.schedule import HourLocked, HourPlan, Playable, ScheduledItem

__all__ = [
    "AppliedProgram",
    "HourLocked",
    "NoProgram",
    "PlaylistStore",
    "ProgramStore",
    "ScheduleLibrary",
    "ScheduleStore",
]


# AppliedProgram, NoProgram and HourLocked live in the domain so the storage adapter can build
# them without importing a service; they are part of this port all the same.


class ProgramStore(Protocol):
    """Station files applied, each a new version; the newest is in force."""

    def apply(
        self, program: StationProgram, source: str, action: EntryDraft | None = None,
        replacing: int | None = None,
    ) -> AppliedProgram:  # fmt: skip
        """Store ``program`` whole as the station's next version (registering the station).

        ``action``, an operator's, is recorded in the ledger in the same transaction.
        ``replacing``: the version the change started from (0 for none); another
        version in force raises ``ProgramChanged`` and stores nothing.
        """
        ...

    def current(self, station: str) -> AppliedProgram:
        """The program in force, or :class:`NoProgram`."""
        ...


class ScheduleLibrary(Protocol):
    """The library as the scheduler reads it."""

    def playables(self, station: str, ids: Collection[str] | None = None) -> list[Playable]:
        """Every asset of the station (or those of ``ids``), with timing, rule facts, rights."""
        ...


class ScheduleStore(Protocol):
    """Built hours and their items; locked hours never change."""

    def hours(self, station: str, start: datetime, end: datetime) -> list[HourPlan]:
        """The hours starting in ``[start, end)``, with their items, in air order."""
        ...

    def history(self, station: str, start: datetime, end: datetime) -> list[ScheduledItem]:
        """The items starting in ``[start, end)`` in air order (what rules look back on)."""
        ...

    def replace(self, station: str, plans: Sequence[HourPlan], program_version: int,
                action: EntryDraft | None = None) -> None:  # fmt: skip
        """Store ``plans``, each replacing the hour at its start, all in one transaction.

        Raises :class:`HourLocked` (storing nothing) if any of those hours is locked.
        ``action``, an operator's, is recorded in the ledger in the same transaction.
        """
        ...

    def lock(self, station: str, start: datetime, end: datetime, *, locked: bool = True,
             action: EntryDraft | None = None) -> int:  # fmt: skip
        """Lock (or with ``locked=False`` unlock) the built hours starting in ``[start, end)``.

        Returns how many hours changed; ``action`` is recorded as ``replace`` records it.
        """
        ...

    def item(self, station: str, item_id: str) -> ScheduledItem | None: ...


class PlaylistStore(Protocol):
    """Playlists built by hand; each change recorded with its operator action."""

    def listing(self, station: str) -> list[Playlist]: ...

    def find(self, station: str, name: str) -> Playlist | None: ...

    def items_of(self, station: str, names: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The asset ids of each of ``names`` that exists, in air order."""
        ...

    def create(self, playlist: Playlist, action: EntryDraft) -> Playlist:
        """Store a new playlist; ``PlaylistExists`` when the name is taken."""
        ...

    def change(
        self, station: str, name: str, edit: Callable[[Playlist], Playlist], action: EntryDraft
    ) -> Playlist:
        """Store what ``edit`` makes of the playlist as read in the change's transaction;
        ``UnknownPlaylist`` when there is none, nothing stored when ``edit`` raises."""
        ...

    def delete(self, station: str, name: str, action: EntryDraft) -> Playlist: ...
