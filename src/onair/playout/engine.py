"""The live engine: the timeline paced by the wall clock, feeding the stream, telling the bus.

Each block is mixed on one worker thread (the timeline is not shared between
threads) a block ahead of the moment it is due, then handed to the outputs
when the wall clock reaches its first sample. What the records say aired is
what was handed out, timed by the clock. The database or the bus going away
never stops the air: records wait in memory and are written when they return.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import numpy as np
from ulid import ULID

from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.playout import (
    SAMPLE_RATE,
    AsRunEntry,
    OnAirState,
    OperatorAction,
    PlayoutEvent,
    Trigger,
)
from onair.domain.schedule import ScheduledItem
from onair.observability import get_logger
from onair.playout.as_run import as_run_entry
from onair.playout.ports import AsRunLog, OnAirStore, OperatorLog
from onair.playout.timeline import Airing, Happening, HappeningKind, Timeline

__all__ = ["EngineRecords", "PcmOutput", "PlayoutEngine"]

log = get_logger("onair.playout")

T = TypeVar("T")
OpenTimeline = Callable[[datetime, Callable[[ScheduledItem], datetime | None]], Timeline]


class PcmOutput(Protocol):
    """Where live audio goes (the built-in stream's hub)."""

    async def feed_async(self, pcm: np.ndarray, titles: list[tuple[int, str]]) -> None: ...

    def listeners(self) -> dict[str, int]: ...


@dataclass
class EngineRecords:
    as_run: AsRunLog
    state: OnAirStore
    actions: OperatorLog


class PlayoutEngine:
    """Airs the station in real time until stopped."""

    def __init__(
        self,
        station: str,
        open_timeline: OpenTimeline,
        outputs: list[PcmOutput],
        publish: Callable[[Envelope], Awaitable[None]],
        records: EngineRecords,
        *,
        block_s: float = 0.05,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.station = station
        self._open_timeline = open_timeline
        self._outputs = outputs
        self._publish = publish
        self._records = records
        self._frames = round(block_s * SAMPLE_RATE)
        self._clock = wall_clock
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playout")
        self._timeline: Timeline | None = None
        self._task: asyncio.Task[None] | None = None
        self._started_wall: dict[str, datetime] = {}  # play id -> when its first sample went out
        self._peak: dict[str, int] = {}  # play id -> most listeners while it aired
        self._unwritten: list[AsRunEntry] = []
        self._last_save = 0.0
        self.aired: list[AsRunEntry] = []  # this run's as-run, newest last (tests, the bench)

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Join the schedule now (resuming the item on air where the saved state says)."""
        now = datetime.fromtimestamp(self._clock(), UTC)
        saved = await self._off_loop(self._load_state)

        def resume_start(item: ScheduledItem) -> datetime | None:
            if saved is not None and saved.schedule_item_id == item.id:
                return saved.started_at
            return None

        self._timeline = self._open_timeline(now, resume_start)
        await self._off_loop(self._timeline.begin)
        await self._state_changed("on_air", "engine started")
        self._task = asyncio.create_task(self._run(), name="playout-engine")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            # wait(), not await: the air loop's cancellation must not swallow one of ours
            # (a Ctrl-C cancels the task that is stopping us).
            await asyncio.wait([self._task])
        await self._off_loop(self._flush_records)
        self._worker.shutdown(wait=True, cancel_futures=True)

    @property
    def timeline(self) -> Timeline:
        assert self._timeline is not None, "the engine has not started"
        return self._timeline

    # -- the air loop --------------------------------------------------------------------

    async def _run(self) -> None:
        timeline = self.timeline
        t0 = timeline.t0.timestamp()
        while True:
            position = timeline.mixer.position
            try:
                block, happened = await self._off_loop(timeline.advance, self._frames)
            except Exception as exc:  # a bug must not take the air down: log, keep going
                log.exception("playout_block_failed", error=str(exc))
                block, happened = np.zeros((self._frames, 2), np.float32), []
            due = t0 + position / SAMPLE_RATE
            await asyncio.sleep(max(0.0, due - self._clock()))
            handed = self._clock()
            titles = self._titles(happened, position)
            for output in self._outputs:
                await output.feed_async(block, titles)
            self._count_listeners()
            await self._tell(happened, position, handed)
            if handed - self._last_save >= 1.0:
                self._last_save = handed
                await self._off_loop(self._save_state, position)

    def _titles(self, happened: list[Happening], position: int) -> list[tuple[int, str]]:
        """Stream titles at the sample each track starts (never before: DMCA)."""
        titles = []
        for event in happened:
            if event.kind is HappeningKind.STARTED and event.airing is not None:
                item = event.airing.item
                title = f"{item.artist} - {item.title}" if item.artist else item.title
                titles.append((max(0, event.sample - position), title))
        return titles

    def _count_listeners(self) -> None:
        total = sum(sum(o.listeners().values()) for o in self._outputs)
        for airing in self.timeline.sounding():
            key = airing.item.play_id
            self._peak[key] = max(self._peak.get(key, 0), total)

    async def _tell(self, happened: list[Happening], position: int, handed: float) -> None:
        for event in happened:
            at = datetime.fromtimestamp(handed + (event.sample - position) / SAMPLE_RATE, UTC)
            if event.kind is HappeningKind.STARTED and event.airing is not None:
                self._started_wall[event.airing.item.play_id] = at
                await self._emit(PlayoutEvent.ITEM_STARTED, event.airing, at)
            elif event.kind is HappeningKind.ENDED and event.airing is not None:
                entry = self._ended(event.airing, event.sample)
                ended = {"duration_s": entry.duration_s, "ended_by": entry.ended_by.value}
                await self._emit(PlayoutEvent.ITEM_ENDED, event.airing, at, **ended)
            elif event.kind is HappeningKind.TRANSITION:
                await self._send(PlayoutEvent.TRANSITION, event.detail | {"at": at.isoformat()})
            elif event.kind is HappeningKind.FAILOVER:
                log.warning("playout_failover", **event.detail)
                await self._send(PlayoutEvent.FAILOVER, event.detail | {"at": at.isoformat()})
            elif event.kind is HappeningKind.ERROR:
                log.error("playout_error", **event.detail)
                await self._send(PlayoutEvent.ERROR, event.detail | {"at": at.isoformat()})

    def _ended(self, airing: Airing, ended_sample: int) -> AsRunEntry:
        key = airing.item.play_id
        started = self._started_wall.pop(key, self.timeline.instant(airing.start))
        entry = as_run_entry(self.station, airing, started, ended_sample, self._peak.pop(key, 0))
        self.aired.append(entry)
        self._unwritten.append(entry)
        self._worker.submit(self._flush_records)
        return entry

    # -- records (on the worker thread: they touch the database) ------------------------

    def _flush_records(self) -> None:
        while self._unwritten:
            try:
                self._records.as_run.record(self._unwritten[0])
            except Exception as exc:  # the database away: kept, written when it is back
                log.warning("as_run_not_written", error=str(exc), waiting=len(self._unwritten))
                return
            self._unwritten.pop(0)

    def _load_state(self) -> OnAirState | None:
        try:
            return self._records.state.load(self.station)
        except Exception as exc:
            log.warning("on_air_state_unreadable", error=str(exc))
            return None

    def _save_state(self, position: int) -> None:
        timeline = self.timeline
        airing = timeline.on_air
        if airing is None:
            return
        item = airing.item
        state = OnAirState(
            station=self.station, play_id=item.play_id, asset_id=item.asset_id,
            schedule_item_id=item.schedule_item_id,
            started_at=self._started_wall.get(item.play_id, timeline.instant(airing.start)),
            offset_samples=position - airing.start, saved_at=datetime.now(UTC),
            held=timeline.held, queued=timeline.lineup.queued(),
        )  # fmt: skip
        try:
            self._records.state.save(state)
        except Exception as exc:
            log.warning("on_air_state_not_saved", error=str(exc))
        self._flush_records()

    # -- operator triggers -------------------------------------------------------------

    async def trigger(
        self, trigger: Trigger, who: str, asset_id: str | None = None, note: str | None = None
    ) -> dict[str, Any]:
        """Apply an operator trigger now; returns what happened, for the reply."""
        if trigger in (Trigger.INSERT_NOW, Trigger.INSERT_NEXT) and not asset_id:
            raise ValueError(f"{trigger.value} needs an asset id")
        done = await self._off_loop(self._apply, trigger, asset_id)
        action = OperatorAction(
            id=str(ULID()), station=self.station, trigger=trigger, who=who,
            at=datetime.now(UTC), asset_id=asset_id, note=note,
        )  # fmt: skip
        await self._off_loop(self._record_action, action)
        payload = {"trigger": trigger.value, "who": who, "asset_id": asset_id, "done": done}
        log.info("playout_action", **payload)
        await self._send(PlayoutEvent.ACTION_TAKEN, payload | {"action_id": action.id})
        if trigger in (Trigger.HOLD, Trigger.RESUME):
            await self._state_changed("held" if trigger is Trigger.HOLD else "on_air", who)
        return payload

    def _apply(self, trigger: Trigger, asset_id: str | None) -> bool:
        timeline = self.timeline
        if trigger is Trigger.SKIP:
            return timeline.skip()
        if trigger is Trigger.INSERT_NOW and asset_id:
            timeline.insert_now(asset_id)
        elif trigger is Trigger.INSERT_NEXT and asset_id:
            timeline.insert_next(asset_id)
        elif trigger is Trigger.HOLD:
            timeline.hold()
        elif trigger is Trigger.RESUME:
            timeline.resume()
        elif trigger is Trigger.BREAK_NOW:
            return timeline.break_now()
        return True

    def _record_action(self, action: OperatorAction) -> None:
        try:
            self._records.actions.record(action)
        except Exception as exc:
            log.warning("operator_action_not_written", error=str(exc), action=action.id)

    # -- the bus -------------------------------------------------------------------------

    async def _emit(self, kind: PlayoutEvent, airing: Airing, at: datetime, **extra: Any) -> None:
        item = airing.item
        payload = {
            "play_id": item.play_id, "schedule_item_id": item.schedule_item_id,
            "asset_id": item.asset_id, "kind": item.kind.value, "category": item.category,
            "title": item.title, "artist": item.artist,
            "scheduled_start": item.scheduled_start.isoformat() if item.scheduled_start else None,
            "actual_start": self._started_wall.get(item.play_id, at).isoformat(),
            "substitution_reason": item.substitution_reason, **extra,
        }  # fmt: skip
        correlation = Correlation(asset_id=item.asset_id, playout_event_id=item.play_id,
                                  hour=item.scheduled_start.isoformat() if item.scheduled_start
                                  else None)  # fmt: skip
        await self._send(kind, payload, correlation)

    async def _state_changed(self, state: str, why: str) -> None:
        await self._send(PlayoutEvent.STATE_CHANGED, {"state": state, "why": why})

    async def _send(
        self, kind: PlayoutEvent, payload: dict[str, Any], correlation: Correlation | None = None
    ) -> None:
        envelope = new_envelope(kind.value, self.station, payload, correlation=correlation)
        try:
            await self._publish(envelope)
        except Exception as exc:  # the bus away: the air goes on, the log keeps the fact
            log.warning("playout_event_not_published", type=kind.value, error=str(exc),
                        **envelope.correlation.as_log_fields())  # fmt: skip

    async def _off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, fn, *args)
