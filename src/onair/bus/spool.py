"""Events kept on disk while the bus server is unreachable, replayed in order.

One line per event (``subject<TAB>envelope JSON``), appended and fsynced before
the publisher is told the event is held. The replayer publishes with the
envelope id as the message id, so a replay cut short and repeated is
deduplicated by the server, never delivered twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["Spool", "SpoolFull"]


class SpoolFull(Exception):
    """The spool reached its size limit; the publisher must be told, not ignored."""


class Spool:
    def __init__(self, directory: Path, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.path = directory / "pending.spool"
        self.max_bytes = max_bytes

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open("rb") as fh:
            return sum(1 for _ in fh)

    def __bool__(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def append(self, subject: str, data: bytes) -> None:
        """Hold one event durably; raises :class:`SpoolFull` past ``max_bytes``."""
        line = subject.encode() + b"\t" + data + b"\n"
        size = self.path.stat().st_size if self.path.exists() else 0
        if size + len(line) > self.max_bytes:
            raise SpoolFull(f"bus spool {self.path} is full ({size} bytes)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def pending(self) -> Iterator[tuple[str, bytes]]:
        """The held events, oldest first."""
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            for line in fh:
                if line.endswith(b"\n"):  # a torn last line was never acknowledged
                    subject, _, data = line.rstrip(b"\n").partition(b"\t")
                    yield subject.decode(), data

    def clear(self) -> None:
        """Forget the held events once every one of them is on the server."""
        self.path.unlink(missing_ok=True)
