"""The built-in stream's mounts and the hub that encodes playout's pcm for every listener.

The playout engine feeds pcm blocks (and where tracks start) to the hub; the
hub encodes each mount once, whatever the number of listeners, in one worker
thread, so the event loop and the playout clock never wait on an encoder, and
hands whole frames/pages to every listener through its own bounded backlog,
two seconds at a time. A listener that cannot keep up is dropped; it never
slows the others.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from onair.domain.playout import SAMPLE_RATE
from onair.playout.codecs.encoder import (
    EncodedChunk,
    StreamEncoder,
    StreamFormat,
    content_type,
)
from onair.playout.ports import StreamMetrics

__all__ = [
    "BATCH_SECONDS",
    "BURST_BYTES",
    "Listener",
    "Mount",
    "Segment",
    "StreamHub",
    "default_mounts",
    "listener_lag_s",
]

NOT_RUNNING = "playout is not running"

Pcm = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Segment:
    """Audio bytes for listeners, and the title current once they are all sent."""

    data: bytes
    title: str | None


@dataclass(frozen=True, slots=True)
class Mount:
    """One stream of the hub: its path name (``stream.mp3``), format and bit rate."""

    name: str
    fmt: StreamFormat
    bitrate: int = 128_000

    @classmethod
    def of(cls, fmt: StreamFormat, bitrate: int = 128_000) -> Mount:
        """The ``stream.mp3``, ``stream.opus`` or ``stream.aac`` mount at ``bitrate``."""
        return cls(f"stream.{fmt}", fmt, bitrate)

    @property
    def content_type(self) -> str:
        return content_type(self.fmt)

    def encoder(self) -> StreamEncoder:
        """A new encoder for this mount."""
        return StreamEncoder(self.fmt, self.bitrate)


BURST_BYTES = 65_536  # what a new listener gets at once: its player starts this far back
BATCH_SECONDS = 2.0  # the pcm gathered before each encode and each write to the listeners


def listener_lag_s(
    mount: Mount, burst_bytes: int = BURST_BYTES, batch_seconds: float = BATCH_SECONDS
) -> float:
    """How far behind the engine a listener of ``mount`` hears, before its player's own buffer.

    A new listener is sent the burst first (the last ``burst_bytes`` encoded, at
    least that much, ending with the last batch written) and plays it from its
    start, so it hears the burst's length behind that batch's end. The batch was
    written when its last sample was due, up to ``batch_seconds`` before the
    listener joined; the lag lies between the burst's length and that plus a
    batch, and stays so while the listener keeps up. This is its middle.
    """
    return burst_bytes * 8 / mount.bitrate + batch_seconds / 2


def default_mounts(bitrate: int = 128_000) -> list[Mount]:
    """MP3, Ogg/Opus and AAC at ``bitrate`` (128 kbps by default)."""
    return [Mount.of("mp3", bitrate), Mount.of("opus", bitrate), Mount.of("aac", bitrate)]


class Listener:
    """One connected client of a mount, fed whole batches through a bounded backlog."""

    def __init__(self, mount: Mount, title: str | None, first: list[Segment], size: int) -> None:
        self.mount = mount
        self.title = title  # current before the first segment it is sent
        self.closed = asyncio.Event()  # set when the hub drops or stops it
        self.dropped = False
        self.seen = 0  # the last batch already in its first segments (the burst)
        self._size = size
        self._backlog: list[list[Segment]] = [first]
        self._stopped = False
        self._waiter: asyncio.Future[None] | None = None

    async def next_batch(self) -> list[Segment] | None:
        """Everything queued for this listener, waiting for some; None when it must stop."""
        while not self._backlog and not self._stopped:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self._stopped:
            return None
        batches, self._backlog = self._backlog, []
        return batches[0] if len(batches) == 1 else [s for batch in batches for s in batch]

    def offer(self, batch: list[Segment]) -> bool:
        """Queue ``batch``; False (and the listener stopped) when its backlog is full."""
        if self._stopped:
            return True  # ending already: nothing more is sent, and it was not dropped
        if len(self._backlog) >= self._size:
            self.dropped = True
            self.stop()
            return False
        self._backlog.append(batch)
        self._wake()
        return True

    def stop(self) -> None:
        """End this listener's stream: queued audio is discarded."""
        self._stopped = True
        self._backlog.clear()
        self._wake()
        self.closed.set()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


