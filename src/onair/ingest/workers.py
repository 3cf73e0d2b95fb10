"""Ingest spread over worker processes on other machines, as a NATS queue group.

Each ``onair serve --role ingest`` answers ``ingest.ingest_file`` commands; the
bus hands each command to exactly one worker of the group, so adding workers
adds throughput. The sender (``onair ingest --via-bus``) sees the same outcomes
as a local run, and the files must be at the same path on every worker (a
shared mount).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from onair.bus.port import EventBus, Subscription
from onair.domain.events import Envelope, new_envelope
from onair.ingest.intake import Intake, Outcome, Status

__all__ = ["INGEST_FILE", "RemoteIntake", "serve_ingest"]

INGEST_FILE = "ingest.ingest_file"
_FILE_TIMEOUT_S = 900.0  # a two-hour show file on a slow worker


async def serve_ingest(bus: EventBus, intake: Intake, slots: int) -> list[Subscription]:
    """Answer ``ingest.ingest_file`` with ``slots`` files in progress at a time."""

    async def handle(command: Envelope) -> dict[str, Any]:
        path = command.payload.get("path")
        if not isinstance(path, str) or not PurePath(path).is_absolute():
            raise ValueError(f"path {path!r} is not an absolute file path")
        outcome = await intake.ingest(path)
        return {
            "path": outcome.path,
            "status": outcome.status.value,
            "asset_id": outcome.asset_id,
            "reason": outcome.reason,
            "title": outcome.title,
        }

    # A subscription answers one command at a time: one per slot runs them side by side.
    return [await bus.serve(INGEST_FILE, handle) for _ in range(slots)]


class RemoteIntake:
    """Ingest by command to the worker group; the skip-what-is-done check stays local."""

    def __init__(self, bus: EventBus, station: str, local: Intake) -> None:
        self.bus = bus
        self.station = station
        self.local = local

    def pending(self, paths: list[str]) -> tuple[list[str], list[Outcome]]:
        return self.local.pending(paths)

    async def ingest(self, path: str) -> Outcome:
        command = new_envelope(INGEST_FILE, self.station, {"path": path})
        reply = await self.bus.request(command, timeout_s=_FILE_TIMEOUT_S)
        payload = reply.payload
        outcome = Outcome(
            path=str(payload.get("path", path)),
            status=Status(payload["status"]),
            asset_id=payload.get("asset_id"),
            reason=payload.get("reason"),
            title=payload.get("title"),
        )
        if self.local.on_outcome is not None:
            self.local.on_outcome(outcome)
        return outcome
