"""The in-process bus: the embedded default and the test double for services.

Each consumer has its own queue and task, so a slow handler never holds up a
publisher. Durable consumers keep their queue while nobody is subscribed, for
the life of the process; a queue group is one queue shared by its members.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import structlog
from opentelemetry.sdk.trace import TracerProvider

from onair.bus.consumer import Consumer, Outcome, retry_delay
from onair.bus.deadletter import DeadLetter
from onair.bus.dedupe import RecentEvents, SeenEvents
from onair.bus.patterns import type_matches
from onair.bus.port import (
    CommandFailed,
    CommandHandler,
    DeadLetterHandler,
    Handler,
    NoResponders,
    RequestTimeout,
)
from onair.bus.publishing import traced
from onair.domain.events import Envelope, new_envelope
from onair.observability.metrics import BusMetrics
from onair.observability.tracing import silent_provider

__all__ = ["InMemoryBus"]

log = structlog.get_logger("onair.bus")

# A queued message: a parsed envelope, or raw bytes that may not be one.
_Item = tuple[str, Envelope | bytes]
# Broadcasts a listener has not taken yet; past this, newer ones are dropped for it.
_LISTENER_QUEUE = 64


@dataclass
class _Group:
    """One queue of work and the tasks (one per subscriber) that drain it."""

    pattern: str
    queue: asyncio.Queue[_Item] = field(default_factory=asyncio.Queue)
    workers: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    durable: bool = False


class _MemorySubscription:
    def __init__(self, bus: InMemoryBus, key: str, worker: int) -> None:
        self._bus, self._key, self._worker = bus, key, worker

    async def stop(self) -> None:
        await self._bus._stop_worker(self._key, self._worker)


class InMemoryBus:
    """An :class:`~onair.bus.port.EventBus` inside one process."""

    kind = "memory"

    def __init__(
        self,
        station: str,
        *,
        metrics: BusMetrics | None = None,
        tracer_provider: TracerProvider | None = None,
        seen: SeenEvents | None = None,
        max_deliver: int = 5,
        retry_base_s: float = 0.05,
    ) -> None:
        self.station = station
        self.metrics = metrics or BusMetrics()
        self.tracer_provider = tracer_provider or silent_provider()
        self._tracer = self.tracer_provider.get_tracer("onair.bus")
        self.seen = seen or RecentEvents()
        self.max_deliver = max_deliver
        self.retry_base_s = retry_base_s
        self._groups: dict[str, _Group] = {}
        self._dead: list[DeadLetterHandler] = []
        self._commands: dict[str, CommandHandler] = {}
        self._next_worker = 0
        self._closed = False
        self._listeners: dict[int, tuple[str, asyncio.Queue[Envelope], asyncio.Task[None]]] = {}

    async def start(self) -> None:
        self._closed = False

    async def close(self) -> None:
        self._closed = True
        tasks = [t for g in self._groups.values() for t in g.workers.values()]
        tasks += [task for _, _, task in self._listeners.values()]
        self._listeners.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._groups.clear()

    async def check(self) -> None:
        return None

    async def publish(self, envelope: Envelope) -> None:
        started = time.perf_counter()
        with traced(self._tracer, envelope) as stamped:
            self._enqueue(stamped.type, stamped)
        self.metrics.published(self.kind, envelope.type, time.perf_counter() - started)
        # Give consumers their turn, as a network publish would while awaiting its ack.
        await asyncio.sleep(0)

    async def publish_raw(self, message_type: str, data: bytes) -> None:
        self._enqueue(message_type, data)

    def _enqueue(self, message_type: str, item: Envelope | bytes) -> None:
        for key, group in self._groups.items():
            if type_matches(group.pattern, message_type):
                group.queue.put_nowait((message_type, item))
                self.metrics.queue_depth(key, group.queue.qsize())

    async def subscribe(
        self,
        pattern: str,
        handler: Handler,
        *,
        durable: str | None = None,
        queue: str | None = None,
    ) -> _MemorySubscription:
        self._next_worker += 1
        key = queue or durable or f"ephemeral-{self._next_worker}"
        group = self._groups.setdefault(key, _Group(pattern, durable=durable is not None))
        consumer = Consumer(
            key, self.kind, handler, self.seen, self.metrics, self.tracer_provider,
            self._bury, self.max_deliver,
        )  # fmt: skip
        task = asyncio.create_task(self._drain(key, group, consumer), name=f"bus:{key}")
        group.workers[self._next_worker] = task
        return _MemorySubscription(self, key, self._next_worker)

    async def _stop_worker(self, key: str, worker: int) -> None:
        group = self._groups.get(key)
        if group is None or worker not in group.workers:
            return
        task = group.workers.pop(worker)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if not group.workers and not group.durable:
            del self._groups[key]

    async def _drain(self, key: str, group: _Group, consumer: Consumer) -> None:
        while True:
            message_type, item = await group.queue.get()
            try:
                await self._deliver(consumer, message_type, item)
            except Exception:  # a bug here must not silence the consumer for good
                log.exception("consumer_crashed", consumer=key)
            finally:
                self.metrics.queue_depth(key, group.queue.qsize())

    async def _deliver(self, consumer: Consumer, message_type: str, item: Envelope | bytes) -> None:
        if isinstance(item, bytes):
            parsed = await consumer.parse(f"onair.{self.station}.{message_type}", item)
            if parsed is None:
                return
            item = parsed
        for attempt in range(1, self.max_deliver + 1):
            outcome = await consumer.handle(item, attempt)
            if outcome is not Outcome.RETRY:
                return
            await asyncio.sleep(retry_delay(attempt, self.retry_base_s))

    async def _bury(self, letter: DeadLetter) -> None:
        log.error("dead_lettered", consumer=letter.consumer, reason=letter.reason)
        for handler in list(self._dead):
            await handler(letter)

    async def broadcast(self, envelope: Envelope) -> None:
        for pattern, queue, _ in self._listeners.values():
            if type_matches(pattern, envelope.type) and queue.qsize() < _LISTENER_QUEUE:
                queue.put_nowait(envelope)

    async def listen(self, pattern: str, handler: Handler) -> _MemorySubscription:
        self._next_worker += 1
        key = self._next_worker
        queue: asyncio.Queue[Envelope] = asyncio.Queue()
        task = asyncio.create_task(self._hear(queue, handler), name=f"bus:listen-{pattern}")
        self._listeners[key] = (pattern, queue, task)
        bus = self

        class _Stop(_MemorySubscription):
            async def stop(self) -> None:
                listener = bus._listeners.pop(key, None)
                if listener is not None:
                    listener[2].cancel()
                    await asyncio.wait([listener[2]])

        return _Stop(self, "listen", key)

    async def _hear(self, queue: asyncio.Queue[Envelope], handler: Handler) -> None:
        while True:
            envelope = await queue.get()
            try:
                await handler(envelope)
            except Exception:  # a transient event is not retried; the next one replaces it
                log.exception("listener_failed", event_type=envelope.type)

    async def subscribe_dead_letters(self, handler: DeadLetterHandler) -> _MemorySubscription:
        self._dead.append(handler)
        bus = self

        class _Stop(_MemorySubscription):
            async def stop(self) -> None:
                with contextlib.suppress(ValueError):
                    bus._dead.remove(handler)

        return _Stop(self, "deadletter", -1)

    async def serve(self, command_type: str, handler: CommandHandler) -> _MemorySubscription:
        self._commands[command_type] = handler
        bus = self

        class _Stop(_MemorySubscription):
            async def stop(self) -> None:
                bus._commands.pop(command_type, None)

        return _Stop(self, command_type, -1)

    async def request(self, command: Envelope, timeout_s: float = 5.0) -> Envelope:
        handler = self._commands.get(command.type)
        if handler is None:
            raise NoResponders(f"nobody serves {command.type} on station {self.station}")
        try:
            async with asyncio.timeout(timeout_s):
                payload = await handler(command)
        except TimeoutError:
            raise RequestTimeout(f"{command.type} got no reply within {timeout_s:g} s") from None
        except Exception as exc:
            raise CommandFailed(f"{command.type} failed: {exc}") from exc
        return reply_to(command, payload)

    def consumers(self) -> Iterator[str]:
        return iter(self._groups)


def reply_to(command: Envelope, payload: dict[str, Any]) -> Envelope:
    """The reply envelope for ``command``: same station and correlation."""
    return new_envelope(
        f"{command.type}_reply",
        command.station,
        payload,
        correlation=command.correlation,
        traceparent=command.traceparent,
    )