@dataclass
class _MountState:
    mount: Mount
    encoder: StreamEncoder | None = None  # None while nobody listens
    warm: bool = False  # the recent pcm has gone through the encoder (the burst is made)
    origin: int = 0  # the station sample of the encoder's first sample
    idle_from: int | None = None  # the station sample its last listener left at
    titles: deque[tuple[int, str]] = field(default_factory=deque)
    title: str | None = None  # current after the last segment made
    burst: deque[tuple[int, Segment]] = field(default_factory=deque)
    burst_bytes: int = 0
    burst_title: str | None = None  # current before burst[0]
    sent_title: str | None = None  # current after the last batch
    batches: int = 0
    listeners: set[Listener] = field(default_factory=set)
    peak: int = 0

    def rest(self) -> None:
        """Stop encoding: nobody has listened for a while."""
        self.encoder, self.warm, self.idle_from = None, False, None
        self.titles.clear()
        self.title = self.burst_title = self.sent_title = None
        self.burst.clear()
        self.burst_bytes = 0


class StreamHub:
    """Encodes playout's pcm for each mount and fans it out to listeners.

    A mount is encoded only while someone listens (and ``idle_seconds`` after
    the last one leaves): the hub keeps the last few seconds of pcm, and the
    first listener of a quiet mount gets them encoded as its burst.

    What one ``feed`` makes goes to each listener as one batch (one write:
    what serving many listeners costs is the number of writes).
    ``feed_async`` gathers ``batch_seconds`` of the engine's blocks and feeds
    them on the hub's own worker thread, in call order; ``feed`` itself may be
    called from any one thread at a time. Listeners are served on the event
    loop of whoever calls :meth:`listen`.
    """

    def __init__(
        self,
        mounts: Sequence[Mount],
        metrics: StreamMetrics | None = None,
        *,
        burst_bytes: int = BURST_BYTES,
        batch_seconds: float = BATCH_SECONDS,
        queue_seconds: float = 10.0,
        idle_seconds: float = 30.0,
    ) -> None:
        self.mounts = {m.name: m for m in mounts}
        self.burst_bytes = burst_bytes
        self._batch_samples = round(batch_seconds * SAMPLE_RATE)
        self._queue_size = max(2, round(queue_seconds / max(batch_seconds, 0.02)))
        self._idle_samples = round(idle_seconds * SAMPLE_RATE)
        # Enough recent pcm to make the burst of the lowest bit rate, and a batch more.
        burst_s = max((burst_bytes * 8 / m.bitrate for m in mounts), default=0.0)
        self._recent_samples = round((burst_s + batch_seconds) * SAMPLE_RATE)
        self._recent: deque[tuple[int, Pcm]] = deque()  # (station sample, block)
        self._recent_total = 0
        self._title_log: deque[tuple[int, str]] = deque()  # titles of the recent pcm
        self._states = {m.name: _MountState(m) for m in mounts}
        self._lock = threading.Lock()  # hub state, shared by the feeding thread and the loop
        self._encoding = threading.Lock()  # one pcm block through the encoders at a time
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._queued: deque[Future[None]] = deque()  # batches not yet encoded
        # feed_async hands the encoders a batch at once: one wake-up, warm caches.
        self._held: list[Pcm] = []
        self._held_titles: list[tuple[int, str]] = []
        self._held_samples = 0
        self._samples = 0
        self._reason: str | None = NOT_RUNNING
        self._metrics = metrics
        if metrics is not None:
            for name in self.mounts:
                metrics.listeners(name, 0)

    @property
    def unavailable_reason(self) -> str | None:
        """Why the stream cannot be served now (one line), or None while playout feeds it."""
        return self._reason

    def feed(self, pcm: Pcm, titles: Sequence[tuple[int, str]] = ()) -> None:
        """Encode the next block of station pcm (float32, (frames, 2), 48 kHz), one batch.

        ``titles`` are (sample offset in this block, "Artist - Title") where a
        track starts; listeners see the title once that sample's bytes are out.
        """
        with self._encoding:
            start = self._samples
            self._samples += len(pcm)
            self._reason = None
            marks = [(start + offset, title) for offset, title in titles]
            for state in self._states.values():
                encoder = self._running(state, start)
                if encoder is None:
                    continue
                chunks = [] if state.warm else self._warm_up(state, encoder, start)
                state.titles.extend(marks)
                self._take(state, chunks + encoder.encode(pcm))
            self._remember(start, pcm, marks)

    async def feed_async(self, pcm: Pcm, titles: Sequence[tuple[int, str]] = ()) -> None:
        """:meth:`feed` on the hub's worker thread, a batch of pcm at a time.

        Returns at once unless more than two batches are waiting for the encoders.
        """
        self._reason = None  # on air from the first block, though it is encoded a batch later
        at = self._held_samples
        self._held.append(np.array(pcm, np.float32))  # a copy: the caller may reuse its block
        self._held_titles += [(at + offset, title) for offset, title in titles]
        self._held_samples += len(pcm)
        if self._held_samples >= self._batch_samples:
            block = np.concatenate(self._held) if len(self._held) > 1 else self._held[0]
            self._queued.append(self._submit(self.feed, block, self._held_titles))
            self._held, self._held_titles, self._held_samples = [], [], 0
        while self._queued and (self._queued[0].done() or len(self._queued) > 2):
            await asyncio.wrap_future(self._queued.popleft())  # raises what the encoding raised

    def stop(self, reason: str = NOT_RUNNING) -> None:
        """Playout stopped: end every listener's stream; new ones get 503 ``reason``."""
        with self._lock:
            self._reason = reason
            loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._stop_listeners)

    def close(self) -> None:
        """Stop, and let the worker thread go."""
        self.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def listeners(self) -> dict[str, int]:
        """Listeners connected now, per mount."""
        return {name: len(state.listeners) for name, state in self._states.items()}

    def listener_peak(self) -> dict[str, int]:
        """The most listeners connected at once per mount since :meth:`reset_peak`."""
        return {name: state.peak for name, state in self._states.items()}

    def reset_peak(self) -> None:
        """Start a new peak window (e.g. at each airing, for the as-run log) from now."""
        for state in self._states.values():
            state.peak = len(state.listeners)

    def encoding(self) -> list[str]:
        """The mounts being encoded now (those listened to lately)."""
        return [name for name, state in self._states.items() if state.encoder is not None]

    @asynccontextmanager
    async def listen(self, name: str) -> AsyncIterator[Listener]:
        """Connect a listener to mount ``name``; its first batch is the header and the burst."""
        state = self._states[name]
        with self._lock:
            self._loop = asyncio.get_running_loop()
            starting = state.encoder is None
            if starting:
                state.encoder = state.mount.encoder()
        if starting:  # the burst: the recent pcm through the new encoder, on the worker
            await asyncio.wrap_future(self._submit(self._warm, state))
        with self._lock:
            header = state.encoder.header if state.encoder is not None else b""
            first = [Segment(header, state.burst_title)]
            first += [segment for _, segment in state.burst]
            title = state.burst_title if state.burst else state.sent_title
            listener = Listener(state.mount, title, first, self._queue_size)
            listener.seen = state.batches
            state.idle_from = None
        self._join(state, listener)
        try:
            yield listener
        finally:
            self._leave(state, listener)

    def _submit(self, fn: Callable[..., None], *args: Any) -> Future[None]:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="onair-stream")
        return self._executor.submit(fn, *args)

    def _running(self, state: _MountState, now: int) -> StreamEncoder | None:
        """The mount's encoder, or None once it has had no listener for ``idle_seconds``."""
        with self._lock:
            if state.encoder is None or state.listeners:
                state.idle_from = None
            elif state.idle_from is None:
                state.idle_from = now
            elif now - state.idle_from >= self._idle_samples:
                state.rest()
            return state.encoder

    def _warm(self, state: _MountState) -> None:
        with self._encoding:
            encoder = state.encoder
            if encoder is not None and not state.warm:
                self._take(state, self._warm_up(state, encoder, self._samples))

    def _warm_up(self, state: _MountState, encoder: StreamEncoder, now: int) -> list[EncodedChunk]:
        """A starting encoder's first chunks: the recent pcm, from which the burst is made."""
        state.origin = self._recent[0][0] if self._recent else now
        state.titles.extend(self._title_log)
        state.warm = True
        return [chunk for _, block in self._recent for chunk in encoder.encode(block)]

    def _remember(self, start: int, pcm: Pcm, marks: list[tuple[int, str]]) -> None:
        self._recent.append((start, pcm.copy()))
        self._recent_total += len(pcm)
        while self._recent_total - len(self._recent[0][1]) >= self._recent_samples:
            self._recent_total -= len(self._recent.popleft()[1])
        self._title_log.extend(marks)
        first = self._recent[0][0]
        while len(self._title_log) > 1 and self._title_log[1][0] <= first:
            self._title_log.popleft()

    def _take(self, state: _MountState, chunks: list[EncodedChunk]) -> None:
        """Send what one feed made to the mount's listeners, as one batch."""
        made: list[Segment] = []
        for chunk in chunks:
            # A title becomes current after the chunk holding its track's first sample.
            end = state.origin + chunk.end
            while state.titles and state.titles[0][0] < end:
                state.title = state.titles.popleft()[1]
            made.append(Segment(chunk.data, state.title))
        if not made:
            return
        with self._lock:
            state.batches += 1
            seq = state.batches
            for segment in made:
                state.burst.append((seq, segment))
                state.burst_bytes += len(segment.data)
            while state.burst_bytes - len(state.burst[0][1].data) >= self.burst_bytes:
                _, gone = state.burst.popleft()
                state.burst_bytes -= len(gone.data)
                state.burst_title = gone.title
            batch = _runs(made, state.sent_title)
            state.sent_title = made[-1].title
            loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._deliver, state, seq, batch)

    def _deliver(self, state: _MountState, seq: int, batch: list[Segment]) -> None:
        for listener in list(state.listeners):
            if listener.seen < seq and not listener.offer(batch):
                if self._metrics is not None:
                    self._metrics.dropped(state.mount.name)
                self._leave(state, listener)

    def _stop_listeners(self) -> None:
        for state in self._states.values():
            for listener in list(state.listeners):
                listener.stop()

    def _join(self, state: _MountState, listener: Listener) -> None:
        state.listeners.add(listener)
        state.peak = max(state.peak, len(state.listeners))
        self._count(state)

    def _leave(self, state: _MountState, listener: Listener) -> None:
        if listener in state.listeners:
            state.listeners.discard(listener)
            self._count(state)

    def _count(self, state: _MountState) -> None:
        if self._metrics is not None:
            self._metrics.listeners(state.mount.name, len(state.listeners))


def _runs(segments: list[Segment], before: str | None) -> list[Segment]:
    """``segments`` joined where the title stays the same, so a batch is one write.

    A segment where the title changes stays on its own: metadata inside it must
    still carry the title before it.
    """
    runs: list[Segment] = []
    steady: list[bytes] = []
    title = before
    for segment in segments:
        if segment.title == title:
            steady.append(segment.data)
            continue
        if steady:
            runs.append(Segment(b"".join(steady), title))
        runs.append(segment)
        steady, title = [], segment.title
    if steady:
        runs.append(Segment(b"".join(steady), title))
    return runs
