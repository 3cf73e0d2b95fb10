"""A stretch of the schedule rendered faster than real time, through the live engine's code.

Mixing runs on the calling thread and encoding on another (an MP3 file's
encoder spreads its spans over every core), so an hour costs about as long as
the slower of the two, not their sum. The same schedule,
library and settings give the same samples, and so the same file bytes.

Operator triggers given to a render (a skip at 14:20:00) are applied on the
sample of their instant, through the timeline's own trigger methods, as the
live engine applies them when they arrive.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np
from ulid import ULID

from onair.domain.playout import SAMPLE_RATE, AsRunEntry, Trigger
from onair.playout.as_run import as_run_entry
from onair.playout.timeline import Happening, HappeningKind, Timeline
from onair.playout.triggers import apply_trigger

__all__ = ["PcmSink", "RenderReport", "TimedTrigger", "render", "render_play_ids"]

_BLOCK = SAMPLE_RATE  # one second per block: large enough that numpy, not Python, does the work


class PcmSink(Protocol):
    """Where rendered samples go (a file encoder)."""

    def write(self, pcm: np.ndarray) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class TimedTrigger:
    """An operator trigger a render applies when it reaches ``at``."""

    at: datetime
    trigger: Trigger
    asset_id: str | None = None  # what an insert airs


@dataclass
class RenderReport:
    """What a render aired (its as-run log) and what went wrong on the way."""

    seconds: float
    as_run: list[AsRunEntry] = field(default_factory=list)
    failovers: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Each trigger applied, and whether it did anything (a skip with nothing on air did not).
    triggers: list[tuple[TimedTrigger, bool]] = field(default_factory=list)


def render_play_ids(seed_ms: int) -> Callable[[str | None], str]:
    """Play ids that are the same for the same render (ULIDs from a fixed instant and a count)."""
    count = 0

    def new_play_id(_: str | None) -> str:
        nonlocal count
        count += 1
        return str(ULID.from_bytes(seed_ms.to_bytes(6, "big") + count.to_bytes(10, "big")))

    return new_play_id


def render(
    timeline: Timeline,
    station: str,
    frames: int,
    sink: PcmSink,
    on_progress: Callable[[int], None] | None = None,
    triggers: Sequence[TimedTrigger] = (),
) -> RenderReport:
    """Render ``frames`` samples from the timeline's ``t0`` into ``sink``, applying ``triggers``."""
    report = RenderReport(seconds=frames / SAMPLE_RATE)
    due = sorted(((timeline.sample_of(t.at), t) for t in triggers), key=lambda d: d[0])
    blocks: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []
    writer = threading.Thread(target=_write, args=(blocks, sink, failed), daemon=True)
    writer.start()
    timeline.begin()
    done = 0
    try:
        while done < frames and not failed:
            while due and due[0][0] <= done:
                timed = due.pop(0)[1]
                report.triggers.append((timed, apply_trigger(timeline, timed.trigger,
                                                             timed.asset_id)))  # fmt: skip
            # A block ends where the next trigger is due, so it lands on its sample.
            count = min(_BLOCK, frames - done, *(at - done for at, _ in due[:1]))
            block, happened = timeline.advance(count)
            blocks.put(block)
            _book(report, station, timeline, happened)
            done += count
            if on_progress:
                on_progress(count)
    finally:
        blocks.put(None)
        writer.join()
    if failed:
        raise failed[0]
    _close_open(report, station, timeline, frames)
    return report


def _write(
    blocks: queue.Queue[np.ndarray | None], sink: PcmSink, failed: list[BaseException]
) -> None:
    try:
        while (block := blocks.get()) is not None:
            sink.write(block)
        sink.close()
    except BaseException as exc:  # handed to the rendering thread, which raises it
        failed.append(exc)
        while blocks.get() is not None:  # let the renderer finish its puts
            pass


def _book(
    report: RenderReport, station: str, timeline: Timeline, happened: list[Happening]
) -> None:
    for event in happened:
        if event.kind is HappeningKind.ENDED and event.airing is not None:
            airing = event.airing
            started = timeline.instant(airing.first_heard)
            report.as_run.append(as_run_entry(station, airing, started, event.sample))
        elif event.kind is HappeningKind.FAILOVER:
            report.failovers.append(str(event.detail.get("reason")))
        elif event.kind is HappeningKind.ERROR:
            report.errors.append(str(event.detail.get("reason")))


def _close_open(report: RenderReport, station: str, timeline: Timeline, frames: int) -> None:
    """Airings still sounding at the render's end are logged as cut off there."""
    for airing in timeline.sounding():
        started = timeline.instant(airing.first_heard)
        report.as_run.append(as_run_entry(station, airing, started, frames))
    report.as_run.sort(key=lambda e: (e.actual_start, e.play_id))
