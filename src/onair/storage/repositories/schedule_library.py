"""The library as the scheduler reads it: every asset of a station that can be timed.

Three Core selects of just the columns needed (assets with their analysis and
lead artist, the other credited artists, rights), run on the driver's cursor
and grouped in Python with no ORM objects or SQLAlchemy rows: the read is most
of what a week's build of a 100,000-song library costs.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from onair.domain.albums import album_key
from onair.domain.library import AssetKind, Ending, artist_key, title_key
from onair.domain.rights import UsageRights, Use
from onair.domain.schedule import Playable
from onair.domain.tags import VocalGender
from onair.storage.tables import Asset, AssetAnalysis, AssetArtist, AssetRight

__all__ = ["CATALOG_CROSSFADE_MS", "SqlScheduleLibrary"]

# An asset timed from its catalog duration (no audio yet) segues this long before its end.
CATALOG_CROSSFADE_MS = 2000

# The first credited artist rides on the asset's row: most songs credit one, and a
# select of every credit cost as much as the rest of the asset's columns together.
_LEAD = aliased(AssetArtist, name="lead")
# In the order _playables unpacks them.
_COLUMNS = (
    Asset.id, Asset.kind, Asset.title, Asset.artist, Asset.album, Asset.album_artist,
    Asset.isrc, Asset.duration_s, Asset.year, Asset.genre, Asset.explicit,
    Asset.vocal_gender, Asset.category, Asset.tag_bpm, Asset.tag_energy,
    AssetAnalysis.cue_in_s, AssetAnalysis.cue_out_s, AssetAnalysis.intro_end_s,
    AssetAnalysis.segue_s, AssetAnalysis.ending, AssetAnalysis.bpm, AssetAnalysis.energy,
    Asset.title_is_file_name, Asset.title_key, Asset.album_key, _LEAD.name, _LEAD.artist_key,
)  # fmt: skip
_ASSETS = (
    sa.select(*_COLUMNS)
    .outerjoin(AssetAnalysis, AssetAnalysis.asset_id == Asset.id)
    .outerjoin(_LEAD, (_LEAD.asset_id == Asset.id) & (_LEAD.position == 0))
    .where(Asset.station_id == sa.bindparam("station"))
)  # sorted by id in Python, faster than SQLite's temporary b-tree
_ARTISTS = (
    sa.select(AssetArtist.asset_id, AssetArtist.name, AssetArtist.artist_key)
    .join(Asset, Asset.id == AssetArtist.asset_id)
    .where(Asset.station_id == sa.bindparam("station"), AssetArtist.position > 0)
    .order_by(AssetArtist.asset_id, AssetArtist.position)
)
# The JSON lists as text: most assets share a few deals, each parsed once.
_RIGHTS = (
    sa.select(
        AssetRight.asset_id,
        sa.cast(AssetRight.territories, sa.Text),
        AssetRight.valid_from,
        AssetRight.valid_until,
        sa.cast(AssetRight.uses, sa.Text),
    )
    .join(Asset, Asset.id == AssetRight.asset_id)
    .where(Asset.station_id == sa.bindparam("station"))
    .order_by(AssetRight.asset_id, AssetRight.id)
)
# The same three for some assets only (the API's now playing, playout's next items).
_ONLY = Asset.id.in_(sa.bindparam("ids", expanding=True))
_SOME_ASSETS, _SOME_ARTISTS, _SOME_RIGHTS = (
    _ASSETS.where(_ONLY),
    _ARTISTS.where(_ONLY),
    _RIGHTS.where(_ONLY),
)

# What changes when any asset of the station is written or removed.
_STAMP = sa.select(sa.func.count(), sa.func.max(Asset.updated_at)).where(
    Asset.station_id == sa.bindparam("station")
)

_KINDS = {k.value: k for k in AssetKind}
_ENDINGS = {e.value: e for e in Ending}
_GENDERS = {g.value: g for g in VocalGender}

Credits = tuple[tuple[str, ...], tuple[str, ...]]  # names and their keys, main artist first


class SqlScheduleLibrary:
    """The ``ScheduleLibrary`` on SQLite or PostgreSQL.

    The whole library of a station, once read, is kept until the station's
    assets change: a second build, or an operator's edit of an hour, does not
    read 100,000 songs again. Every write of an asset (its analysis, artists
    and rights are written with it) stamps its ``updated_at``, and a removal
    lowers the count, so the count and the latest stamp tell a change.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._kept: dict[str, tuple[tuple[Any, ...], list[Playable]]] = {}

    def playables(self, station: str, ids: Collection[str] | None = None) -> list[Playable]:
        """Every asset of the station that can be timed (or those of ``ids``), by id.

        An asset with analysed audio is timed from its cue points; one from a
        catalog whose audio has not arrived, from the catalog's duration
        (``has_audio`` False). An asset with neither is left out: it cannot be
        placed in an hour.
        """
        params: dict[str, Any] = {"station": station}
        if ids is not None:
            params["ids"] = sorted(ids)
            with self.engine.connect() as conn:
                return _read(conn, params, _SOME_ASSETS, _SOME_ARTISTS, _SOME_RIGHTS)
        with self.engine.connect() as conn:
            stamp = tuple(conn.execute(_STAMP, params).one())
            kept = self._kept.get(station)
            if kept is not None and kept[0] == stamp:
                return list(kept[1])
            # Read after the stamp: a write in between is read now and seen as a change
            # next time, never missed.
            playables = _read(conn, params, _ASSETS, _ARTISTS, _RIGHTS)
        self._kept[station] = (stamp, playables)
        return list(playables)


