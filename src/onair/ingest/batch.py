"""A batch of files and folders: find the audio, skip what is done, ingest the rest in parallel."""

from __future__ import annotations

import asyncio
import errno
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from onair.domain.errors import DomainError
from onair.ingest.examine import AUDIO_SUFFIXES
from onair.ingest.intake import Outcome, Status

__all__ = ["AudioFound", "BatchSummary", "Ingests", "NoSuchPath", "find_audio", "run_batch"]


class Ingests(Protocol):
    """A local :class:`~onair.ingest.intake.Intake` or one that sends work to workers."""

    def pending(self, paths: list[str]) -> tuple[list[str], list[Outcome]]: ...

    async def ingest(self, path: str) -> Outcome: ...


class NoSuchPath(DomainError):
    """A path given to ingest does not exist, or is neither a file nor a folder."""


@dataclass
class BatchSummary:
    counts: Counter[Status] = field(default_factory=Counter)
    skipped: int = 0  # files not named like audio
    links_refused: int = 0  # links in a folder that lead out of it, or nowhere
    outcomes: list[Outcome] = field(default_factory=list)

    def line(self) -> str:
        """``12 ingested, 3 unchanged, 1 duplicate, 2 rejected``."""
        parts = [f"{self.counts[s]} {s.value}" for s in Status]
        if self.links_refused:
            parts.append(f"{self.links_refused} links refused")
        if self.skipped:
            parts.append(f"{self.skipped} not audio (skipped)")
        return ", ".join(parts)


@dataclass(frozen=True)
class AudioFound:
    """What a search of the given files and folders found."""

    files: list[str]  # absolute, sorted, once each
    others: int  # files in the folders not named like audio
    refused: list[str]  # one line each: a link in a folder that leads out of it or nowhere


def find_audio(paths: Iterable[Path]) -> AudioFound:
    """Every audio file under ``paths``, how many others, and the links refused.

    A file named on the command line is taken as it is, a link or not. Inside a
    folder, a link is followed only to a file in that same folder: one that
    leads out of it (to any file on the machine), in a loop or to nothing is
    refused, and the reason names the link, never where it leads.
    """
    found: set[str] = set()
    others = 0
    refused: list[str] = []
    for given in paths:
        if not given.exists():
            raise NoSuchPath(f"{given}: no such file or folder")
        if not given.is_file() and not given.is_dir():
            raise NoSuchPath(f"{given}: not a file or folder (a pipe, a device): give audio")
        files = [given] if given.is_file() else _walk(given, refused)
        for file in files:
            if file.suffix.lower() in AUDIO_SUFFIXES:
                found.add(str(file.resolve()))
            elif given.is_dir():
                others += 1
            else:  # named on the command line: the operator meant it, so examine it
                found.add(str(file.resolve()))
    return AudioFound(sorted(found), others, sorted(refused))


def _walk(folder: Path, refused: list[str]) -> list[Path]:
    inside = folder.resolve()
    files: list[Path] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for path in (Path(root) / n for n in names if not n.startswith(".")):
            why = _link_refused(path, inside) if path.is_symlink() else None
            if why is None:
                files.append(path)
            elif path.suffix.lower() in AUDIO_SUFFIXES:
                refused.append(f"{path}: {why}")
    return files


def _link_refused(link: Path, inside: Path) -> str | None:
    """Why a link in ``inside`` is not followed, or None when it leads to a file there."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # a loop, before Python 3.13
        return "a link in a loop: point it at a file in the folder"
    except OSError as exc:
        what = "in a loop" if exc.errno == errno.ELOOP else "to nothing"
        return f"a link {what}: point it at a file in the folder"
    if not target.is_relative_to(inside):
        return f"a link that leads out of {inside}: copy the file into the folder instead"
    return None


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
