"""What an engine tells the bus and the records: item events, as-run, on-air state, actions.

Shared by the engines (the built-in one and Liquidsoap's), so both publish the
same payloads and keep the same promise: the database or the bus going away
never stops the air. As-run entries wait in memory until the database takes
them; an event that cannot be published is logged with its correlation ids.
Database calls run on the engine's worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.playout import (
    AirItem,
    AsRunEntry,
    OnAirState,
    OperatorAction,
    PlayoutEvent,
    Trigger,
)
from onair.domain.schedule import ScheduledItem
from onair.observability import get_logger
from onair.playout.ports import AsRunLog, OnAirStore, OperatorLog, WallClock

__all__ = ["AirReport", "EngineRecords", "resume_from"]

log = get_logger("onair.playout")


def resume_from(saved: OnAirState | None) -> Callable[[ScheduledItem], datetime | None]:
    """Where a restarted engine puts the item on air: its saved start, if it is that item."""

    def resume_start(item: ScheduledItem) -> datetime | None:
        if saved is not None and saved.schedule_item_id == item.id:
            return saved.started_at
        return None

    return resume_start


@dataclass
class EngineRecords:
    """Where an engine writes: the as-run log, the on-air state, the operator log."""

    as_run: AsRunLog
    state: OnAirStore
    actions: OperatorLog


class AirReport:
    """Publishes an engine's events and writes its records, without ever stopping the air."""

    def __init__(
        self,
        station: str,
        publish: Callable[[Envelope], Awaitable[None]],
        records: EngineRecords,
        worker: Executor,
        clock: WallClock,
        broadcast: Callable[[Envelope], Awaitable[None]] | None = None,
    ) -> None:
        self.station = station
        self._clock = clock
        self._publish = publish
        self._broadcast = broadcast
        self._metering: asyncio.Task[None] | None = None
        self._records = records
        self._worker = worker
        self._unwritten: list[AsRunEntry] = []
        self._outbox: asyncio.Queue[Envelope] = asyncio.Queue(maxsize=10_000)
        self._publisher: asyncio.Task[None] | None = None
        self.aired: list[AsRunEntry] = []  # this run's as-run, newest last (tests, the bench)

    # -- records --------------------------------------------------------------------------

    def keep(self, entry: AsRunEntry) -> None:
        """Add ``entry`` to the as-run; it is written on the worker thread (or kept until then)."""
        self.aired.append(entry)
        self._unwritten.append(entry)
        self._worker.submit(self.flush)

    def flush(self) -> None:
        """Write the as-run entries still waiting (worker thread: it touches the database)."""
        while self._unwritten:
            try:
                self._records.as_run.record(self._unwritten[0])
            except Exception as exc:  # the database away: kept, written when it is back
                log.warning("as_run_not_written", error=str(exc), waiting=len(self._unwritten))
                return
            self._unwritten.pop(0)

    def load_state(self) -> OnAirState | None:
        try:
            return self._records.state.load(self.station)
        except Exception as exc:
            log.warning("on_air_state_unreadable", error=str(exc))
            return None

    def save_state(self, state: OnAirState) -> None:
        """Save what is on air (worker thread), and write any as-run still waiting."""
        try:
            self._records.state.save(state)
        except Exception as exc:
            log.warning("on_air_state_not_saved", error=str(exc))
        self.flush()

    async def action_taken(
        self, trigger: Trigger, who: str, asset_id: str | None, note: str | None, done: bool,
        before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Store an applied operator trigger and publish it; returns the reply's payload.

        The event carries the air's state ``before`` and ``after`` the trigger, which
        the compliance ledger keeps with who asked and when.
        """
        action = OperatorAction(
            id=str(ULID()), station=self.station, trigger=trigger, who=who,
            at=datetime.fromtimestamp(self._clock(), UTC), asset_id=asset_id, note=note,
        )  # fmt: skip
        await asyncio.get_running_loop().run_in_executor(self._worker, self._record_action, action)
        payload = {"trigger": trigger.value, "who": who, "asset_id": asset_id, "done": done}
        log.info("playout_action", **payload)
        await self.send(PlayoutEvent.ACTION_TAKEN, payload | {
            "action_id": action.id, "at": action.at.isoformat(), "note": note,
            "before": before, "after": after,
        })  # fmt: skip
        if trigger in (Trigger.HOLD, Trigger.RESUME):
            await self.state_changed("held" if trigger is Trigger.HOLD else "on_air", who)
        return payload

    def _record_action(self, action: OperatorAction) -> None:
        try:
            self._records.actions.record(action)
        except Exception as exc:
            log.warning("operator_action_not_written", error=str(exc), action=action.id)

    # -- the bus ----------------------------------------------------------------------------

    async def ended(self, entry: AsRunEntry, item: AirItem) -> None:
        """Keep ``entry`` in the as-run and publish ``playout.item_ended`` with all of it."""
        self.keep(entry)
        ended = {"duration_s": entry.duration_s, "ended_by": entry.ended_by.value,
                 "listeners": entry.listeners, "adjustments": list(entry.adjustments)}  # fmt: skip
        await self.item(PlayoutEvent.ITEM_ENDED, item, entry.actual_start, **ended)

    async def item(
        self, kind: PlayoutEvent, item: AirItem, actual_start: datetime, **extra: Any
    ) -> None:
        """Publish ``playout.item_started`` or ``playout.item_ended`` for ``item``."""
        payload = {
            "play_id": item.play_id, "schedule_item_id": item.schedule_item_id,
            "asset_id": item.asset_id, "kind": item.kind.value, "category": item.category,
            "title": item.title, "artist": item.artist,
            "scheduled_start": item.scheduled_start.isoformat() if item.scheduled_start else None,
            "actual_start": actual_start.isoformat(),
            "substitution_reason": item.substitution_reason, **extra,
        }  # fmt: skip
        correlation = Correlation(asset_id=item.asset_id, playout_event_id=item.play_id,
                                  hour=item.scheduled_start.isoformat() if item.scheduled_start
                                  else None)  # fmt: skip
        await self.send(kind, payload, correlation)

    async def state_changed(self, state: str, why: str) -> None:
        await self.send(PlayoutEvent.STATE_CHANGED, {"state": state, "why": why})

    async def send(
        self, kind: PlayoutEvent, payload: dict[str, Any], correlation: Correlation | None = None
    ) -> None:
        """Queue the event for the bus; the air loop never waits on a publish.

        A NATS server that dies mid-publish holds a publish for seconds before
        the bus spools it: that wait must not hold the next block of audio.
        """
        envelope = new_envelope(kind.value, self.station, payload, correlation=correlation)
        if self._publisher is None:
            self._publisher = asyncio.create_task(self._publish_all(), name="playout-events")
        try:
            self._outbox.put_nowait(envelope)
        except asyncio.QueueFull:
            log.warning("playout_event_dropped", type=kind.value, waiting=self._outbox.qsize(),
                        **envelope.correlation.as_log_fields())  # fmt: skip

    async def _publish_all(self) -> None:
        while True:
            envelope = await self._outbox.get()
            try:
                await self._publish(envelope)
            except Exception as exc:  # the bus away: the air goes on, the log keeps the fact
                log.warning("playout_event_not_published", type=envelope.type, error=str(exc),
                            **envelope.correlation.as_log_fields())  # fmt: skip
            finally:
                self._outbox.task_done()

    def meter(self, reading: dict[str, Any]) -> None:
        """Broadcast a reading of the program meters, never waiting for it.

        A reading still on its way when the next comes makes the next one dropped:
        a meter shows what airs now, and a bus that is slow must not queue stale ones.
        """
        if self._broadcast is None or (self._metering is not None and not self._metering.done()):
            return
        envelope = new_envelope(PlayoutEvent.PROGRAM_METERED.value, self.station, reading)
        self._metering = asyncio.create_task(self._send_reading(envelope), name="playout-meters")

    async def _send_reading(self, envelope: Envelope) -> None:
        assert self._broadcast is not None
        try:
            await self._broadcast(envelope)
        except Exception as exc:  # a lost reading is replaced by the next, 100 ms later
            log.debug("program_meters_not_sent", error=str(exc))

    async def close(self, within_s: float = 5.0) -> None:
        """Publish what is queued (for at most ``within_s``), then stop publishing."""
        if self._publisher is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within_s):
                await self._outbox.join()
        self._publisher.cancel()
        await asyncio.wait([self._publisher])
        self._publisher = None
