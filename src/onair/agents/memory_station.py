"""The agents' ports over lists in memory: a test double beside the ports, as httpx's MockTransport.

One station's program, its schedule items, its assets and the segments saved,
for tests and benchmarks that exercise writing and voicing without a database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from onair.domain.library import AssetKind
from onair.domain.programming import StationProgram
from onair.domain.schedule import Playable, ScheduledItem
from onair.domain.segments import Segment

__all__ = ["MemoryStation"]


@dataclass
class MemoryStation:
    """Schedule, library, programs and segment store of one station, in memory."""

    station_program: StationProgram
    items: list[ScheduledItem]
    assets: dict[str, Playable]
    saved: list[tuple[Segment, bytes | None]] = field(default_factory=list)

    def program(self, station: str) -> StationProgram:
        return self.station_program

    def history(self, station: str, start: datetime, end: datetime) -> list[ScheduledItem]:
        return [i for i in self.items if start <= i.start < end]

    def playables(self, station: str, ids: Collection[str]) -> list[Playable]:
        return [self.assets[i] for i in ids if i in self.assets]

    def imaging(self, station: str) -> list[Playable]:
        return [a for a in self.assets.values() if a.kind is not AssetKind.MUSIC]

    def save(self, segment: Segment, audio: bytes | None) -> None:
        self.saved.append((segment, audio))

    def for_hour(self, station: str, hour: datetime) -> list[Segment]:
        newest = {s.schedule_item_id: s for s, _ in self.saved if s.hour == hour}
        return list(newest.values())

    def between(self, station: str, start: datetime, end: datetime) -> list[Segment]:
        return [s for s, _ in self.saved if start <= s.hour < end]

    def audio_of(self, segment_id: str) -> bytes | None:
        return next(audio for s, audio in self.saved if s.id == segment_id)
