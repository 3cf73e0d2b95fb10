"""What each bus event becomes on the live WebSocket: ``{seq, type, time, data}``.

A message's ``data`` is the event's payload as the bus carried it; ``type`` is the
name a client switches on. Transient messages (the program meters, ten a second)
carry a sequence number like the others but are not kept for replay: a reading
from a minute ago is worth nothing to a client that reconnects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from onair.domain.events import Envelope

__all__ = [
    "BROADCAST_PATTERNS",
    "EVENT_PATTERNS",
    "LIVE_TYPES",
    "SNAPSHOT_TYPES",
    "LiveMessage",
    "from_event",
]

# Bus event type -> live message type.
LIVE_TYPES: dict[str, str] = {
    "playout.item_started": "now_playing",
    "playout.lineup_timed": "next",
    "playout.state_changed": "state",
    "playout.transition": "transition",
    "playout.failover": "failover",
    "playout.error": "error",
    "playout.action_taken": "action",
    "playout.item_ended": "as_run",
    "playout.program_metered": "meters",
    "agents.segment_ready": "segment",
    "agents.segment_failed": "segment",
}
TRANSIENT = frozenset({"meters"})
# What a snapshot holds: the latest message of each of these types.
SNAPSHOT_TYPES = ("now_playing", "next", "state", "meters")
# The bus subscriptions that bring every event above, and the broadcasts (the meters).
EVENT_PATTERNS = ("playout.*", "agents.*")
BROADCAST_PATTERNS = ("playout.*",)


@dataclass(frozen=True)
class LiveMessage:
    """One message as every client receives it, serialized once for all of them."""

    seq: int
    type: str
    time: datetime
    data: dict[str, Any]
    transient: bool = False

    @cached_property
    def text(self) -> str:
        body = {"seq": self.seq, "type": self.type, "time": self.time.isoformat(),
                "data": self.data}  # fmt: skip
        return json.dumps(body, separators=(",", ":"), default=str)


def from_event(envelope: Envelope) -> tuple[str, dict[str, Any], bool] | None:
    """``(type, data, transient)`` for a bus event the live updates carry, else None."""
    kind = LIVE_TYPES.get(envelope.type)
    if kind is None:
        return None
    data = dict(envelope.payload)
    if kind == "segment":  # ready or failed: the agents' progress on the hour's segments
        data.setdefault("status", envelope.type.rsplit("_", 1)[-1])
    return kind, data, kind in TRANSIENT
