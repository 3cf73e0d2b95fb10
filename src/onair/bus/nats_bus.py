"""The event bus on NATS JetStream, for a station run as separate services.

Subjects: events on ``onair.<station>.<service>.<name>`` (the stream
``ONAIR_<STATION>`` holds them, file-backed), dead letters on
``onair.<station>.deadletter`` (held too), commands over core NATS
request/reply on ``onair.<station>.cmd.<service>.<verb>`` (outside the stream,
so JetStream never answers a command in the service's place).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import nats
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import NoRespondersError, NoServersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from opentelemetry.sdk.trace import TracerProvider

from onair.bus.consumer import Consumer, Outcome, retry_delay
from onair.bus.deadletter import DeadLetter
from onair.bus.dedupe import RecentEvents, SeenEvents
from onair.bus.memory_bus import reply_to
from onair.bus.port import (
    BusUnavailable,
    CommandFailed,
    CommandHandler,
    DeadLetterHandler,
    Handler,
    NoResponders,
    RequestTimeout,
)
from onair.bus.publishing import traced
from onair.bus.spool import Spool, SpoolFull
from onair.domain.errors import InvalidEnvelope
from onair.domain.events import Envelope, new_envelope
from onair.observability.metrics import BusMetrics
from onair.observability.tracing import silent_provider

__all__ = ["NatsJetStreamBus"]

log = structlog.get_logger("onair.bus")

_FETCH_BATCH = 64
_ACK_WAIT_S = 30.0
_FETCH_WAIT_S = 0.5
_STOP_GRACE_S = 10.0


def _masked(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{scheme}{sep}{creds.split(':', 1)[0]}:***@{host}"


class _Task:
    """A running pull loop (or core subscription) that :meth:`stop` ends.

    A pull loop is asked to stop rather than cancelled: messages it has
    already fetched are handled and acknowledged first, or they would sit
    unacknowledged until the ack wait expires.
    """

    def __init__(self, task: asyncio.Task[None] | None = None, sub: object = None) -> None:
        self._task, self._sub = task, sub
        self.stopping = asyncio.Event()
        self.graceful = False

    async def stop(self) -> None:
        self.stopping.set()
        if self._task is not None:
            grace = _STOP_GRACE_S if self.graceful else 0
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()  # type: ignore[attr-defined]


class NatsJetStreamBus:
    """An :class:`~onair.bus.port.EventBus` on NATS JetStream, spooling to disk when down."""

    kind = "nats"

    def __init__(
        self,
        url: str,
        station: str,
        *,
        spool_dir: Path,
        connect_timeout_s: float = 5.0,
        metrics: BusMetrics | None = None,
        tracer_provider: TracerProvider | None = None,
        seen: SeenEvents | None = None,
        max_deliver: int = 5,
        retry_base_s: float = 0.5,
        spool_max_bytes: int = 256 * 1024 * 1024,
        publish_timeout_s: float = 2.0,
    ) -> None:
        self.url, self.station = url, station
        self.stream = f"ONAIR_{station.upper().replace('-', '_')}"
        self.connect_timeout_s = connect_timeout_s
        self.metrics = metrics or BusMetrics()
        self.tracer_provider = tracer_provider or silent_provider()
        self._tracer = self.tracer_provider.get_tracer("onair.bus")
        self.seen = seen or RecentEvents()
        self.max_deliver, self.retry_base_s = max_deliver, retry_base_s
        self.publish_timeout_s = publish_timeout_s
        self.spool = Spool(spool_dir, spool_max_bytes)
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._tasks: list[_Task] = []
        self._replayer: asyncio.Task[None] | None = None
        self._replay_lock = asyncio.Lock()
        self._closing = False

    @property
    def _events_subject(self) -> str:
        return f"onair.{self.station}.*.*"

    @property
    def _dead_subject(self) -> str:
        return f"onair.{self.station}.deadletter"

    def _command_subject(self, command_type: str) -> str:
        return f"onair.{self.station}.cmd.{command_type}"

    def _broadcast_subject(self, pattern: str) -> str:
        # Core NATS, outside the stream: ``onair.<station>.live.<service>.<name>`` has one
        # token more than the stream's subjects, so JetStream never stores a broadcast.
        return f"onair.{self.station}.live.{'>' if pattern == '>' else pattern}"

    async def start(self) -> None:
        """Connect (nats-py retrying until ``connect_timeout_s``) and ensure the stream."""
        try:
            self._nc = await asyncio.wait_for(
                nats.connect(
                    self.url,
                    connect_timeout=min(2.0, self.connect_timeout_s),
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.25,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                ),
                timeout=self.connect_timeout_s,
            )
        except (TimeoutError, NoServersError, OSError) as exc:
            raise BusUnavailable(
                f"NATS {_masked(self.url)} is unreachable after "
                f"{self.connect_timeout_s:g} s: {type(exc).__name__}"
            ) from None
        except NatsError as exc:  # e.g. a URL nats-py cannot read
            raise BusUnavailable(f"NATS {_masked(self.url)} cannot be used: {exc}") from None
        self._js = self._nc.jetstream(timeout=self.publish_timeout_s)
        await self._js.add_stream(
            StreamConfig(
                name=self.stream,
                subjects=[self._events_subject, self._dead_subject],
                storage=StorageType.FILE,
                duplicate_window=600.0,
            )
        )
        self.metrics.spooled(len(self.spool))
        self._replayer = asyncio.create_task(self._replay_forever(), name="bus:spool-replay")

    async def _on_error(self, exc: Exception) -> None:
        log.debug("nats_error", url=_masked(self.url), error=f"{type(exc).__name__}: {exc}")

    async def _on_disconnected(self) -> None:
        if not self._closing:
            log.warning("nats_disconnected", url=_masked(self.url))

    async def _on_reconnected(self) -> None:
        log.info("nats_reconnected", url=_masked(self.url), spooled=len(self.spool))

    async def close(self) -> None:
        self._closing = True
        for task in self._tasks:
            await task.stop()
        self._tasks.clear()
        if self._replayer is not None:
            self._replayer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._replayer
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.close()

    async def check(self) -> None:
        if self._nc is None or not self._nc.is_connected:
            raise BusUnavailable(f"NATS {_masked(self.url)} is not connected")
        try:
            await self._nc.flush(timeout=1)
        except (TimeoutError, NatsTimeout):
            raise BusUnavailable(f"NATS {_masked(self.url)} does not answer") from None

    async def publish(self, envelope: Envelope) -> None:
        started = time.perf_counter()
        with traced(self._tracer, envelope) as stamped:
            await self._send(stamped.subject, stamped.to_json(), stamped.id)
        self.metrics.published(self.kind, envelope.type, time.perf_counter() - started)

    async def publish_raw(self, message_type: str, data: bytes) -> None:
        await self._send(f"onair.{self.station}.{message_type}", data, None)

    async def _send(self, subject: str, data: bytes, msg_id: str | None) -> None:
        # While anything waits in the spool, new events queue behind it: order matters.
        if self._js is not None and self._connected() and not self.spool:
            try:
                headers = {"Nats-Msg-Id": msg_id} if msg_id else None
                await self._js.publish(subject, data, headers=headers)
                return
            except (TimeoutError, NatsTimeout, NoRespondersError, OSError) as exc:
                log.warning("publish_failed_spooling", subject=subject, error=type(exc).__name__)
        try:
            await asyncio.to_thread(self.spool.append, subject, data)
        except SpoolFull as exc:
            raise BusUnavailable(f"NATS {_masked(self.url)} is down and {exc}") from None
        self.metrics.spooled(len(self.spool))

    def _connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def _replay_forever(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            if self.spool and self._connected():
                try:
                    await self._replay()
                except (TimeoutError, NatsTimeout, NoRespondersError, OSError) as exc:
                    log.warning("spool_replay_interrupted", error=type(exc).__name__)

    async def _replay(self) -> None:
        assert self._js is not None
        async with self._replay_lock:
            held = await asyncio.to_thread(self.spool.pending)
            for subject, data in held:
                msg_id = _envelope_id(data)
                headers = {"Nats-Msg-Id": msg_id} if msg_id else None
                await self._js.publish(subject, data, headers=headers)
            await asyncio.to_thread(self.spool.drop, len(held))
            self.metrics.spooled(len(self.spool))
            log.info("spool_replayed", events=len(held))

    async def subscribe(
        self,
        pattern: str,
        handler: Handler,
        *,
        durable: str | None = None,
        queue: str | None = None,
    ) -> _Task:
        name = queue or durable
        subject = self._events_subject if pattern == ">" else f"onair.{self.station}.{pattern}"
        consumer = Consumer(
            name or f"ephemeral-{id(handler):x}", self.kind, handler, self.seen, self.metrics,
            self.tracer_provider, self._bury, self.max_deliver,
        )  # fmt: skip
        stop = _Task()
        stop.graceful = True
        stop._task = asyncio.create_task(
            self._pull(subject, name, consumer, stop.stopping), name=f"bus:{name}"
        )
        self._tasks.append(stop)
        return stop

    async def _pull(
        self, subject: str, durable: str | None, consumer: Consumer, stopping: asyncio.Event
    ) -> None:
        assert self._js is not None
        config = ConsumerConfig(
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.NEW,
            ack_wait=_ACK_WAIT_S,
            # One spare: the consumer dead-letters on attempt max_deliver itself, and the
            # server must not silently give up on a message before that.
            max_deliver=self.max_deliver + 1,
            inactive_threshold=None if durable else 60.0,
        )
        sub = None
        while sub is None and not stopping.is_set():
            try:
                sub = await self._js.pull_subscribe(
                    subject, durable, stream=self.stream, config=config
                )
            except Exception as exc:  # NATS down at subscribe time: wait for it
                log.warning("subscribe_failed_retrying", consumer=consumer.name, error=str(exc))
                await asyncio.sleep(1.0)
        while sub is not None and not stopping.is_set():
            try:
                messages = await sub.fetch(_FETCH_BATCH, timeout=_FETCH_WAIT_S)
            except (TimeoutError, NatsTimeout):
                continue
            except Exception as exc:  # disconnected: nats-py reconnects, we wait for it
                log.debug("fetch_failed", error=type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            for msg in messages:
                try:
                    await self._deliver(consumer, msg)
                except Exception:  # e.g. the dedupe store is down: try the message later
                    log.exception("delivery_failed", consumer=consumer.name)
                    with contextlib.suppress(Exception):
                        await msg.nak(delay=retry_delay(msg.metadata.num_delivered))

    async def _deliver(self, consumer: Consumer, msg: Msg) -> None:
        self.metrics.queue_depth(consumer.name, msg.metadata.num_pending)
        envelope = await consumer.parse(msg.subject, msg.data)
        if envelope is None:
            await msg.term()
            return
        attempt = msg.metadata.num_delivered
        outcome = await consumer.handle(envelope, attempt, msg.data)
        if outcome is Outcome.RETRY:
            await msg.nak(delay=retry_delay(attempt, self.retry_base_s))
        elif outcome is Outcome.DEAD:
            await msg.term()
        else:
            await msg.ack()

    async def _bury(self, letter: DeadLetter) -> None:
        log.error("dead_lettered", consumer=letter.consumer, reason=letter.reason)
        await self._send(self._dead_subject, letter.model_dump_json().encode(), None)

    async def broadcast(self, envelope: Envelope) -> None:
        if not self._connected():
            return  # a reading no one will want once the server is back
        assert self._nc is not None
        try:
            await self._nc.publish(self._broadcast_subject(envelope.type), envelope.to_json())
        except (NatsError, OSError) as exc:
            log.debug("broadcast_dropped", type=envelope.type, error=type(exc).__name__)

    async def listen(self, pattern: str, handler: Handler) -> _Task:
        assert self._nc is not None

        async def hear(msg: Msg) -> None:
            try:
                await handler(Envelope.from_json(msg.data))
            except Exception:  # a transient event is not retried; the next one replaces it
                log.exception("listener_failed", subject=msg.subject)

        sub = await self._nc.subscribe(self._broadcast_subject(pattern), cb=hear,
                                       pending_msgs_limit=64)  # fmt: skip
        stop = _Task(sub=sub)
        self._tasks.append(stop)
        return stop

    async def subscribe_dead_letters(self, handler: DeadLetterHandler) -> _Task:
        async def run() -> None:
            assert self._js is not None
            sub = await self._js.subscribe(self._dead_subject, deliver_policy=DeliverPolicy.NEW)
            async for msg in sub.messages:
                await handler(DeadLetter.model_validate_json(msg.data))
                await msg.ack()

        stop = _Task(asyncio.create_task(run(), name="bus:deadletter"))
        self._tasks.append(stop)
        return stop

    async def serve(self, command_type: str, handler: CommandHandler) -> _Task:
        assert self._nc is not None

        async def answer(msg: Msg) -> None:
            try:
                command = Envelope.from_json(msg.data)
                reply = reply_to(command, await handler(command))
            except InvalidEnvelope as exc:
                reply = new_envelope(f"{command_type}_failed", self.station, {"error": str(exc)})
            except Exception as exc:
                reply = new_envelope(f"{command_type}_failed", self.station, {"error": f"{exc}"})
            await msg.respond(reply.to_json())

        sub = await self._nc.subscribe(
            self._command_subject(command_type), queue=f"cmd-{command_type}", cb=answer
        )
        # Serving means the server knows: without the round trip a request sent on another
        # connection right after this returns can find no responder yet.
        try:
            await self._nc.flush(timeout=5)
        except NatsTimeout:
            raise BusUnavailable(
                f"NATS {_masked(self.url)} did not confirm the {command_type}"
                " subscription within 5 s"
            ) from None
        stop = _Task(sub=sub)
        self._tasks.append(stop)
        return stop

    async def request(self, command: Envelope, timeout_s: float = 5.0) -> Envelope:
        if not self._connected():
            raise BusUnavailable(f"NATS {_masked(self.url)} is not connected")
        assert self._nc is not None
        with traced(self._tracer, command) as stamped:
            try:
                msg = await self._nc.request(
                    self._command_subject(stamped.type), stamped.to_json(), timeout=timeout_s
                )
            except NoRespondersError:
                raise NoResponders(f"nobody serves {command.type} on {self.station}") from None
            except (TimeoutError, NatsTimeout):
                raise RequestTimeout(
                    f"{command.type} got no reply within {timeout_s:g} s"
                ) from None
        reply = Envelope.from_json(msg.data)
        if reply.type.endswith("_failed"):
            raise CommandFailed(f"{command.type} failed: {reply.payload.get('error')}")
        return reply


def _envelope_id(data: bytes) -> str | None:
    try:
        return Envelope.from_json(data).id
    except InvalidEnvelope:
        return None