def _read(
    conn: Connection,
    params: dict[str, Any],
    assets: ClauseElement,
    artists: ClauseElement,
    deals: ClauseElement,
) -> list[Playable]:
    with _without_collection():
        more = _credits(_fetch(conn, artists, params))
        rights = _rights(_fetch(conn, deals, params))
        rows = _fetch(conn, assets, params)
        rows.sort(key=itemgetter(0))
        return _playables(rows, more, rights)


def _fetch(conn: Connection, query: ClauseElement, params: dict[str, Any]) -> list[Any]:
    """Every row of ``query`` as the driver's tuples, fetched whole.

    SQLAlchemy's rows and result processors cost a third again over the
    driver's fetch for 100,000 rows; only the deals' dates need converting,
    which ``_usage_rights`` does once per deal.
    """
    compiled = _compiled(query, conn.dialect)
    state = compiled.construct_expanded_state(params)  # the id list, one parameter per id
    args = state.positional_parameters if compiled.positional else state.parameters
    cursor = conn.connection.cursor()
    try:
        cursor.execute(state.statement, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


@lru_cache(maxsize=32)
def _compiled(query: ClauseElement, dialect: Dialect) -> SQLCompiler:
    """``query`` compiled once per dialect: compiling costs more than a read of a few assets."""
    compiled = query.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    return compiled


@contextmanager
def _without_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load makes its million objects.

    None of them form cycles, yet each allocation burst triggers collections
    that walk everything already built: that nearly doubled the load time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _credits(rows: list[Any]) -> dict[str, Credits]:
    credits: dict[str, Credits] = {}
    for asset_id, name, key in rows:
        had = credits.get(asset_id)
        if had is None:  # the usual case: one artist
            credits[asset_id] = ((name,), (key,))
        else:
            credits[asset_id] = ((*had[0], name), (*had[1], key))
    return credits


def _rights(rows: list[Any]) -> dict[str, tuple[UsageRights, ...]]:
    grouped: dict[str, tuple[UsageRights, ...]] = {}
    made: dict[tuple[Any, ...], UsageRights] = {}
    for asset_id, *deal in rows:
        key = tuple(deal)
        rights = made.get(key)
        if rights is None:
            rights = made[key] = _usage_rights(*deal)
        before = grouped.get(asset_id)
        grouped[asset_id] = (rights,) if before is None else (*before, rights)
    return grouped


def _usage_rights(
    territories: str, valid_from: date | str | None, valid_until: date | str | None, uses: str
) -> UsageRights:
    return UsageRights(
        territories=frozenset(json.loads(territories)),
        valid_from=_day(valid_from),
        valid_until=_day(valid_until),
        uses=frozenset(Use(u) for u in json.loads(uses)),
    )


def _day(value: date | str | None) -> date | None:
    """A date column as the driver gives it: SQLite's is ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _playables(
    rows: list[Any], more: dict[str, Credits], rights: dict[str, tuple[UsageRights, ...]]
) -> list[Playable]:
    """The rows that can be timed as Playables, in their order; ``more``, the artists
    credited after the lead, by asset.

    One loop with the row unpacked in place: it runs for every asset of the
    station, so each call and attribute look-up saved counts 100,000 times.
    """
    title_keys = cache(title_key)
    album_keys = cache(album_key)  # albums repeat on every track
    kinds, genders, endings, no_rights = _KINDS, _GENDERS, _ENDINGS, ()
    playables: list[Playable] = []
    append = playables.append
    for (asset_id, kind, title, artist, album, album_artist, isrc, duration_s, year, genre,
         explicit, gender, category, tag_bpm, tag_energy, cue_in, cue_out, intro_end, segue,
         ending, bpm, energy, file_name, stored_title, stored_album, lead,
         lead_key) in rows:  # fmt: skip
        # Timed from the cue points, else from the catalog's duration; else not at all.
        if cue_in is not None:
            length = round((cue_out - cue_in) * 1000)
            intro = min(length, max(0, round((intro_end - cue_in) * 1000)))
            segue_ms = min(length, max(0, round((segue - cue_in) * 1000)))
        elif duration_s is not None:
            length = round(duration_s * 1000)
            intro, segue_ms = 0, max(0, length - CATALOG_CROSSFADE_MS)
        else:
            continue
        if length <= 0:
            continue
        credited: Credits
        if lead is not None:
            credited = ((lead,), (lead_key,))
            if more and (others := more.get(asset_id)) is not None:
                credited = ((lead, *others[0]), (lead_key, *others[1]))
        elif more and asset_id in more:
            credited = more[asset_id]
        else:
            credited = ((artist,), (artist_key(artist),)) if artist else ((), ())
        # Keyed when saved; a row saved without its keys is keyed here.
        tkey = stored_title if stored_title is not None else title_keys(title)
        akey = stored_album
        if akey is None and album:
            akey = album_keys(album, album_artist)
        append(Playable(
            asset_id, kinds[kind], title, artist, credited[0], credited[1], tkey, album,
            akey if album else None, isrc, length, intro, segue_ms, category, year, genre,
            bool(explicit), genders[gender] if gender else None,
            tag_bpm if tag_bpm is not None else bpm,  # the label's tag first
            tag_energy if tag_energy is not None else energy,
            endings[ending] if ending else None,
            rights.get(asset_id, no_rights), cue_in is not None, bool(file_name),
        ))  # fmt: skip
    return playables
