"""The pre-recorded liner that stands in when a segment cannot be made in time."""

from __future__ import annotations

from collections.abc import Sequence

from onair.domain.library import AssetKind
from onair.domain.schedule import Playable

__all__ = ["IMAGING_KINDS", "stand_in"]

IMAGING_KINDS = frozenset({AssetKind.LINER, AssetKind.STATION_ID, AssetKind.SWEEPER})


def stand_in(
    imaging: Sequence[Playable], budget_ms: int, *, station_id: bool, turn: int
) -> Playable | None:
    """A liner that fits ``budget_ms``: the longest that fits, rotating among equals.

    A legal ID slot takes only a recorded station ID, since a liner does not
    carry the call letters and community the rule asks for (47 CFR 73.1201).
    """
    wanted = {AssetKind.STATION_ID} if station_id else IMAGING_KINDS
    fitting = [p for p in imaging if p.kind in wanted and 0 < p.length_ms <= budget_ms]
    if not fitting:
        return None
    longest = max(p.length_ms for p in fitting)
    # Liners within a second of the longest are as good as each other: take turns.
    best = sorted((p for p in fitting if p.length_ms >= longest - 1000), key=lambda p: p.id)
    return best[turn % len(best)]
