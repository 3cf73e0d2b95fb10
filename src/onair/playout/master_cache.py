"""Masters fetched from the object store into a local folder, ahead of air.

The engine decodes from local files only, so an object store that goes away
mid-hour does not touch what is already in the look-ahead window.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from onair.domain.errors import DomainError
from onair.playout.ports import Masters

__all__ = ["MasterCache", "MasterUnavailable"]


class MasterUnavailable(DomainError):
    """A master is not in the cache and cannot be fetched (missing, or the store is away)."""


class MasterCache:
    """A folder of masters by key, trimmed to ``limit_bytes`` (least recently used first)."""

    def __init__(self, masters: Masters, folder: Path, *, limit_bytes: int = 4 << 30) -> None:
        self._masters = masters
        self._folder = folder
        self._limit = limit_bytes
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """The local copy of ``key``, fetched first if needed."""
        local = self._folder / key.replace("/", "_")
        if local.exists():
            os.utime(local)  # recently used: trimmed last
            return local
        partial = local.with_name(f".{local.name}.{os.getpid()}.part")
        try:
            with self._masters.open(key) as source, partial.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            partial.replace(local)  # a crash mid-copy never leaves a short master behind
        except Exception as exc:
            partial.unlink(missing_ok=True)
            raise MasterUnavailable(f"master {key} cannot be fetched: {exc}") from exc
        self._trim()
        return local

    def _trim(self) -> None:
        files = [p for p in self._folder.iterdir() if p.is_file() and not p.name.startswith(".")]
        total = sum(p.stat().st_size for p in files)
        for old in sorted(files, key=lambda p: p.stat().st_mtime):
            if total <= self._limit:
                break
            total -= old.stat().st_size
            old.unlink(missing_ok=True)
