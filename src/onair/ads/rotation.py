"""Copy rotation: an order's copies aired in proportion to their weights, evenly mixed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from onair.domain.traffic import Copy

__all__ = ["CopyRotation"]


class CopyRotation:
    """Smooth weighted round-robin over the copies alive on the day asked.

    Weights 2 and 1 give A B A A B A ...: each copy's share is its weight over
    the total, and no copy airs in a long run while another waits. A copy past
    its kill date drops out; the others share its turns.
    """

    def __init__(self, copies: Sequence[Copy]) -> None:
        self.copies = tuple(copies)
        self._current = [0] * len(copies)

    def next(self, day: date) -> Copy | None:
        alive = [i for i, c in enumerate(self.copies) if c.alive(day)]
        if not alive:
            return None
        total = sum(self.copies[i].weight for i in alive)
        for i in alive:
            self._current[i] += self.copies[i].weight
        chosen = max(alive, key=lambda i: (self._current[i], -i))
        self._current[chosen] -= total
        return self.copies[chosen]
