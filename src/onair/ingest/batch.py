"""A batch of files and folders: find the audio, skip what is done, ingest the rest in parallel."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from onair.domain.errors import DomainError
from onair.ingest.examine import AUDIO_SUFFIXES
from onair.ingest.intake import Outcome, Status

__all__ = ["BatchSummary", "Ingests", "NoSuchPath", "find_audio", "run_batch"]


class Ingests(Protocol):
    """A local :class:`~onair.ingest.intake.Intake` or one that sends work to workers."""

    def pending(self, paths: list[str]) -> tuple[list[str], list[Outcome]]: ...

    async def ingest(self, path: str) -> Outcome: ...


class NoSuchPath(DomainError):
    """A path given to ingest does not exist."""


@dataclass
class BatchSummary:
    counts: Counter[Status] = field(default_factory=Counter)
    skipped: int = 0  # files not named like audio
    outcomes: list[Outcome] = field(default_factory=list)

    def line(self) -> str:
        """``12 ingested, 3 unchanged, 1 duplicate, 2 rejected``."""
        parts = [f"{self.counts[s]} {s.value}" for s in Status]
        if self.skipped:
            parts.append(f"{self.skipped} not audio (skipped)")
        return ", ".join(parts)


def find_audio(paths: Iterable[Path]) -> tuple[list[str], int]:
    """Every audio file under ``paths`` (absolute, sorted, once each) and how many others."""
    found: set[str] = set()
    others = 0
    for given in paths:
        if not given.exists():
            raise NoSuchPath(f"{given}: no such file or folder")
        files = [given] if given.is_file() else _walk(given)
        for file in files:
            if file.suffix.lower() in AUDIO_SUFFIXES:
                found.add(str(file.resolve()))
            elif given.is_dir():
                others += 1
            else:  # named on the command line: the operator meant it, so examine it
                found.add(str(file.resolve()))
    return sorted(found), others


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(Path(root) / n for n in names if not n.startswith("."))
    return files


async def run_batch(
    intake: Ingests,
    files: list[str],
    *,
    in_flight: int,
    on_total: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Ingest ``files``, ``in_flight`` at a time; ``on_total(to_do, done_before)`` first."""
    summary = BatchSummary()
    todo, done = await asyncio.to_thread(intake.pending, files)
    for outcome in done:
        summary.counts[outcome.status] += 1
    if on_total is not None:
        on_total(len(todo), len(done))
    gate = asyncio.Semaphore(in_flight)

    async def one(path: str) -> None:
        async with gate:
            outcome = await intake.ingest(path)
        summary.counts[outcome.status] += 1
        summary.outcomes.append(outcome)

    async with asyncio.TaskGroup() as group:
        for path in todo:
            group.create_task(one(path))
    return summary
