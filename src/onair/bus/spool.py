"""Events kept on disk while the bus server is unreachable, replayed in order.

One line per event (``subject<TAB>envelope JSON``), appended and fsynced before
the publisher is told the event is held. The replayer publishes with the
envelope id as the message id, so a replay cut short and repeated is
deduplicated by the server, never delivered twice. Appends may happen while a
replay runs: the replayer removes only the lines it has sent.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["Spool", "SpoolFull"]


class SpoolFull(Exception):
    """The spool reached its size limit; the publisher must be told, not ignored."""


class Spool:
    def __init__(self, directory: Path, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.path = directory / "pending.spool"
        self.max_bytes = max_bytes
        self._lock = threading.Lock()  # appends run in worker threads
        # Counted once from the file, then kept in memory: publishing asks
        # on every event whether anything waits, and must not read the disk.
        self._count: int | None = None
        self._size = 0

    def _counted(self) -> int:
        if self._count is None:
            lines = self._lines()
            self._count, self._size = len(lines), sum(len(line) for line in lines)
            if self.path.exists() and self.path.stat().st_size != self._size:
                # A torn last line from a crash mid-append: cut it, or the next
                # append would be glued onto it.
                with self.path.open("r+b") as fh:
                    fh.truncate(self._size)
        return self._count

    def __len__(self) -> int:
        with self._lock:
            return self._counted()

    def __bool__(self) -> bool:
        return len(self) > 0

    def append(self, subject: str, data: bytes) -> None:
        """Hold one event durably; raises :class:`SpoolFull` past ``max_bytes``."""
        line = subject.encode() + b"\t" + data + b"\n"
        with self._lock:
            count = self._counted()
            if self._size + len(line) > self.max_bytes:
                raise SpoolFull(f"bus spool {self.path} is full ({self._size} bytes)")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            self._count, self._size = count + 1, self._size + len(line)

    def pending(self) -> list[tuple[str, bytes]]:
        """The held events, oldest first."""
        with self._lock:
            return [_parse(line) for line in self._lines()]

    def _lines(self) -> list[bytes]:
        if not self.path.exists():
            return []
        with self.path.open("rb") as fh:
            # A torn last line (a crash mid-append) was never acknowledged.
            return [line for line in fh if line.endswith(b"\n")]

    def drop(self, sent: int) -> None:
        """Forget the oldest ``sent`` events, keeping any appended since they were read."""
        with self._lock:
            rest = self._lines()[sent:]
            tmp = self.path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                fh.writelines(rest)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            self._count, self._size = len(rest), sum(len(line) for line in rest)


def _parse(line: bytes) -> tuple[str, bytes]:
    subject, _, data = line.rstrip(b"\n").partition(b"\t")
    return subject.decode(), data
