"""Playlists as a program director works them: create, read, edit, reorder, delete.

The API's routes and ``onair playlist`` both go through :class:`PlaylistDesk`.
Each change is one operator action in the compliance ledger, in the change's
transaction, and each is judged against the station's rules before it is
stored (see ``playlist_checks``): a refusal stores nothing, warnings come
back with the playlist.

A change of a playlist's items also builds anew the built hours ahead that air
it (each one operator action, ``schedule.rebuild_hour``), so the schedule airs
the list as it now is; a locked hour, or one on the air, keeps what it had and
is named in the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ulid import ULID

from onair.domain.ledger import EntryDraft, operator_action
from onair.domain.playlists import (
    MAX_ITEMS,
    Playlist,
    PlaylistChange,
    PlaylistInUse,
    PlaylistRefused,
    PlaylistWarning,
    UnknownPlaylist,
)
from onair.domain.programming import NAME_PATTERN, ItemKind, StationProgram
from onair.domain.schedule import Playable
from onair.scheduler.playlist_checks import judge_playlist
from onair.scheduler.ports import PlaylistStore, ProgramStore, ScheduleLibrary

if TYPE_CHECKING:
    from onair.scheduler.service import Scheduler

__all__ = ["REBUILT_AHEAD", "PlaylistDesk", "airing_categories"]

# How far ahead built hours that air an edited playlist are built anew with it.
REBUILT_AHEAD = timedelta(days=62)


def airing_categories(program: StationProgram, name: str) -> list[str]:
    """The station file's categories that air the playlist ``name``."""
    return [
        category
        for category, c in program.categories.items()
        if c.type is ItemKind.PLAYLIST and c.playlist == name
    ]


