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
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import numpy as np

from onair.domain.events import Envelope
from onair.domain.playout import SAMPLE_RATE, AsRunEntry, OnAirState, PlayoutEvent, Trigger
from onair.domain.schedule import ScheduledItem
from onair.observability import get_logger
from onair.playout.air_report import AirReport, EngineRecords, resume_from
from onair.playout.as_run import as_run_entry
from onair.playout.lineup_timing import lineup_timed
from onair.playout.ports import WallClock
from onair.playout.program_meter import ProgramMeter
from onair.playout.timeline import Airing, Happening, HappeningKind, Timeline
from onair.playout.triggers import applied, check_trigger

__all__ = ["EngineRecords", "PcmOutput", "PlayoutEngine"]

log = get_logger("onair.playout")

T = TypeVar("T")
OpenTimeline = Callable[[datetime, Callable[[ScheduledItem], datetime | None]], Timeline]


class PcmOutput(Protocol):
    """Where live audio goes (the built-in stream's hub)."""

    async def feed_async(self, pcm: np.ndarray, titles: list[tuple[int, str]]) -> None: ...

    def listeners(self) -> dict[str, int]: ...


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
        wall_clock: WallClock = time.time,
        broadcast: Callable[[Envelope], Awaitable[None]] | None = None,
    ) -> None:
        """``broadcast`` sends the program meters (the bus's, which keeps none of them)."""
        self.station = station
        self._open_timeline = open_timeline
        self._outputs = outputs
        self._frames = round(block_s * SAMPLE_RATE)
        self._clock = wall_clock
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playout")
        self._report = AirReport(station, publish, records, self._worker, wall_clock, broadcast)
        self._meter = ProgramMeter()
        self._timeline: Timeline | None = None
        self._task: asyncio.Task[None] | None = None
        self._started_wall: dict[str, datetime] = {}  # play id -> when its first sample went out
        self._peak: dict[str, int] = {}  # play id -> most listeners while it aired
        self._last_save = 0.0
        self.aired: list[AsRunEntry] = self._report.aired  # this run's as-run, newest last

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Join the schedule now (resuming the item on air where the saved state says)."""
        now = datetime.fromtimestamp(self._clock(), UTC)
        saved = await self._off_loop(self._report.load_state)
        self._timeline = self._open_timeline(now, resume_from(saved))
        await self._off_loop(self._timeline.begin)
        await self._report.state_changed("on_air", "engine started")
        self._task = asyncio.create_task(self._run(), name="playout-engine")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            # wait(), not await: the air loop's cancellation must not swallow one of ours
            # (a Ctrl-C cancels the task that is stopping us).
            await asyncio.wait([self._task])
        await self._report.close()
        await self._off_loop(self._report.flush)
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
                block, happened, reading = await self._off_loop(self._advance, self._frames)
            except Exception as exc:  # a bug must not take the air down: log, keep going
                log.exception("playout_block_failed", error=str(exc))
                block, happened, reading = np.zeros((self._frames, 2), np.float32), [], None
            due = t0 + position / SAMPLE_RATE
            await asyncio.sleep(max(0.0, due - self._clock()))
            handed = self._clock()
            titles = self._titles(happened, position)
            for output in self._outputs:
                await output.feed_async(block, titles)
            if reading is not None:  # the meters read what has just gone out
                self._report.meter(reading)
            self._count_listeners()
            await self._tell(happened, position, handed)
            if handed - self._last_save >= 1.0:
                self._last_save = handed
                await self._off_loop(self._save_state, position)

    def _advance(self, frames: int) -> tuple[np.ndarray, list[Happening], dict[str, Any] | None]:
        """The next block of the program, and the meters' reading when one is due."""
        block, happened = self.timeline.advance(frames)
        return block, happened, self._meter.measure(block)

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
            at_iso = at.isoformat()
            if event.kind is HappeningKind.STARTED and event.airing is not None:
                self._started_wall[event.airing.item.play_id] = at
                await self._report.item(PlayoutEvent.ITEM_STARTED, event.airing.item, at)
                await self._lineup_timed()
            elif event.kind is HappeningKind.ENDED and event.airing is not None:
                await self._report.ended(self._ended(event.airing, event.sample),
                                         event.airing.item)  # fmt: skip
            elif event.kind is HappeningKind.TRANSITION:
                await self._report.send(PlayoutEvent.TRANSITION, event.detail | {"at": at_iso})
            elif event.kind is HappeningKind.FAILOVER:
                log.warning("playout_failover", **event.detail)
                await self._report.send(PlayoutEvent.FAILOVER, event.detail | {"at": at_iso})
            elif event.kind is HappeningKind.ERROR:
                log.error("playout_error", **event.detail)
                await self._report.send(PlayoutEvent.ERROR, event.detail | {"at": at_iso})

    def _ended(self, airing: Airing, ended_sample: int) -> AsRunEntry:
        key = airing.item.play_id
        started = self._started_wall.pop(key, self.timeline.instant(airing.first_heard))
        return as_run_entry(self.station, airing, started, ended_sample, self._peak.pop(key, 0))

    # -- records (on the worker thread: they touch the database) ------------------------

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
            offset_samples=position - airing.start,
            saved_at=datetime.fromtimestamp(self._clock(), UTC),
            held=timeline.held, queued=timeline.lineup.queued(),
        )  # fmt: skip
        self._report.save_state(state)

    # -- operator triggers -------------------------------------------------------------

    async def trigger(
        self, trigger: Trigger, who: str, asset_id: str | None = None, note: str | None = None
    ) -> dict[str, Any]:
        """Apply an operator trigger now; returns what happened, for the reply."""
        check_trigger(trigger, asset_id)
        before, done, after = await self._off_loop(applied, self.timeline, trigger, asset_id)
        taken = await self._report.action_taken(trigger, who, asset_id, note, done, before, after)
        await self._lineup_timed()  # an insert or a skip changes what comes next
        return taken

    async def _lineup_timed(self) -> None:
        try:
            timed = await self._off_loop(lineup_timed, self.timeline)
        except Exception as exc:  # the next items are a courtesy: the air goes on without them
            log.warning("lineup_not_timed", error=str(exc))
            return
        await self._report.send(PlayoutEvent.LINEUP_TIMED, timed)

    async def _off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, fn, *args)
