"""The fan-out: every live message to every connected client, none held up by another.

Each client has a bounded queue of serialized messages (shared strings, so a
thousand clients cost a thousand references, not a thousand copies). Publishing
never waits: a client whose queue is full is dropped on the spot, its queue let
go, and its connection closed with :data:`TOO_SLOW`. It may reconnect with its
last sequence number and pick up from the replay buffer.
"""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from onair.api.live.messages import SNAPSHOT_TYPES, LiveMessage
from onair.api.live.replay import ReplayBuffer

__all__ = ["TOO_SLOW", "LiveClient", "LiveHub"]

TOO_SLOW = 4429  # the close code of a client dropped for not keeping up


class _Reading:
    """A transient message waiting in a queue; emptied when a newer reading supersedes it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text: str | None = text


class LiveClient:
    """One connection's queue: what the hub has sent it and it has not yet written.

    A client behind gets only the latest meters: a newer reading empties the one
    still waiting (its place stays, so the sequence numbers go out in order),
    and what matters (now playing) is not held up behind stale readings.
    """

    def __init__(self, limit: int, types: frozenset[str] | None = None) -> None:
        self.limit = limit
        self.types = types  # the message types it asked for; None: all
        self.dropped: str | None = None  # why the hub let it go
        self._pending: deque[str | _Reading] = deque()
        self._reading: _Reading | None = None  # the transient message still waiting
        self._ready = asyncio.Event()

    def wants(self, kind: str) -> bool:
        return self.types is None or kind in self.types

    def offer(self, text: str, transient: bool = False) -> bool:
        """Queue ``text``; False (and the client dropped) when the queue is full."""
        if self.dropped is not None:
            return False
        if len(self._pending) >= self.limit:
            self.drop(f"too slow: {self.limit} messages waiting; reconnect with your last seq")
            return False
        if transient:
            if self._reading is not None:
                self._reading.text = None
            self._reading = _Reading(text)
            self._pending.append(self._reading)
        else:
            self._pending.append(text)
        self._ready.set()
        return True

    def drop(self, why: str) -> None:
        self.dropped = why
        self._pending.clear()
        self._ready.set()

    async def next(self) -> str | None:
        """The next message to write, or None once the client is dropped."""
        while True:
            while not self._pending:
                if self.dropped is not None:
                    return None
                self._ready.clear()
                await self._ready.wait()
            if self.dropped is not None:
                return None
            item = self._pending.popleft()
            if isinstance(item, str):
                return item
            if item is self._reading:
                self._reading = None
            if item.text is not None:
                return item.text


class LiveHub:
    """Numbers the station's live messages, keeps them for replay and fans them out."""

    def __init__(self, *, replay: int = 256, client_queue: int = 512) -> None:
        # Names this run's sequence: numbers from an earlier run (an API restart) are not ours.
        self.session = str(ULID())
        self.client_queue = max(client_queue, replay + 16)  # a full replay always fits
        self._seq = 0
        self._replay = ReplayBuffer(replay)
        self._latest: dict[str, LiveMessage] = {}
        self._clients: set[LiveClient] = set()

    @property
    def seq(self) -> int:
        """The last sequence number given out."""
        return self._seq

    def clients(self) -> int:
        return len(self._clients)

    def publish(self, kind: str, data: dict[str, Any], time: datetime,
                transient: bool = False) -> LiveMessage:  # fmt: skip
        """Number ``data`` as the next message of ``kind`` and queue it for every client."""
        self._seq += 1
        message = LiveMessage(self._seq, kind, time, data, transient)
        if not transient:
            self._replay.keep(message)
        if kind in SNAPSHOT_TYPES:
            self._latest[kind] = message
        text = message.text
        for client in [c for c in self._clients if c.wants(kind) and not c.offer(text, transient)]:
            self._clients.discard(client)
        return message

    def join(self, since: int | None, session: str | None, hello: dict[str, Any],
             types: frozenset[str] | None = None) -> LiveClient:  # fmt: skip
        """A new client, its queue primed with ``hello`` then what it missed, or a snapshot.

        What it missed comes from the replay buffer when ``session`` is this hub's
        and the buffer still reaches back to ``since``; otherwise a snapshot of the
        latest now playing, next items, state and meters. ``types`` limits what it
        gets after ``hello`` to those message types (None: every type).
        """
        missed = None
        if since is not None and session == self.session:
            missed = self._replay.after(since, self._seq)
        client = LiveClient(self.client_queue, types)
        now = datetime.now(UTC)
        greeting = {"session": self.session, **hello, "resumed": missed is not None}
        client.offer(LiveMessage(self._seq, "hello", now, greeting).text)
        if missed is None:
            latest = {k: self._latest[k].data if k in self._latest else None
                      for k in SNAPSHOT_TYPES}  # fmt: skip
            client.offer(LiveMessage(self._seq, "snapshot", now, latest).text)
        else:
            for message in missed:
                if client.wants(message.type):
                    client.offer(message.text)
        self._clients.add(client)
        return client

    def leave(self, client: LiveClient) -> None:
        self._clients.discard(client)