class PlaylistDesk:
    """One station's playlists."""

    def __init__(
        self,
        programs: ProgramStore,
        library: ScheduleLibrary,
        store: PlaylistStore,
        station: str,
        now: Callable[[], datetime],
        scheduler: Scheduler | None = None,
    ) -> None:
        self.programs = programs
        self.library = library
        self.store = store
        self.station = station
        self.now = now
        # Builds anew the hours ahead that air an edited playlist (None: they stay).
        self.scheduler = scheduler

    # -- reading -------------------------------------------------------------------

    def listing(self) -> list[Playlist]:
        return self.store.listing(self.station)

    def playlist(self, name: str) -> Playlist:
        found = self.store.find(self.station, name)
        if found is None:
            raise UnknownPlaylist(f"station {self.station} has no playlist {name!r}")
        return found

    def assets(self, playlists: Sequence[Playlist]) -> dict[str, Playable]:
        """The library's assets the playlists name (those still in it), by id."""
        ids = {a for p in playlists for a in p.asset_ids}
        return {s.id: s for s in self.library.playables(self.station, ids)} if ids else {}

    # -- changing ------------------------------------------------------------------

    def create(self, name: str, title: str, asset_ids: Sequence[str], who: str) -> PlaylistChange:
        """A new playlist of ``asset_ids`` in that order, judged before it is stored."""
        if not NAME_PATTERN.match(name):
            raise PlaylistRefused(
                "name",
                "name",
                f"{name!r} is not a playlist name: use a-z,"
                " 0-9, '-' or '_', starting with a letter",
            )
        program = self._program()
        now = self.now()
        playlist = Playlist(self.station, name, title or name, tuple(asset_ids), now, now)
        warnings = self._judged(program, playlist)
        detail = {"name": name, "title": playlist.title, "asset_ids": list(asset_ids)}
        stored = self.store.create(playlist, self._action("playlist.create", who, detail))
        return PlaylistChange(stored, warnings)

    def retitle(self, name: str, title: str, who: str) -> PlaylistChange:
        return self._change(name, who, "playlist.retitle", {"title": title},
                            lambda p: replace(p, title=title))  # fmt: skip

    def replace_items(self, name: str, asset_ids: Sequence[str], who: str) -> PlaylistChange:
        """The playlist's items, all of them, in a new order (or new ones)."""
        return self._change(name, who, "playlist.replace_items", {"asset_ids": list(asset_ids)},
                            lambda p: replace(p, asset_ids=tuple(asset_ids)))  # fmt: skip

    def add_item(self, name: str, asset_id: str, position: int | None, who: str) -> PlaylistChange:
        """``asset_id`` in at ``position`` (0 first; None: last)."""

        def added(playlist: Playlist) -> Playlist:
            items = list(playlist.asset_ids)
            at = len(items) if position is None else position
            _within(at, len(items) + 1, "position")
            items.insert(at, asset_id)
            return replace(playlist, asset_ids=tuple(items))

        detail = {"asset_id": asset_id, "position": position}
        return self._change(name, who, "playlist.add_item", detail, added)

    def remove_item(self, name: str, position: int, who: str) -> PlaylistChange:
        def removed(playlist: Playlist) -> Playlist:
            items = list(playlist.asset_ids)
            _within(position, len(items), "position")
            del items[position]
            return replace(playlist, asset_ids=tuple(items))

        return self._change(name, who, "playlist.remove_item", {"position": position}, removed)

    def move_item(self, name: str, position: int, to: int, who: str) -> PlaylistChange:
        """The item at ``position`` moved to ``to``, the items between shifted."""

        def moved(playlist: Playlist) -> Playlist:
            items = list(playlist.asset_ids)
            _within(position, len(items), "position")
            _within(to, len(items), "to")
            items.insert(to, items.pop(position))
            return replace(playlist, asset_ids=tuple(items))

        detail = {"position": position, "to": to}
        return self._change(name, who, "playlist.move_item", detail, moved)

    def delete(self, name: str, who: str) -> Playlist:
        """Remove the playlist, unless the station file in force airs it (PlaylistInUse)."""
        program = self._program()
        airing = airing_categories(program, name)
        if airing:
            listed = ", ".join(airing)
            raise PlaylistInUse(f"playlist {name!r} airs in category {listed} of the station"
                                " file in force: remove it there first", airing)  # fmt: skip
        return self.store.delete(self.station, name,
                                 self._action("playlist.delete", who, {"name": name}))  # fmt: skip

    # -- within --------------------------------------------------------------------

    def _change(self, name: str, who: str, action: str, detail: dict[str, Any],
                make: Callable[[Playlist], Playlist]) -> PlaylistChange:  # fmt: skip
        program = self._program()
        warnings: list[PlaylistWarning] = []

        def edit(before: Playlist) -> Playlist:
            after = replace(make(before), updated_at=self.now())
            warnings[:] = self._judged(program, after)
            return after

        draft = self._action(action, who, {"name": name, **detail})
        stored = self.store.change(self.station, name, edit, draft)
        return self._aired(program, PlaylistChange(stored, warnings), who)

    def _aired(self, program: StationProgram, change: PlaylistChange, who: str) -> PlaylistChange:
        """``change`` with the built hours ahead that air its playlist built anew, in order
        (an hour carries the playlist on from the one before)."""
        categories = set(airing_categories(program, change.playlist.name))
        if self.scheduler is None or not categories:
            return change
        clocks = {name for name, clock in program.clocks.items()
                  if any(s.category in categories for s in clock.slots)}  # fmt: skip
        now = self.now()
        built = self.scheduler.stored(self.station, now - timedelta(hours=1), now + REBUILT_AHEAD)
        rebuilt, kept, version = [], [], None
        for plan in (p for p in built if p.clock in clocks and p.end > now):
            if plan.locked or plan.start <= now:
                kept.append(plan.start)
                continue
            report = self.scheduler.rebuild_hour(self.station, plan.start, plan.seed, who)
            rebuilt += report.built
            version = report.program_version
        return replace(change, rebuilt=tuple(rebuilt), kept=tuple(kept), program_version=version)

    def _judged(self, program: StationProgram, playlist: Playlist) -> list[PlaylistWarning]:
        if len(playlist.asset_ids) > MAX_ITEMS:
            raise PlaylistRefused(
                "asset_ids",
                "size",
                f"{len(playlist.asset_ids)} items: a playlist holds up to {MAX_ITEMS}",
            )
        assets = self.assets([playlist])
        airing = airing_categories(program, playlist.name)
        today = self.now().astimezone(program.zone).date()
        return judge_playlist(program, assets, playlist.asset_ids, today,
                              airing[0] if airing else None)  # fmt: skip

    def _program(self) -> StationProgram:
        return self.programs.current(self.station).program

    def _action(self, name: str, who: str, detail: dict[str, Any]) -> EntryDraft:
        return operator_action(self.station, str(ULID()), name, who, self.now(), detail=detail)


def _within(position: int, count: int, field: str) -> None:
    if not 0 <= position < count:
        places = f"give 0 to {count - 1}" if count else "the playlist has no items"
        raise PlaylistRefused(field, "position", f"{position} is not a place in it: {places}")
