"""The library as playout reads it: the scheduler's rule facts, and how each asset sounds.

``playables`` is the scheduler's own read (:class:`SqlScheduleLibrary`), so the
checks playout makes at air time see exactly what the schedule was built on.
``sounds`` reads only the assets asked for, a bounded chunk per query.

Asked by id, both also find the agents' voiced segments (the ids the playout
schedule gives planned items). A segment belongs to its one slot: it is never
in the full list fallback rotation draws from, and its category is its own, so
it never stands in for another item (a time check aired an hour late).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from onair.domain.library import AssetKind, Ending
from onair.domain.playout import AssetSound
from onair.domain.rights import UsageRights, Use
from onair.domain.schedule import Playable
from onair.domain.segments import SegmentKind, SegmentStatus
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.tables import AgentSegment, Asset, AssetAnalysis

__all__ = ["SqlPlayoutLibrary"]

_CHUNK = 1000  # ids per query: well under SQLite's and PostgreSQL's parameter limits

# Only assets with audio: a master to read and an analysis to cue it by.
_SOUNDS = (
    sa.select(
        Asset.id, Asset.master_key, AssetAnalysis.cue_in_s, AssetAnalysis.cue_out_s,
        AssetAnalysis.intro_end_s, AssetAnalysis.segue_s, AssetAnalysis.gain_db,
        AssetAnalysis.ending,
    )
    .join(AssetAnalysis, AssetAnalysis.asset_id == Asset.id)
    .where(
        Asset.station_id == sa.bindparam("station"),
        Asset.master_key.is_not(None),
        Asset.id.in_(sa.bindparam("ids", expanding=True)),
    )
)  # fmt: skip

# Only voiced segments: a fallback or a drop airs another asset, or nothing.
_SEGMENTS = sa.select(
    AgentSegment.id, AgentSegment.kind, AgentSegment.language, AgentSegment.duration_ms,
    AgentSegment.master_key, AgentSegment.gain_db, AgentSegment.duck_db,
).where(
    AgentSegment.station_id == sa.bindparam("station"),
    AgentSegment.status == SegmentStatus.READY.value,
    AgentSegment.master_key.is_not(None),
    AgentSegment.id.in_(sa.bindparam("ids", expanding=True)),
)  # fmt: skip

_ASSET_KIND = {
    SegmentKind.VOICE_LINK: AssetKind.VOICE, SegmentKind.TIME_WEATHER: AssetKind.VOICE,
    SegmentKind.FEED: AssetKind.VOICE, SegmentKind.STATION_ID: AssetKind.STATION_ID,
    SegmentKind.SHOW_PROMO: AssetKind.PROMO, SegmentKind.LINER: AssetKind.LINER,
}  # fmt: skip
_TITLE = {
    SegmentKind.VOICE_LINK: "Voice link", SegmentKind.TIME_WEATHER: "Time and weather",
    SegmentKind.FEED: "Feed", SegmentKind.STATION_ID: "Station ID",
    SegmentKind.SHOW_PROMO: "Show promo", SegmentKind.LINER: "Liner",
}  # fmt: skip
# The station's own words: every use, everywhere, with no window.
_OWN_WORDS = (UsageRights(uses=frozenset(Use)),)


class SqlPlayoutLibrary:
    """The ``PlayoutLibrary`` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._schedule_library = SqlScheduleLibrary(engine)

    def playables(self, station: str, ids: Collection[str] | None = None) -> list[Playable]:
        """Every timeable asset of the station (or those of ``ids``), as the scheduler sees it.

        Asked by id, a voiced segment among ``ids`` comes back too.
        """
        found = self._schedule_library.playables(station, ids)
        if ids is None:
            return found
        return found + [_segment_playable(row) for row in self._segments(station, ids)]

    def sounds(self, station: str, ids: Collection[str]) -> dict[str, AssetSound]:
        """Cue points, gain and master of each of ``ids`` that has audio; others are absent.

        A voiced segment among ``ids`` airs whole, from its master, cold. An
        asset of another station, a catalog entry still waiting for its file,
        or an unknown id is left out.
        """
        with self.engine.connect() as conn:
            sounds = {row.id: _sound(row) for row in _rows(conn, _SOUNDS, station, ids)}
            segments = _rows(conn, _SEGMENTS, station, ids)
        sounds.update((row.id, _segment_sound(row)) for row in segments)
        return sounds

    def _segments(self, station: str, ids: Collection[str]) -> list[Row[Any]]:
        with self.engine.connect() as conn:
            return _rows(conn, _SEGMENTS, station, ids)


def _rows(
    conn: Connection, query: sa.Select[*tuple[Any, ...]], station: str, ids: Collection[str]
) -> list[Row[Any]]:
    """The rows of ``query`` for ``ids``, a bounded chunk of ids per query."""
    wanted = sorted(set(ids))
    rows: list[Row[Any]] = []
    for n in range(0, len(wanted), _CHUNK):
        rows.extend(conn.execute(query, {"station": station, "ids": wanted[n : n + _CHUNK]}))
    return rows


def _sound(row: Row[*tuple[Any, ...]]) -> AssetSound:
    return AssetSound(
        asset_id=row.id,
        master_key=row.master_key,
        cue_in_s=row.cue_in_s,
        cue_out_s=row.cue_out_s,
        intro_s=row.intro_end_s,
        segue_s=row.segue_s,
        gain_db=row.gain_db,
        ending=Ending(row.ending),
    )


def _segment_playable(row: Row[Any]) -> Playable:
    kind = SegmentKind(row.kind)
    title = f"{_TITLE[kind]} ({row.language})"
    return Playable(
        id=row.id, kind=_ASSET_KIND[kind], title=title, artist=None, artists=(),
        artist_keys=(), title_key=title.casefold(), album=None, album_key=None, isrc=None,
        length_ms=row.duration_ms, intro_ms=0, segue_ms=row.duration_ms,
        # Its own category: a segment never stands in for another item of the slot's category.
        category=f"segment:{kind.value}", ending=Ending.COLD, rights=_OWN_WORDS,
    )  # fmt: skip


def _segment_sound(row: Row[Any]) -> AssetSound:
    length_s = row.duration_ms / 1000
    # A depth is dB down, as the station's duck setting; a link that says -6 means 6 down.
    duck_db = None if row.duck_db is None else abs(row.duck_db)
    return AssetSound(row.id, row.master_key, 0.0, length_s, 0.0, length_s, row.gain_db,
                      Ending.COLD, duck_db)  # fmt: skip
