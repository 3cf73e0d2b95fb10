"""The last lasting messages, so a client that reconnects gets what it missed."""

from __future__ import annotations

from collections import deque

from onair.api.live.messages import LiveMessage

__all__ = ["ReplayBuffer"]


class ReplayBuffer:
    """Up to ``capacity`` messages, oldest first; older ones are forgotten.

    A client asking for what came after a sequence number whose successors the
    buffer no longer holds gets None: it needs a fresh snapshot instead.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._kept: deque[LiveMessage] = deque(maxlen=capacity)
        self._forgotten = 0  # the newest sequence number pushed out (0: none yet)

    def keep(self, message: LiveMessage) -> None:
        if len(self._kept) == self._kept.maxlen:
            self._forgotten = self._kept[0].seq
        self._kept.append(message)

    def after(self, since: int, current: int) -> list[LiveMessage] | None:
        """The kept messages with ``seq > since``, or None when some of them are gone.

        ``current`` is the last sequence number given out: a ``since`` beyond it
        was not given by this hub, so it too needs a snapshot.
        """
        if since < 0 or since > current or since < self._forgotten:
            return None
        return [m for m in self._kept if m.seq > since]
