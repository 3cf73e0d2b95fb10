"""A break made up in air order: the pod's bookends, its spots, and house material to length.

A break with spots opens and closes with the station file's bookends (when it
names them); the spots air by priority, then order number. What the spots
leave of the break's planned length is made up with promos, then fill (liners,
beds), each the least used that fits; a remainder no item fits is taken by a
fill item faded at that length, so the break ends within half a second of its
plan. A break no spot was placed in airs house material only.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ulid import ULID

from onair.ads.placement import Pod
from onair.domain.schedule import Playable
from onair.domain.traffic import BreakLog, LoggedItem, Role

__all__ = ["FILL_TOLERANCE_MS", "HouseMaterial", "make_up"]

FILL_TOLERANCE_MS = 500  # a break ends this close to its planned length
_MAX_MAKE_UP = 6  # promos and fill items in one break, at most


@dataclass(frozen=True)
class HouseMaterial:
    """The station's own material for breaks, each list with its category."""

    open: tuple[str, Sequence[Playable]] | None = None
    close: tuple[str, Sequence[Playable]] | None = None
    promo: tuple[str, Sequence[Playable]] | None = None
    fill: tuple[str, Sequence[Playable]] | None = None

    def bookend_ms(self) -> int:
        """The most a pod's bookends can take (the longest of each): the spots never crowd
        them out, whichever the rotation gives the break."""
        return sum(
            max(p.length_ms for p in side[1])
            for side in (self.open, self.close)
            if side and side[1]
        )


def make_up(
    station: str, seed: int, pod: Pod, house: HouseMaterial, uses: Counter[str]
) -> BreakLog:
    """The break's items in air order, from ``pod``'s spots and ``house`` material."""
    items: list[tuple[Role, Playable, int, str, dict[str, str | None]]] = []
    spots = sorted(pod.spots, key=lambda s: (s.order.priority, s.order.id))
    if spots:
        _bookend(items, Role.OPEN, house.open, uses)
    for spot in spots:
        extra = {
            "order_id": spot.order.id,
            "advertiser": spot.advertiser,
            "code": spot.code,
            "conflict": spot.conflict,
        }
        items.append(
            (Role.SPOT, spot.copy_asset, spot.copy_asset.length_ms, pod.brk.category, extra)
        )
    closing: list[tuple[Role, Playable, int, str, dict[str, str | None]]] = []
    if spots:
        _bookend(closing, Role.CLOSE, house.close, uses)
    used = sum(i[2] for i in items + closing)
    made = 0
    for role, side in ((Role.PROMO, house.promo), (Role.FILL, house.fill)):
        if side is None:
            continue
        while pod.brk.length_ms - used > FILL_TOLERANCE_MS and made < _MAX_MAKE_UP:
            left = pod.brk.length_ms - used
            here = {i[1].id for i in items}  # a promo or liner airs once a break
            fits = [p for p in side[1] if p.length_ms <= left and p.id not in here]
            if not fits:
                break
            chosen = min(fits, key=lambda p: (uses[p.id], -p.length_ms, p.id))
            uses[chosen.id] += 1
            items.append((role, chosen, chosen.length_ms, side[0], {}))
            used += chosen.length_ms
            made += 1
    left = pod.brk.length_ms - used
    if left > FILL_TOLERANCE_MS and house.fill and house.fill[1]:
        # No item fits what is left: the shortest fill longer than it, not yet in the
        # break, airs faded at that length (the longest when each is in it already).
        here = {i[1].id for i in items}
        longer = [p for p in house.fill[1] if p.length_ms > left and p.id not in here]
        faded = (
            min(longer, key=lambda p: (p.length_ms, p.id))
            if longer
            else max(house.fill[1], key=lambda p: (p.length_ms, p.id))
        )
        uses[faded.id] += 1
        items.append((Role.FILL, faded, left, house.fill[0], {}))
    items += closing
    logged, offset = [], 0
    for position, (role, asset, length, category, extra) in enumerate(items):
        logged.append(
            LoggedItem(
                id=_item_id(station, pod.brk.item_id, position, seed, pod.start_ms + offset),
                role=role,
                asset_id=asset.id,
                offset_ms=offset,
                length_ms=length,
                category=category,
                title=asset.title,
                **extra,
            )
        )
        offset += length
    return BreakLog(pod.brk, tuple(logged))


def _bookend(
    items: list[tuple[Role, Playable, int, str, dict[str, str | None]]],
    role: Role,
    side: tuple[str, Sequence[Playable]] | None,
    uses: Counter[str],
) -> None:
    if side is None or not side[1]:
        return
    chosen = _least_used(side[1], uses)
    uses[chosen.id] += 1
    items.append((role, chosen, chosen.length_ms, side[0], {}))


def _least_used(pool: Sequence[Playable], uses: Counter[str]) -> Playable:
    return min(pool, key=lambda p: (uses[p.id], p.id))


def _item_id(station: str, break_id: str, position: int, seed: int, at_ms: int) -> str:
    """A ULID stamped with the item's start, the same for the same seed and break."""
    digest = hashlib.blake2b(f"{station}|{break_id}|{position}|{seed}".encode(), digest_size=10)
    return str(ULID.from_bytes(at_ms.to_bytes(6, "big") + digest.digest()))
