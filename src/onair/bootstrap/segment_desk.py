"""The segment desk the API's agents routes work through, wired to the station's stores."""

from __future__ import annotations

from datetime import datetime

from onair.agents.segment_desk import SaveSegment, SegmentDesk
from onair.agents.voices.ffmpeg_speech import read_speech, to_flac
from onair.bootstrap.agents import agent_runtime
from onair.bootstrap.stores import Stores
from onair.domain.segments import Segment
from onair.storage.repositories.segment_desk import SqlSegmentDesk

__all__ = ["segment_desk"]


def segment_desk(stores: Stores) -> SegmentDesk:
    """The desk over ``stores``; a segment made again is made by the agent runtime."""

    def regenerate(hour: datetime, item_id: str, save: SaveSegment) -> Segment | None:
        with agent_runtime(stores, _Saving(stores, save)) as runtime:
            report = runtime.fill_hour(hour, only=item_id)
        return next((s for s in report.segments if s.schedule_item_id == item_id), None)

    def target_lufs() -> float:
        program = stores.program()
        return program.voice.target_lufs if program else stores.settings.loudness_target_lufs

    records = SqlSegmentDesk(stores.engine, stores.objects, stores.ledger)
    return SegmentDesk(records, stores.station, stores.now, stores.zone, regenerate, read_speech,
                       to_flac, target_lufs)  # fmt: skip


class _Saving:
    """The runtime's segment store, saving through the desk (with its operator action)."""

    def __init__(self, stores: Stores, save: SaveSegment) -> None:
        self._segments = stores.segments
        self._save = save

    def save(self, segment: Segment, audio: bytes | None) -> None:
        self._save(segment, audio)

    def for_hour(self, station: str, hour: datetime) -> list[Segment]:
        return self._segments.for_hour(station, hour)

    def between(self, station: str, start: datetime, end: datetime) -> list[Segment]:
        return self._segments.between(station, start, end)
