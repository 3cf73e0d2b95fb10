"""The agents' segments as a voice reviews them: an hour's scripts and audio, one made
again, one approved or rejected, one replaced by a human recording.

Segments are only added: each change is a newer segment for the same schedule
item, which playout airs in place of the older one (kept as history). A
rejection is a dropped segment, so nothing airs for the item and playout times
the hour around it; approving it again restores the voiced one. Each change is
one operator action in the compliance ledger, in the segment's transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Protocol
from zoneinfo import ZoneInfo

from ulid import ULID

from onair.agents.ports import Speech
from onair.agents.voicing import to_loudness, trim_silence
from onair.domain.errors import DomainError
from onair.domain.ledger import EntryDraft, EntryKind
from onair.domain.segments import Segment, SegmentStatus

__all__ = ["MAX_RECORDING_S", "NoSuchSegment", "SegmentDesk", "SegmentRecords", "SegmentRefused"]

SaveSegment = Callable[[Segment, bytes | None], None]
MAX_RECORDING_S = 300.0  # a voice track is a link, a promo, an ID: minutes, never an hour


class NoSuchSegment(DomainError):
    """No segment of the station has that id."""


class SegmentRefused(DomainError):
    """The change cannot be made to that segment (aired already, nothing to restore...)."""


class SegmentRecords(Protocol):
    def get(self, segment_id: str) -> Segment | None: ...
    def newest(self, station: str, schedule_item_id: str) -> Segment | None: ...
    def for_hour(self, station: str, hour: datetime) -> list[Segment]: ...
    def supersede(self, segment: Segment, audio: bytes | None, action: EntryDraft) -> None: ...
    def audio(self, key: str) -> AbstractContextManager[BinaryIO]: ...


class SegmentDesk:
    """One station's segments for review.

    ``regenerate(hour, item_id, save)`` makes the item's segment again as ``onair
    agents run`` does, stores it through ``save`` and returns it;
    ``read_speech(path, max_s)`` decodes a recording; ``flac`` encodes speech for
    the object store; ``target_lufs`` is the loudness a recording is brought to,
    as the agents' voice is.
    """

    def __init__(
        self,
        records: SegmentRecords,
        station: str,
        now: Callable[[], datetime],
        zone: Callable[[], ZoneInfo],
        regenerate: Callable[[datetime, str, SaveSegment], Segment | None],
        read_speech: Callable[[str, float], Speech],
        flac: Callable[[Speech], bytes],
        target_lufs: Callable[[], float],
    ) -> None:
        self.records = records
        self.station = station
        self.now = now
        self.zone = zone
        self._regenerate = regenerate
        self._read_speech = read_speech
        self._flac = flac
        self._target_lufs = target_lufs

    def hour_start(self, hour: datetime) -> datetime:
        """The top of the hour ``hour`` lies in; a time without an offset is station-local."""
        if hour.tzinfo is None:
            hour = hour.replace(tzinfo=self.zone())
        return hour.replace(minute=0, second=0, microsecond=0)

    def hour(self, hour: datetime) -> list[Segment]:
        """The hour's segments, the newest of each schedule item."""
        return self.records.for_hour(self.station, self.hour_start(hour))

    def segment(self, segment_id: str) -> Segment:
        found = self.records.get(segment_id)
        if found is None or found.station != self.station:
            raise NoSuchSegment(f"no segment {segment_id!r} at station {self.station}")
        return found

    def audio(self, segment_id: str) -> AbstractContextManager[BinaryIO]:
        """The segment's voiced audio (FLAC); :class:`SegmentRefused` when it has none."""
        segment = self.segment(segment_id)
        if segment.master_key is None:
            raise SegmentRefused(
                f"segment {segment_id!r} is {segment.status.value}: it has no audio"
            )
        return self.records.audio(segment.master_key)

    def reject(self, segment_id: str, who: str, note: str | None = None) -> Segment:
        """Keep the segment off the air: the item airs nothing, and playout times around it."""
        segment = self._current(segment_id)
        why = f"rejected by {who}" + (f": {note}" if note else "")
        dropped = self._newer(segment, status=SegmentStatus.DROPPED, master_key=None,
                              asset_id=None, reason=why)  # fmt: skip
        self.records.supersede(dropped, None, self._action("agents.segment_reject", who, segment,
                                                           dropped, note=note))  # fmt: skip
        return dropped

    def approve(self, segment_id: str, who: str) -> Segment:
        """Approve the segment to air. An older take of the item (one rejected, or made again
        since) is restored: a newer copy of it airs."""
        segment = self.segment(segment_id)
        self._not_aired(segment)
        if segment.status is SegmentStatus.DROPPED:
            raise SegmentRefused(f"segment {segment_id!r} is dropped: approve the take it replaced")
        newest = self._newest(segment)
        approved = self._newer(segment, reason=f"approved by {who}")
        action = self._action("agents.segment_approve", who, newest, approved)
        self.records.supersede(approved, None, action)
        return approved

    def regenerate(self, segment_id: str, who: str) -> Segment:
        """Write and voice the item's segment again, as the agents do ahead of air."""
        segment = self._current(segment_id)

        def save(made: Segment, audio: bytes | None) -> None:
            action = self._action("agents.segment_regenerate", who, segment, made)
            self.records.supersede(made, audio, action)

        made = self._regenerate(segment.hour, segment.schedule_item_id, save)
        if made is None:
            raise SegmentRefused(f"segment {segment_id!r}: its item is no longer one to voice")
        return made

    def record(self, segment_id: str, who: str, path: str) -> Segment:
        """Air a human recording in the segment's place, brought to the station's loudness."""
        segment = self._current(segment_id)
        speech = trim_silence(self._read_speech(path, MAX_RECORDING_S))
        speech = to_loudness(speech, self._target_lufs())
        new_id, length_ms = str(ULID()), round(speech.duration_s * 1000)
        recorded = dataclasses.replace(
            segment, id=new_id, status=SegmentStatus.READY, generator=f"human:{who}",
            duration_ms=length_ms, estimated_ms=length_ms,
            master_key=f"segments/{self.station}/{segment.hour:%Y%m%dT%H}/{new_id}.flac",
            asset_id=None, voice=None, gain_db=0.0, tempo=1.0, attempts=1, llm_tokens=0,
            tts_chars=0, reason=None, created_at=self.now(),
        )  # fmt: skip
        self.records.supersede(recorded, self._flac(speech), self._action(
            "agents.segment_record", who, segment, recorded))  # fmt: skip
        return recorded

    def _current(self, segment_id: str) -> Segment:
        """The segment, which must be its item's newest and not aired yet."""
        segment = self.segment(segment_id)
        newest = self._newest(segment)
        if newest.id != segment.id:
            raise SegmentRefused(f"segment {segment_id!r} is superseded by {newest.id}: use that")
        self._not_aired(segment)
        return segment

    def _newest(self, segment: Segment) -> Segment:
        newest = self.records.newest(self.station, segment.schedule_item_id)
        assert newest is not None  # the segment itself is one of the item's
        return newest

    def _not_aired(self, segment: Segment) -> None:
        if segment.hour + timedelta(hours=1) <= self.now():
            raise SegmentRefused(f"segment {segment.id!r} is of an hour that has aired")

    def _newer(self, segment: Segment, **changes: Any) -> Segment:
        """A copy of ``segment`` under a new id, newer than every other of its item."""
        return dataclasses.replace(segment, id=str(ULID()), created_at=self.now(), **changes)

    def _action(self, action: str, who: str, before: Segment, after: Segment,
                **detail: Any) -> EntryDraft:  # fmt: skip
        body = {"action": action, "who": who, "before": _summary(before),
                "after": _summary(after),
                "detail": {"schedule_item_id": before.schedule_item_id, **detail},
                "correlation_id": None}  # fmt: skip
        return EntryDraft(self.station, EntryKind.OPERATOR_ACTION, str(ULID()), self.now(), body)


def _summary(segment: Segment) -> dict[str, Any]:
    return {"segment_id": segment.id, "status": segment.status.value,
            "generator": segment.generator, "script": segment.script,
            "duration_s": segment.duration_ms / 1000}  # fmt: skip
