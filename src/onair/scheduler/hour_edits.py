"""An operator's edits of one stored hour: an item's asset replaced, an item moved.

Each edit gives the hour anew, its items re-timed, and is judged as the
builder's hours are: the rules re-checked on the edited hour and the one after
it, and what the edit would newly break named (a program director may force
it; the scheduler records that in the ledger). A replacement re-lands the
next hard post the way a length correction does (the last song plays more of
its end or fades earlier, fill closes a gap); a move stays between the hard
items around it, so every post keeps its time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from onair.domain.errors import DomainError
from onair.domain.programming import AppliedProgram, ItemKind
from onair.domain.schedule import HourPlan, Playable, ScheduledItem, epoch_ms
from onair.scheduler.build import Setup
from onair.scheduler.planning import natural_overlap
from onair.scheduler.retiming import Fill, LengthCorrection, retime
from onair.scheduler.verify import Violation, verify_schedule

__all__ = ["EditRefused", "HourEdit", "RulesWouldBreak", "moved", "replaced"]


class EditRefused(DomainError):
    """An edit that cannot be made at all (a hard item moved, an asset of another kind)."""


class RulesWouldBreak(DomainError):
    """The edit breaks rules the hour keeps now; ``violations`` names each."""

    def __init__(self, violations: list[Violation]) -> None:
        first = violations[0]
        super().__init__(f"{first.rule} would break: {first.message}")
        self.violations = violations


@dataclass(frozen=True)
class HourEdit:
    """An hour as stored, with what judging an edit of it takes."""

    applied: AppliedProgram
    plan: HourPlan
    following: list[HourPlan]  # the hour after, whose rules look back on this one
    playables: list[Playable]
    history: list[ScheduledItem]
    setup: Setup

    @property
    def songs(self) -> Mapping[str, Playable]:
        return {s.id: s for s in self.playables}

    def clock(self, at_ms: int) -> str:
        return f"{self.setup.planning.moment(at_ms).local_time:%H:%M:%S}"

    def fills(self, at: datetime) -> list[Fill]:
        """The fill assets that may air at ``at``, as the rules judge them."""
        program, planning = self.applied.program, self.setup.planning
        moment = planning.moment(epoch_ms(at))
        return [
            Fill(name, asset)
            for name, category in program.categories.items()
            if category.type is ItemKind.FILL
            for asset in self.setup.members[name]
            if asset.has_audio
            and not any(c.verdict(asset, moment, planning.history) for c in planning.checks[name])
        ]

    def breaks(self, edited: HourPlan) -> list[Violation]:
        """What ``edited`` breaks that the stored hour does not (an item and a rule)."""
        program = self.applied.program
        before = verify_schedule(
            program, self.playables, self.history, [self.plan, *self.following]
        )
        after = verify_schedule(program, self.playables, self.history, [edited, *self.following])
        known = {(v.item_id, v.rule) for v in before}
        return [v for v in after if (v.item_id, v.rule) not in known]


def replaced(edit: HourEdit, item: ScheduledItem, asset: Playable, who: str) -> HourPlan:
    """The hour with ``asset`` airing in ``item``'s place, its stretch re-landed on the post.

    Raises :class:`EditRefused` for an item without an asset or an asset of another
    kind, and ``PlanNotCorrected`` when the post cannot be landed.
    """
    was = edit.songs.get(item.asset_id or "")
    if was is None:
        raise EditRefused(f"item {item.id} is a planned {item.category} item with no asset yet")
    if asset.kind != was.kind:
        raise EditRefused(f"asset {asset.id!r} is {asset.kind.value}; item {item.id} airs"
                          f" {was.kind.value}")  # fmt: skip
    plan = replace(edit.plan, items=tuple(replace(i, asset_id=asset.id) if i.id == item.id else i
                                          for i in edit.plan.items))  # fmt: skip
    reason = f"{was.title} replaced with {asset.title} by {who}"
    fix = LengthCorrection(item.id, asset.length_ms, straight=True, reason=reason,
                           overlap_ms=natural_overlap(asset))  # fmt: skip
    retimed = retime(plan, fix, songs=edit.songs, fills=edit.fills(item.start),
                     fade_ms=round(edit.applied.program.timing.early_fade_s * 1000),
                     clock=edit.clock)  # fmt: skip
    why = {"replaced": {"asset_id": was.id, "by": who, "shift_ms": retimed.shift_ms}}
    return replace(retimed.plan, items=tuple(replace(i, why=why) if i.id == item.id else i
                                             for i in retimed.plan.items))  # fmt: skip


def moved(edit: HourEdit, item: ScheduledItem, position: int, who: str) -> HourPlan:
    """The hour with ``item`` at ``position`` (0 first), the items between re-timed.

    The item may move only among the items between the hard items around it, so
    the hard posts keep their times; raises :class:`EditRefused` otherwise.
    """
    items = list(edit.plan.items)
    at = items.index(item)
    if not 0 <= position < len(items):
        raise EditRefused(f"position {position} is outside the hour's {len(items)} items")
    if item.hard:
        raise EditRefused(f"item {item.id} is a hard post: it keeps its time")
    low, high = sorted((at, position))
    if any(i.hard for i in items[low : high + 1] if i is not item):
        raise EditRefused(f"position {position} is past a hard post: move within its stretch")
    items.insert(position, items.pop(at))
    start = edit.plan.items[low].start  # where the stretch of items moved began
    laid: list[ScheduledItem] = items[:low]
    for n, each in enumerate(items[low : high + 1], start=low):
        laid.append(replace(each, start=start, position=n))
        start = laid[-1].next_start
    laid += items[high + 1 :]
    why = {**item.why, "moved": {"from": at, "to": position, "by": who}}
    final = [replace(i, why=why) if i.id == item.id else i for i in laid]
    return replace(edit.plan, items=tuple(final))
