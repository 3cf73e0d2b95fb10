"""Playlists and their items on SQLite or PostgreSQL.

Each change is written in the ledger's transaction for its operator action
(``SqlLedger.recorded``), under the station's write lock: the playlist is read,
edited and written there, so two edits at once apply one after the other and
each is judged on what the other left.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from onair.domain.ledger import EntryDraft
from onair.domain.playlists import Playlist, PlaylistExists, UnknownPlaylist
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.tables import PlaylistItemRow, PlaylistRow

__all__ = ["SqlPlaylists"]

_P, _I = PlaylistRow, PlaylistItemRow


class SqlPlaylists:
    """The scheduler's ``PlaylistStore``: ``playlists`` and ``playlist_items``."""

    def __init__(self, engine: Engine, ledger: SqlLedger) -> None:
        self.engine = engine
        self.ledger = ledger

    def listing(self, station: str) -> list[Playlist]:
        """The station's playlists by name, each with its items."""
        with self.engine.connect() as conn:
            return _read(conn, station, None)

    def find(self, station: str, name: str) -> Playlist | None:
        with self.engine.connect() as conn:
            found = _read(conn, station, [name])
        return found[0] if found else None

    def items_of(self, station: str, names: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The asset ids of each of ``names`` that exists, in air order."""
        if not names:
            return {}
        with self.engine.connect() as conn:
            return {p.name: p.asset_ids for p in _read(conn, station, names)}

    def create(self, playlist: Playlist, action: EntryDraft) -> Playlist:
        """Store a new playlist; :class:`PlaylistExists` when the name is taken."""
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            if _read(conn, playlist.station, [playlist.name]):
                raise PlaylistExists(
                    f"station {playlist.station} has a playlist {playlist.name!r} already"
                )
            conn.execute(sa.insert(_P).values(
                station_id=playlist.station, name=playlist.name, title=playlist.title,
                created_at=playlist.created_at, updated_at=playlist.updated_at,
            ))  # fmt: skip
            _write_items(conn, playlist)
        return playlist

    def change(
        self, station: str, name: str, edit: Callable[[Playlist], Playlist], action: EntryDraft
    ) -> Playlist:
        """Read the playlist, ``edit`` it and store what it gives, all in the action's
        transaction; ``edit`` may refuse (raise), and then nothing is stored or recorded.
        The action's ``before`` and ``after`` are the items' asset ids."""
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            found = _read(conn, station, [name])
            if not found:
                raise UnknownPlaylist(f"station {station} has no playlist {name!r}")
            before = found[0]
            after = edit(before)
            conn.execute(sa.update(_P).where(_P.station_id == station, _P.name == name)
                         .values(title=after.title, updated_at=after.updated_at))  # fmt: skip
            conn.execute(sa.delete(_I).where(_I.station_id == station, _I.playlist == name))
            _write_items(conn, after)
            recording.draft = replace(action, body={
                **action.body, "before": _summary(before), "after": _summary(after)})  # fmt: skip
        return after

    def delete(self, station: str, name: str, action: EntryDraft) -> Playlist:
        """Remove the playlist and its items; :class:`UnknownPlaylist` when there is none."""
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            found = _read(conn, station, [name])
            if not found:
                raise UnknownPlaylist(f"station {station} has no playlist {name!r}")
            conn.execute(sa.delete(_I).where(_I.station_id == station, _I.playlist == name))
            conn.execute(sa.delete(_P).where(_P.station_id == station, _P.name == name))
            recording.draft = replace(action, body={**action.body,
                                                    "before": _summary(found[0])})  # fmt: skip
        return found[0]


def _summary(playlist: Playlist) -> dict[str, object]:
    return {"title": playlist.title, "asset_ids": list(playlist.asset_ids)}


def _write_items(conn: Connection, playlist: Playlist) -> None:
    if playlist.asset_ids:
        conn.execute(sa.insert(_I), [
            {"station_id": playlist.station, "playlist": playlist.name, "position": n,
             "asset_id": asset_id}
            for n, asset_id in enumerate(playlist.asset_ids)
        ])  # fmt: skip


def _read(conn: Connection, station: str, names: Collection[str] | None) -> list[Playlist]:
    heads = sa.select(_P.name, _P.title, _P.created_at, _P.updated_at).where(
        _P.station_id == station
    )
    items = sa.select(_I.playlist, _I.asset_id).where(_I.station_id == station)
    if names is not None:
        heads = heads.where(_P.name.in_(list(names)))
        items = items.where(_I.playlist.in_(list(names)))
    listed: dict[str, list[str]] = {}
    for playlist, asset_id in conn.execute(items.order_by(_I.playlist, _I.position)):
        listed.setdefault(playlist, []).append(asset_id)
    found: list[Playlist] = []
    for name, title, created_at, updated_at in conn.execute(heads.order_by(_P.name)):
        found.append(Playlist(station, name, title, tuple(listed.get(name, ())),
                              created_at, updated_at))  # fmt: skip
    return found
