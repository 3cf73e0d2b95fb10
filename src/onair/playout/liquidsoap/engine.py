"""Liquidsoap as the engine: Liquidsoap mixes and streams, onair decides and keeps the records.

The timeline runs ``lead_s`` ahead of the air on one worker thread and makes
every decision the built-in engine makes (where each item starts, substitutes,
hard posts, fill, failover), in samples. Each airing it starts is pushed to
Liquidsoap at once as an annotated request whose cues, cross and fades
reproduce where the timeline placed it, so Liquidsoap's queue airs the same
chain. What aired and when comes back from Liquidsoap's ``on_metadata``: the
as-run, the item events and the on-air state are built from those real starts.

What a Liquidsoap crossfade cannot say (docs/playout.md, "Liquidsoap as the
engine"): a talk-up voice is pushed with no cross and the song after it joins
where the timeline has it after the voice (no duck: that needs the built-in
engine); a song faded early for a hard post fades under the post's first
seconds, so the post still starts on its sample. Listeners are Icecast's: with
its statistics reader, each as-run entry keeps the most it counted during the airing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from onair.domain.events import Envelope
from onair.domain.playout import (
    SAMPLE_RATE,
    AirItem,
    AsRunEntry,
    OnAirState,
    PlayoutEvent,
    Trigger,
    samples_of,
)
from onair.observability import get_logger
from onair.playout.air_report import AirReport, EngineRecords, resume_from
from onair.playout.engine import OpenTimeline
from onair.playout.icecast.stats import IcecastListeners
from onair.playout.liquidsoap.airing import LiquidsoapAiring, aired_entry, liquidsoap_airing
from onair.playout.liquidsoap.backend import LiquidsoapBackend
from onair.playout.liquidsoap.requests import TelnetError
from onair.playout.ports import WallClock
from onair.playout.timeline import Airing, Happening, HappeningKind, Timeline
from onair.playout.triggers import air_state, applied, check_trigger

__all__ = ["LiquidsoapEngine"]

log = get_logger("onair.playout")

T = TypeVar("T")
_BLOCK_S = 0.5  # the timeline advances in half-second blocks (its audio goes nowhere)


@dataclass(frozen=True)
class _Heard:
    """A callback from the backend: a track started, a fault, a recovery."""

    kind: str
    text: str
    at: datetime | None = None


class LiquidsoapEngine:
    """Airs the station through Liquidsoap until stopped (the surface of ``PlayoutEngine``).

    The engine starts and stops ``backend`` and takes its callbacks. Triggers
    act on the timeline, ``lead_s`` ahead of the air, except ``skip``, which
    ends the item Liquidsoap has on air now. What is already pushed to
    Liquidsoap stays pushed and airs: a hold stops after it, an insert and a
    break come after it.
    """

    def __init__(
        self,
        station: str,
        open_timeline: OpenTimeline,
        backend: LiquidsoapBackend,
        publish: Callable[[Envelope], Awaitable[None]],
        records: EngineRecords,
        *,
        lead_s: float = 30.0,
        wall_clock: WallClock = time.time,
        local_path: Callable[[AirItem], Path],
        listeners: IcecastListeners | None = None,
    ) -> None:
        self.station = station
        self._open_timeline = open_timeline
        self._backend = backend
        self._lead_s = lead_s
        self._clock = wall_clock
        self._local_path = local_path
        self._listeners = listeners
        self._peak: int | None = None  # most Icecast listeners while the item on air airs
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playout")
        self._report = AirReport(station, publish, records, self._worker, wall_clock)
        self._timeline: Timeline | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._pushes: asyncio.Queue[LiquidsoapAiring] = asyncio.Queue()
        self._heard: asyncio.Queue[_Heard] = asyncio.Queue()
        self._pushed: dict[str, LiquidsoapAiring] = {}  # pushed, not ended: in air order
        self._transitions: dict[str, dict[str, Any]] = {}  # play id -> how it comes in
        self._on_air: tuple[LiquidsoapAiring, datetime] | None = None  # Liquidsoap's, since when
        self._skipped: set[str] = set()
        self._previous: LiquidsoapAiring | None = None  # the last airing prepared (worker thread)
        self._last_save = 0.0
        self.aired: list[AsRunEntry] = self._report.aired  # this run's as-run, newest last

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Join the schedule now, start Liquidsoap, and air."""
        now = datetime.fromtimestamp(self._clock(), UTC)
        saved = await self._off_loop(self._report.load_state)
        self._timeline = self._open_timeline(now, resume_from(saved))
        await self._off_loop(self._timeline.begin)
        self._listen_to(self._backend)
        await self._backend.start()
        await self._report.state_changed("on_air", "engine started (liquidsoap)")
        self._tasks = [
            asyncio.create_task(self._run(), name="playout-timeline"),
            asyncio.create_task(self._push_loop(), name="playout-liquidsoap-push"),
            asyncio.create_task(self._hear_loop(), name="playout-liquidsoap-heard"),
        ]

    async def stop(self) -> None:
        """Stop: the item on air ends now in the as-run, then Liquidsoap stops."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # wait(), not await: a cancellation of our own caller must not be swallowed.
            await asyncio.wait(self._tasks)
        while not self._heard.empty():
            await self._hear(self._heard.get_nowait())
        if self._on_air is not None:
            await self._end(datetime.fromtimestamp(self._clock(), UTC), by_next=False)
        await self._backend.stop()
        await self._report.close()
        await self._off_loop(self._report.flush)
        self._worker.shutdown(wait=True, cancel_futures=True)

    @property
    def timeline(self) -> Timeline:
        assert self._timeline is not None, "the engine has not started"
        return self._timeline

    def _listen_to(self, backend: LiquidsoapBackend) -> None:
        # The callbacks run on the event loop; the queue keeps their order.
        heard = self._heard.put_nowait
        backend.also_notify(
            on_started=lambda play_id, at: heard(_Heard("started", play_id, at)),
            on_fault=lambda line: heard(_Heard("fault", line)),
            on_recovered=lambda line: heard(_Heard("recovered", line)),
        )

    # -- the timeline, lead_s ahead ------------------------------------------------------

    async def _run(self) -> None:
        timeline, frames = self.timeline, samples_of(_BLOCK_S)
        while True:
            if timeline.mixer.position + frames > self._target():
                await asyncio.sleep(0.1)
            else:
                try:
                    pushes, happened = await self._off_loop(self._advance, frames)
                except Exception as exc:  # a bug must not take the air down: log, keep going
                    log.exception("playout_block_failed", error=str(exc))
                    await asyncio.sleep(_BLOCK_S)
                    continue
                for push in pushes:
                    self._pushed[push.item.play_id] = push
                    self._pushes.put_nowait(push)
                await self._tell(happened)
            self._count_listeners()
            now = self._clock()
            if now - self._last_save >= 1.0:
                self._last_save = now
                await self._off_loop(self._save_state, now)

    def _count_listeners(self) -> None:
        """Keep the most listeners Icecast counted during the item on air (its last poll)."""
        count = self._listeners.count if self._listeners is not None else None
        if count is not None and self._on_air is not None:
            self._peak = max(self._peak or 0, count)

    def _target(self) -> int:
        """The timeline sample to have placed up to: ``lead_s`` past what airs now."""
        now = self._clock()
        airing_now = (now - self.timeline.t0.timestamp()) * SAMPLE_RATE
        if self._on_air is not None:
            # After a skip Liquidsoap is further along its queue than the clock says.
            push, since = self._on_air
            airing_now = max(airing_now, push.at + (now - since.timestamp()) * SAMPLE_RATE)
        return round(airing_now) + samples_of(self._lead_s)

    def _advance(self, frames: int) -> tuple[list[LiquidsoapAiring], list[Happening]]:
        # The mixed block is discarded: Liquidsoap mixes the air from the pushed requests.
        # The timeline is rendered for its decisions and its mixer's view of each airing.
        _, happened = self.timeline.advance(frames)
        pushes = [
            self._prepare(event.airing, event.sample)
            for event in happened
            if event.kind is HappeningKind.STARTED and event.airing is not None
        ]
        return pushes, happened

    def _prepare(self, airing: Airing, sample: int) -> LiquidsoapAiring:
        """The request that airs ``airing`` where the timeline placed it (worker thread)."""
        timeline = self.timeline
        ends_at = timeline.mixer.ends_at(airing.item.play_id)
        push = liquidsoap_airing(
            airing, ends_at, sample, self._previous, timeline.settings.early_fade_s
        )
        push.path = self._path_of(airing.item)
        scheduled = airing.item.scheduled_start
        if scheduled is not None and timeline.sample_of(scheduled) >= airing.start:
            push.due = timeline.instant(push.at).timestamp()  # on its time: not before it
        self._previous = push
        return push

    def _path_of(self, item: AirItem) -> Path | None:
        try:
            return self._local_path(item)  # the preparer fetched it: normally a local hit
        except Exception as exc:
            log.error("playout_master_not_local", play_id=item.play_id, error=str(exc))
            return None

    async def _tell(self, happened: list[Happening]) -> None:
        """Publish the timeline's decisions; transitions wait for Liquidsoap to air them.

        Its starts and ends are not told: the events and the as-run come from Liquidsoap.
        """
        for event in happened:
            at = {"at": self.timeline.instant(event.sample).isoformat()}
            if event.kind is HappeningKind.TRANSITION and event.airing is not None:
                self._transitions[event.airing.item.play_id] = event.detail
            elif event.kind is HappeningKind.TRANSITION:
                await self._report.send(PlayoutEvent.TRANSITION, event.detail | at)
            elif event.kind is HappeningKind.FAILOVER:
                log.warning("playout_failover", **event.detail)
                await self._report.send(PlayoutEvent.FAILOVER, event.detail | at)
            elif event.kind is HappeningKind.ERROR:
                log.error("playout_error", **event.detail)
                await self._report.send(PlayoutEvent.ERROR, event.detail | at)

    # -- Liquidsoap -------------------------------------------------------------------

    async def _push_loop(self) -> None:
        while True:
            push = await self._pushes.get()
            if push.path is None:
                reason = f"{push.item.play_id} ({push.item.asset_id}) has no local master"
                await self._report.send(PlayoutEvent.ERROR, {"reason": reason})
                continue
            if not self._backend.pending and self._backend.on_air is None:
                # Nothing of ours queued or on air: Liquidsoap airs it the moment it is pushed.
                # An item placed on its scheduled time waits for it (up to lead_s); anything
                # else (after a resume, fallback rotation) goes at once.
                await asyncio.sleep(min(self._lead_s, max(0.0, push.due - self._clock())))
            try:
                await self._backend.push(
                    push.item, push.path, push.cross_s, push.fade_in_s, push.cross_s
                )
            except Exception as exc:  # the backend keeps it for a restart; the air goes on
                log.exception("liquidsoap_push_failed", play_id=push.item.play_id, error=str(exc))

    async def _hear_loop(self) -> None:
        while True:
            await self._hear(await self._heard.get())

    async def _hear(self, heard: _Heard) -> None:
        if heard.kind == "fault":
            log.error("liquidsoap_fault", error=heard.text)
            await self._report.send(PlayoutEvent.ERROR, {"reason": heard.text})
        elif heard.kind == "recovered":
            log.info("liquidsoap_recovered", message=heard.text)
            await self._report.state_changed("on_air", heard.text)
        elif heard.at is not None:
            await self._started(heard.text, heard.at)

    async def _started(self, play_id: str, at: datetime) -> None:
        """Liquidsoap put ``play_id`` on air at ``at``: what was on air before it has ended."""
        if self._on_air is not None:
            await self._end(at, by_next=True)
        push = self._pushed.get(play_id)
        if push is None:
            return  # not one this engine pushed (a request left from an earlier run)
        for earlier in list(self._pushed):  # pushed before it and never aired
            if earlier == play_id:
                break
            self._pushed.pop(earlier)
        self._on_air = (push, at)
        self._peak = None
        self._count_listeners()
        await self._report.item(PlayoutEvent.ITEM_STARTED, push.airing.item, at)
        detail = self._transitions.pop(play_id, None)
        if detail is not None:
            if push.into:  # after a talk-up voice: Liquidsoap joined it, no duck
                detail = detail | {"kind": "cut"}
            await self._report.send(PlayoutEvent.TRANSITION, detail | {"at": at.isoformat()})

    async def _end(self, at: datetime, *, by_next: bool) -> None:
        assert self._on_air is not None
        self._count_listeners()
        push, started = self._on_air
        self._on_air = None
        play_id = push.item.play_id
        self._pushed.pop(play_id, None)
        skipped = play_id in self._skipped
        self._skipped.discard(play_id)
        entry = aired_entry(self.station, push, started, at, skipped=skipped, by_next=by_next)
        await self._report.ended(replace(entry, listeners=self._peak), push.airing.item)

    def _save_state(self, now: float) -> None:
        """Save what Liquidsoap has on air (worker thread), so a restart resumes it."""
        on_air = self._on_air
        if on_air is None:
            return
        push, since = on_air
        item = push.airing.item
        first_sample = since.timestamp() - push.into / SAMPLE_RATE
        state = OnAirState(
            station=self.station, play_id=item.play_id, asset_id=item.asset_id,
            schedule_item_id=item.schedule_item_id,
            started_at=datetime.fromtimestamp(first_sample, UTC),
            offset_samples=round((now - first_sample) * SAMPLE_RATE),
            saved_at=datetime.fromtimestamp(now, UTC),
            held=self.timeline.held, queued=self.timeline.lineup.queued(),
        )  # fmt: skip
        self._report.save_state(state)

    # -- operator triggers -------------------------------------------------------------

    async def trigger(
        self, trigger: Trigger, who: str, asset_id: str | None = None, note: str | None = None
    ) -> dict[str, Any]:
        """Apply an operator trigger now; returns what happened, for the reply.

        ``skip`` ends the item Liquidsoap has on air (the next one queued crosses
        in). The others act on the timeline, ``lead_s`` ahead: what is already
        pushed to Liquidsoap stays pushed and airs first.
        """
        check_trigger(trigger, asset_id)
        if trigger is Trigger.SKIP:
            before = await self._off_loop(air_state, self.timeline)
            done = await self._skip()
            after = await self._off_loop(air_state, self.timeline)
        else:
            before, done, after = await self._off_loop(applied, self.timeline, trigger, asset_id)
        return await self._report.action_taken(trigger, who, asset_id, note, done, before, after)

    async def _skip(self) -> bool:
        # Not the timeline's skip: it would fade the airing lead_s ahead, which Liquidsoap
        # already holds and airs in full, and the as-run would say it was skipped.
        if self._on_air is None:
            return False
        play_id = self._on_air[0].item.play_id
        self._skipped.add(play_id)
        try:
            await self._backend.telnet.skip()
        except TelnetError as exc:
            self._skipped.discard(play_id)
            log.error("liquidsoap_skip_failed", error=str(exc))
            await self._report.send(PlayoutEvent.ERROR, {"reason": str(exc)})
            return False
        return True

    async def _off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, fn, *args)
