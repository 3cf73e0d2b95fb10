"""The library as playout reads it: the scheduler's rule facts, and how each asset sounds.

``playables`` is the scheduler's own read (:class:`SqlScheduleLibrary`), so the
checks playout makes at air time see exactly what the schedule was built on.
``sounds`` reads only the assets asked for, a bounded chunk per query.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, Row

from onair.domain.library import Ending
from onair.domain.playout import AssetSound
from onair.domain.schedule import Playable
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.tables import Asset, AssetAnalysis

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


class SqlPlayoutLibrary:
    """The ``PlayoutLibrary`` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._schedule_library = SqlScheduleLibrary(engine)

    def playables(self, station: str, ids: Collection[str] | None = None) -> list[Playable]:
        """Every timeable asset of the station (or those of ``ids``), as the scheduler sees it."""
        return self._schedule_library.playables(station, ids)

    def sounds(self, station: str, ids: Collection[str]) -> dict[str, AssetSound]:
        """Cue points, gain and master of each of ``ids`` that has audio; others are absent.

        An asset of another station, a catalog entry still waiting for its file,
        or an unknown id is left out.
        """
        wanted = sorted(set(ids))
        sounds: dict[str, AssetSound] = {}
        with self.engine.connect() as conn:
            for n in range(0, len(wanted), _CHUNK):
                params = {"station": station, "ids": wanted[n : n + _CHUNK]}
                for row in conn.execute(_SOUNDS, params):
                    sounds[row.id] = _sound(row)
        return sounds


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
