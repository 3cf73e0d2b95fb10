"""``schedule verify``: every rule re-checked on a stored schedule, from scratch.

The history is rebuilt from what was scheduled before the range and then from
the stored items themselves, in air order; nothing the builder remembered is
trusted. Timing is checked too: the chain of starts to the millisecond, hard
items on their posts, each hour starting on its top, no silence, and the
legal ID inside its window every hour (47 CFR 73.1201).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from onair.domain import rules as r
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import HourPlan, Playable, ScheduledItem
from onair.scheduler.build import prepare, replay

__all__ = ["Violation", "verify_schedule"]


@dataclass(frozen=True)
class Violation:
    hour: datetime
    item_id: str | None
    rule: str
    message: str
    relaxed: bool = False  # the builder recorded giving this rule up here


def verify_schedule(
    program: StationProgram,
    playables: Sequence[Playable],
    history: Sequence[ScheduledItem],
    plans: Sequence[HourPlan],
) -> list[Violation]:
    """Every rule broken in ``plans`` (in air order), given what aired before them."""
    if not plans:
        return []
    days = sorted({_local_day(program, p.start) for p in plans})
    setup = prepare(program, playables, history, _span(days), seed=0, planning=False)
    planning = setup.planning
    relaxed = {(x.item_id, x.rule) for p in plans for x in p.relaxations}
    found: list[Violation] = []
    assets = {s.id: s for s in playables}

    def each(item: ScheduledItem, song: Playable) -> None:
        moment = planning.moment(round(item.start.timestamp() * 1000))
        for check in planning.checks.get(item.category, ()):
            reason = check.verdict(song, moment, planning.history)
            if reason is not None:
                was_relaxed = (item.id, check.name) in relaxed
                found.append(Violation(item.hour, item.id, check.name, reason, was_relaxed))

    for plan in plans:
        missing = [i for i in plan.items if i.asset_id and i.asset_id not in assets]
        found += [
            Violation(plan.start, i.id, "usage_rights", f"asset {i.asset_id} is not in the library")
            for i in missing
        ]
        replay(planning, plan.items, assets, each)
    found += _timing(program, plans)
    return found


def _timing(program: StationProgram, plans: Sequence[HourPlan]) -> list[Violation]:
    found: list[Violation] = []
    legal = program.rules.get("legal_id")
    assert isinstance(legal, r.LegalId)
    window = timedelta(minutes=legal.window_minutes)
    previous: ScheduledItem | None = None
    for plan in plans:
        if plan.items and plan.items[0].start != plan.start and previous is not None:
            late = (plan.items[0].start - plan.start).total_seconds()
            found.append(
                Violation(
                    plan.start,
                    plan.items[0].id,
                    "hard_timing",
                    f"the hour starts {late:+.3f} s off its top",
                )
            )
        for item in plan.items:
            found += _item_timing(plan, item, previous)
            previous = item
        ids = [
            i for i in plan.items if i.kind is ItemKind.ID and abs(i.start - plan.start) <= window
        ]
        if legal.enabled and not ids:
            found.append(
                Violation(
                    plan.start,
                    None,
                    "legal_id",
                    f"no legal ID within {legal.window_minutes:g} min of the top of the hour",
                )
            )
    return found


def _item_timing(
    plan: HourPlan, item: ScheduledItem, previous: ScheduledItem | None
) -> list[Violation]:
    found = []
    if previous is not None and previous.next_start != item.start:
        off = (item.start - previous.next_start).total_seconds()
        found.append(
            Violation(
                plan.start,
                item.id,
                "hard_timing",
                f"starts {off:+.3f} s off the end of the item before",
            )
        )
    if item.hard and item.nominal_start != item.start:
        off = (item.start - item.nominal_start).total_seconds() if item.nominal_start else 0.0
        found.append(
            Violation(plan.start, item.id, "hard_timing", f"hard item {off:+.3f} s off its post")
        )
    if item.overlap_next_ms < 0:
        found.append(
            Violation(
                plan.start,
                item.id,
                "hard_timing",
                f"{-item.overlap_next_ms / 1000:.3f} s of silence after it",
            )
        )
    return found


def _local_day(program: StationProgram, at: datetime) -> date:
    return at.astimezone(program.zone).date()


def _span(days: list[date]) -> list[date]:
    return [days[0] + timedelta(n) for n in range((days[-1] - days[0]).days + 1)]
