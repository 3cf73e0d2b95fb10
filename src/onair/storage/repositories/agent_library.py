"""The library as the agents read it: the songs around a link, and the station's imaging."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from onair.domain.library import AssetKind
from onair.domain.schedule import Playable
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.tables import Asset, AssetAnalysis

__all__ = ["SqlAgentLibrary"]

_IMAGING = (AssetKind.LINER.value, AssetKind.STATION_ID.value, AssetKind.SWEEPER.value)


class SqlAgentLibrary(SqlScheduleLibrary):
    """The ``AgentLibrary`` on SQLite or PostgreSQL."""

    def playables(self, station: str, ids: Collection[str] | None = None) -> list[Playable]:
        if ids is not None and not ids:
            return []
        return super().playables(station, ids)

    def imaging(self, station: str) -> list[Playable]:
        """Recorded liners, IDs and sweepers with analysed audio."""
        query = (
            sa.select(Asset.id)
            .join(AssetAnalysis, AssetAnalysis.asset_id == Asset.id)
            .where(
                Asset.station_id == station,
                Asset.kind.in_(_IMAGING),
                Asset.master_key.is_not(None),
            )
        )
        with self.engine.connect() as conn:
            ids = list(conn.scalars(query))
        return [p for p in self.playables(station, ids) if p.has_audio]
