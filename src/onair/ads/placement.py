"""Placing orders' spots into the schedule's spot breaks, day by day.

Orders are placed by priority (1 first), then the most constrained (fewest
breaks in their dayparts for the spots they want), ties broken by the seed. An
order's spots of a day are spread over its daypart's breaks: each wants the
break at its even share of the day (shifted by the seed), and takes the
nearest one that has room, does not hold the same order, and keeps the
competitive separation from every spot of its conflict code. Minutes of
separation are measured from the end of one break to the start of the other,
so the spots inside are at least that far apart wherever they sit. A spot no
break takes is bumped, with the reason.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from onair.ads.rotation import CopyRotation
from onair.domain.programming import WEEKDAYS
from onair.domain.schedule import Playable, epoch_ms
from onair.domain.traffic import (
    Advertiser,
    BreakLog,
    Bump,
    Order,
    Separation,
    SpotBreak,
)

__all__ = ["PlacedSpot", "Placement", "Pod", "week_share"]

_HOUR_MS = 3_600_000


@dataclass(frozen=True)
class PlacedSpot:
    order: Order
    advertiser: str
    copy_asset: Playable
    code: str
    conflict: str | None
    separation: Separation


@dataclass
class Pod:
    """A break being filled: its room left and the spots placed in it."""

    brk: SpotBreak
    day: date
    weekday: str
    hour: int
    room_ms: int
    kept: BreakLog | None = None  # its log stays as it is (locked or started)
    spots: list[PlacedSpot] = field(default_factory=list)

    @property
    def start_ms(self) -> int:
        return epoch_ms(self.brk.start)

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.brk.length_ms

    def holds(self, order_id: str) -> bool:
        if self.kept is not None:
            return any(i.order_id == order_id for i in self.kept.spots)
        return any(s.order.id == order_id for s in self.spots)


def week_share(order: Order, day: date, seed: int) -> int:
    """The spots of a weekly order that fall on ``day``: its week's count spread evenly over
    the days of that week (Monday to Sunday) in its flight and dayparts, the odd spots on
    days the seed picks. The same whichever days are placed together."""
    if order.spots_per_day is not None:
        return order.spots_per_day if order.airs_on(day) else 0
    monday = day - timedelta(days=day.weekday())
    week = [monday + timedelta(days=n) for n in range(7)]
    days = [d for d in week if order.airs_on(d) and _daypart_day(order, WEEKDAYS[d.weekday()])]
    if day not in days:
        return 0
    base, extra = divmod(order.spots_per_week or 0, len(days))
    turn = random.Random(f"{seed}|{order.id}|{monday}").randrange(len(days))  # noqa: S311
    return base + (1 if (days.index(day) - turn) % len(days) < extra else 0)


def _daypart_day(order: Order, weekday: str) -> bool:
    return any(day == weekday for day, _ in order.air_hours)


class Placement:
    """One placing of orders into breaks; :meth:`place` fills :attr:`pods` and :attr:`bumps`."""

    def __init__(
        self,
        breaks: Sequence[SpotBreak],
        zone: tzinfo,
        orders: Sequence[Order],
        advertisers: Mapping[str, Advertiser],
        copies: Mapping[str, Playable],
        seed: int,
        *,
        kept: Mapping[str, BreakLog],
        room: Mapping[str, int],
    ) -> None:
        self.zone = zone
        self.orders = orders
        self.advertisers = advertisers
        self.copies = copies
        self.seed = seed
        self.pods: list[Pod] = []
        for brk in breaks:
            day, weekday, hour = brk.local(zone)
            held = kept.get(brk.item_id)
            self.pods.append(
                Pod(brk, day, weekday, hour, room.get(brk.item_id, brk.length_ms), kept=held)
            )
        self.bumps: list[Bump] = []
        self._rotations = {o.id: CopyRotation(o.copy_) for o in orders}
        self._by_code: dict[str, list[tuple[int, int, PlacedSpot | None, Separation]]] = {}
        self._widest = max((_gap(self._separation(o)) for o in orders), default=0)
        self._orders_by_id = {o.id: o for o in orders}
        # Each order's (weekday, hour) of air, looked up for every break of every day.
        self._hours = {o.id: o.air_hours for o in orders}
        for pod in self.pods:
            if pod.kept is not None:
                self._count_kept(pod)

    def place(self) -> None:
        days = sorted({p.day for p in self.pods if p.kept is None})
        for day in days:
            self._place_day(day)

    # -- a day ---------------------------------------------------------------------------

    def _place_day(self, day: date) -> None:
        pods = [p for p in self.pods if p.day == day]
        rng = random.Random(f"{self.seed}|{day}")  # noqa: S311
        wanted: list[tuple[Order, int, list[Pod]]] = []
        for order in self.orders:
            share = week_share(order, day, self.seed)
            if not share:
                continue
            aired = sum(
                1
                for p in pods
                if p.kept is not None
                for i in p.kept.spots
                if i.order_id == order.id
            )
            hours = self._hours[order.id]
            eligible = [p for p in pods if p.kept is None and (p.weekday, p.hour) in hours]
            if share - aired > 0:
                wanted.append((order, share - aired, eligible))
        ties = {order.id: rng.random() for order, _, _ in wanted}
        wanted.sort(key=lambda w: (w[0].priority, len(w[2]) / w[1], ties[w[0].id]))
        for order, count, eligible in wanted:
            self._place_order(order, day, count, eligible, pods, rng)

    def _place_order(
        self,
        order: Order,
        day: date,
        count: int,
        eligible: list[Pod],
        pods: list[Pod],
        rng: random.Random,
    ) -> None:
        if not eligible:
            why = (
                "no spot break in its dayparts"
                if any(p.kept is None for p in pods)
                else "the schedule has no spot break to place in"
            )
            self.bumps += [Bump(order.id, day, f"{why} on {day}")] * count
            return
        offset = rng.random()
        for k in range(count):
            copy = self._rotations[order.id].next(day)
            if copy is None:
                self.bumps.append(Bump(order.id, day, f"every copy is past its kill date on {day}"))
                continue
            asset = self.copies[copy.asset]
            ideal = (k + offset) * len(eligible) / count
            tried = sorted(range(len(eligible)), key=lambda i: (abs(i + 0.5 - ideal), i))
            refused: Counter[str] = Counter()
            spot = self._spot(order, asset, copy.code)
            for index in tried:
                pod = eligible[index]
                refusal = self._refusal(pod, order, asset)
                if refusal is None:
                    self._put(pod, spot)
                    break
                refused[refusal] += 1
            else:
                if not self._make_room([eligible[i] for i in tried], spot, pods):
                    self.bumps.append(Bump(order.id, day, self._bump_reason(order, day, refused)))

    def _make_room(self, tried: list[Pod], spot: PlacedSpot, pods: list[Pod]) -> bool:
        """Room for ``spot`` in a full break, by moving a spot placed there to another break
        its own order may take (the nearest break first, the shortest spot that makes the
        room); False when no such move exists."""
        for pod in tried:
            need = spot.copy_asset.length_ms - pod.room_ms
            if need <= 0 or pod.holds(spot.order.id):
                continue  # kept off by separation, not room
            for moved in sorted(pod.spots, key=lambda s: (s.copy_asset.length_ms, s.order.id)):
                if moved.copy_asset.length_ms < need:
                    continue
                self._drop(pod, moved)
                if self._refusal(pod, spot.order, spot.copy_asset) is None:
                    self._put(pod, spot)
                    hours = self._hours[moved.order.id]
                    for other in pods:
                        if (
                            other is not pod
                            and other.kept is None
                            and (other.weekday, other.hour) in hours
                            and self._refusal(other, moved.order, moved.copy_asset) is None
                        ):
                            self._put(other, moved)
                            return True
                    self._drop(pod, spot)
                self._put(pod, moved)
        return False

    def _refusal(self, pod: Pod, order: Order, asset: Playable) -> str | None:
        if pod.room_ms < asset.length_ms:
            return "full"
        if pod.holds(order.id):
            return "same order"
        conflict = self._conflict(order)
        if conflict is None:
            return None
        mine = self._separation(order)
        placed = self._by_code.get(conflict, [])
        low = bisect.bisect_left(placed, (pod.start_ms - self._widest - _HOUR_MS,))
        for start, end, _spot, theirs in placed[low:]:
            if start > pod.end_ms + self._widest + _HOUR_MS:
                break
            gap = mine.stricter(theirs).gap_ms()
            if gap is None:
                continue
            if start == pod.start_ms:
                return "separation"
            apart = pod.start_ms - end if start < pod.start_ms else start - pod.end_ms
            if apart < gap:
                return "separation"
        return None

    def _spot(self, order: Order, asset: Playable, code: str) -> PlacedSpot:
        conflict = self._conflict(order)
        return PlacedSpot(order, order.advertiser, asset, code, conflict, self._separation(order))

    def _put(self, pod: Pod, spot: PlacedSpot) -> None:
        pod.spots.append(spot)
        pod.room_ms -= spot.copy_asset.length_ms
        if spot.conflict is not None:
            bisect.insort(
                self._by_code.setdefault(spot.conflict, []),
                (pod.start_ms, pod.end_ms, spot, spot.separation),
                key=lambda e: e[:2],
            )

    def _drop(self, pod: Pod, spot: PlacedSpot) -> None:
        pod.spots.remove(spot)
        pod.room_ms += spot.copy_asset.length_ms
        if spot.conflict is not None:
            placed = self._by_code[spot.conflict]
            placed.pop(next(n for n, e in enumerate(placed) if e[2] is spot))

    def _count_kept(self, pod: Pod) -> None:
        """Spots of a kept break still keep their competitors apart."""
        assert pod.kept is not None
        for item in pod.kept.spots:
            if item.conflict is None:
                continue
            order = self._orders_by_id.get(item.order_id or "")
            sep = self._separation(order) if order else Separation(kind="break")
            bisect.insort(
                self._by_code.setdefault(item.conflict, []),
                (pod.start_ms, pod.end_ms, None, sep),
                key=lambda e: e[:2],
            )

    def _bump_reason(self, order: Order, day: date, refused: Counter[str]) -> str:
        full, apart, same = refused["full"], refused["separation"], refused["same order"]
        near = f"too near a spot coded {self._conflict(order)} ({self._separation(order).text()})"
        if full == apart == 0:
            return f"every daypart break on {day} already holds this order"
        if full == 0:
            held = " or already holds this order" if same else ""
            return f"competitive separation: every daypart break on {day} is {near}{held}"
        if apart == same == 0:
            return f"no room: its {full} daypart break(s) on {day} are full"
        parts = [
            f"{n} {what}"
            for n, what in ((full, "full"), (apart, near), (same, "already holding it"))
            if n
        ]
        return f"no break on {day} could take it: " + ", ".join(parts)

    # -- the order's terms -----------------------------------------------------------------

    def _conflict(self, order: Order) -> str | None:
        if order.conflict is not None:
            return order.conflict
        advertiser = self.advertisers.get(order.advertiser)
        return advertiser.conflict if advertiser else None

    def _separation(self, order: Order) -> Separation:
        if order.separation is not None:
            return order.separation
        return Separation(kind="break" if self._conflict(order) else "none")


def _gap(sep: Separation) -> int:
    return sep.gap_ms() or 0


def spots_in(pods: Iterable[Pod]) -> int:
    return sum(len(p.spots) for p in pods)
