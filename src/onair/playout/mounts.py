"""The built-in stream's mounts and the hub that encodes playout's pcm for every listener.

The playout engine feeds pcm blocks (and where tracks start) to the hub; the
hub encodes each mount in one worker thread, so the event loop and the playout
clock never wait on an encoder, and hands whole frames/pages to every listener
through its own bounded queue. A listener that cannot keep up is dropped; it
never slows the others.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from onair.domain.playout import SAMPLE_RATE
from onair.playout.codecs.encoder import EncodedChunk, StreamEncoder, StreamFormat
from onair.playout.ports import StreamMetrics

__all__ = ["Listener", "Mount", "Segment", "StreamHub", "default_mounts"]

NOT_RUNNING = "playout is not running"


@dataclass(frozen=True, slots=True)
class Segment:
    """Audio bytes for listeners, and the title current once they are all sent."""

    data: bytes
    title: str | None


@dataclass(frozen=True, slots=True)
class Mount:
    """One stream of the hub: its path name (``stream.mp3``) and its encoder."""

    name: str
    encoder: StreamEncoder

    @classmethod
    def of(cls, fmt: StreamFormat, bitrate: int = 128_000) -> Mount:
        """The ``stream.mp3`` or ``stream.opus`` mount at ``bitrate``."""
        return cls(f"stream.{fmt}", StreamEncoder(fmt, bitrate))

    @property
    def content_type(self) -> str:
        return self.encoder.content_type

    @property
    def bitrate(self) -> int:
        return self.encoder.bitrate


def default_mounts(bitrate: int = 128_000) -> list[Mount]:
    """MP3 and Ogg/Opus at ``bitrate`` (128 kbps by default)."""
    return [Mount.of("mp3", bitrate), Mount.of("opus", bitrate)]


class Listener:
    """One connected client of a mount, fed through a bounded queue."""

    def __init__(self, mount: Mount, title: str | None, first: list[Segment], size: int) -> None:
        self.mount = mount
        self.title = title  # current before the first segment it is sent
        self.closed = asyncio.Event()  # set when the hub drops or stops it
        self.dropped = False
        self.seen = 0  # the last batch already in its first segments (the burst)
        self._queue: asyncio.Queue[list[Segment] | None] = asyncio.Queue(maxsize=size)
        self._queue.put_nowait(first)

    async def next_batch(self) -> list[Segment] | None:
        """Everything queued for this listener, waiting for some; None when it must stop."""
        batch = await self._queue.get()
        if batch is None:
            return None
        more = [batch]
        while not self._queue.empty():
            extra = self._queue.get_nowait()
            if extra is None:
                self._queue.put_nowait(None)
                break
            more.append(extra)
        return [segment for part in more for segment in part]

    def offer(self, batch: list[Segment]) -> bool:
        """Queue ``batch``; False (and the listener stopped) when its queue is full."""
        try:
            self._queue.put_nowait(batch)
        except asyncio.QueueFull:
            self.dropped = True
            self.stop()
            return False
        return True

    def stop(self) -> None:
        """End this listener's stream: queued audio is discarded."""
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)
        self.closed.set()


@dataclass
class _MountState:
    mount: Mount
    titles: deque[tuple[int, str]] = field(default_factory=deque)
    title: str | None = None  # current after the last segment made
    pending: list[Segment] = field(default_factory=list)
    pending_samples: int = 0
    burst: deque[tuple[int, Segment]] = field(default_factory=deque)
    burst_bytes: int = 0
    burst_title: str | None = None  # current before burst[0]
    sent_title: str | None = None  # current after the last batch
    batches: int = 0
    listeners: set[Listener] = field(default_factory=set)
    peak: int = 0


class StreamHub:
    """Encodes playout's pcm for each mount and fans it out to listeners.

    ``feed`` may be called from any one thread at a time; ``feed_async`` runs it
    on the hub's own worker thread in call order. Listeners are served on the
    event loop of whoever calls :meth:`listen`.
    """

    def __init__(
        self,
        mounts: Sequence[Mount],
        metrics: StreamMetrics | None = None,
        *,
        burst_bytes: int = 65_536,
        batch_seconds: float = 0.1,
        queue_seconds: float = 10.0,
    ) -> None:
        self.mounts = {m.name: m for m in mounts}
        self.burst_bytes = burst_bytes
        self._batch_samples = round(batch_seconds * SAMPLE_RATE)
        self._queue_size = max(2, round(queue_seconds / max(batch_seconds, 0.02)))
        self._states = {m.name: _MountState(m) for m in mounts}
        self._lock = threading.Lock()  # hub state, shared by the feeding thread and the loop
        self._encoding = threading.Lock()  # one pcm block through the encoders at a time
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor: ThreadPoolExecutor | None = None
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

    def feed(self, pcm: npt.NDArray[np.float32], titles: Sequence[tuple[int, str]] = ()) -> None:
        """Encode the next block of station pcm (float32, (frames, 2), 48 kHz).

        ``titles`` are (sample offset in this block, "Artist - Title") where a
        track starts; listeners see the title once that sample's bytes are out.
        """
        with self._encoding:
            start = self._samples
            self._samples += len(pcm)
            self._reason = None
            for state in self._states.values():
                state.titles.extend((start + offset, title) for offset, title in titles)
                self._take(state, state.mount.encoder.encode(pcm))

    async def feed_async(
        self, pcm: npt.NDArray[np.float32], titles: Sequence[tuple[int, str]] = ()
    ) -> None:
        """:meth:`feed` on the hub's worker thread, keeping the event loop free."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="onair-stream")
        await asyncio.get_running_loop().run_in_executor(self._executor, self.feed, pcm, titles)

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

    @asynccontextmanager
    async def listen(self, name: str) -> AsyncIterator[Listener]:
        """Connect a listener to mount ``name``; its first batch is the header and the burst."""
        state = self._states[name]
        with self._lock:
            self._loop = asyncio.get_running_loop()
            first = [Segment(state.mount.encoder.header, state.burst_title)]
            first += [segment for _, segment in state.burst]
            title = state.burst_title if state.burst else state.sent_title
            listener = Listener(state.mount, title, first, self._queue_size)
            listener.seen = state.batches
        self._join(state, listener)
        try:
            yield listener
        finally:
            self._leave(state, listener)

    def _take(self, state: _MountState, chunks: list[EncodedChunk]) -> None:
        # A title becomes current after the chunk holding its track's first sample.
        for chunk in chunks:
            while state.titles and state.titles[0][0] < chunk.end:
                state.title = state.titles.popleft()[1]
            state.pending.append(Segment(chunk.data, state.title))
            state.pending_samples += chunk.samples
        if state.pending_samples < self._batch_samples:
            return
        batch, state.pending, state.pending_samples = state.pending, [], 0
        with self._lock:
            state.batches += 1
            seq = state.batches
            for segment in batch:
                state.burst.append((seq, segment))
                state.burst_bytes += len(segment.data)
            while state.burst_bytes - len(state.burst[0][1].data) >= self.burst_bytes:
                _, gone = state.burst.popleft()
                state.burst_bytes -= len(gone.data)
                state.burst_title = gone.title
            state.sent_title = batch[-1].title
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
