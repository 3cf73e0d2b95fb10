"""What a build takes from the library before its first hour, kept for the next build.

Each category's songs, the lengths they can fill, the songs no limit keeps off
the days built, and each rotation's seeded order depend only on the program,
the library and the days or seed. A second build over a library the read
returns unchanged (the same Playable objects: the library keeps its read until
an asset changes), as the desk's next top-up, an operator's edit of an hour or
a rebuild with the same seed, takes them from here instead of working through
100,000 songs again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from operator import is_
from threading import Lock
from typing import TypeVar

from onair.domain.programming import StationProgram
from onair.domain.schedule import Playable
from onair.scheduler.rotation import Rotation

__all__ = ["LibraryFacts", "library_facts"]

T = TypeVar("T")


@dataclass
class LibraryFacts:
    """One program's view of one library read; what depends on more is kept by key."""

    members: dict[str, list[Playable]]  # each category's songs
    assets: dict[str, Playable]  # the library by id
    _kept: dict[Hashable, object] = field(default_factory=dict)

    def kept(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under ``key``, made the first time it is asked for."""
        if key not in self._kept:
            self._kept[key] = make()
        return self._kept[key]  # type: ignore[return-value]

    def rotation(self, name: str, seed: int) -> Rotation:
        """The category's rotation for ``seed``, no song placed yet."""
        # A seeded shuffle for a rotation's order, not for secrets.
        start = self.kept(
            ("rotation", name, seed),
            lambda: Rotation(self.members[name], random.Random(f"{seed}|{name}")),  # noqa: S311
        )
        return start.restarted()


_last: list[tuple[StationProgram, list[Playable], LibraryFacts]] = []
_lock = Lock()


def library_facts(
    program: StationProgram,
    playables: Sequence[Playable],
    make: Callable[[StationProgram, Sequence[Playable]], LibraryFacts],
) -> LibraryFacts:
    """The facts of the last build when ``program`` and the songs are the same, else new ones."""
    with _lock:
        if _last:
            songs, facts = _last[0][1], _last[0][2]
            if (
                len(songs) == len(playables)
                and all(map(is_, songs, playables))
                and _last[0][0] == program
            ):
                return facts
    facts = make(program, playables)
    with _lock:
        _last[:] = [(program, list(playables), facts)]
    return facts
