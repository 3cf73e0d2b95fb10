"""An item's planned length corrected to what airs, and its stretch re-timed to land the post.

A link voiced shorter than planned (or the liner standing in for it) leaves
the plan saying one thing and the air another. The item takes the length
that airs; the items after it, up to the next hard post (or the hour's end),
move by the difference; and the difference is taken up before the post the
way the builder lands a stretch: the last song of the stretch plays more of
its end (or, for an overrun, fades earlier, never more than the station's
early-fade allowance before its segue), then fill items (liners, beds) close
a gap still left, then the songs before it give up their crossfades (or fade
early within the allowance). A correction that cannot land the post is
refused, and the hour stays as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ulid import ULID

from onair.domain.errors import DomainError
from onair.domain.programming import ItemKind
from onair.domain.schedule import HourPlan, Playable, ScheduledItem, epoch_ms
from onair.scheduler.landing import MIN_PLAY_MS
from onair.scheduler.planning import natural_overlap

__all__ = ["Fill", "LengthCorrection", "PlanNotCorrected", "Retimed", "retime"]


class PlanNotCorrected(DomainError):
    """The hour cannot take the item's new length and still land its post."""


@dataclass(frozen=True)
class LengthCorrection:
    """What an item really airs for: its length, and whether it runs before the next item."""

    item_id: str
    length_ms: int
    straight: bool  # airs before the next item; False: a talk-up over the next song's intro
    reason: str  # why it airs for another length, e.g. "voiced 5.4 s of 15.0 s planned"
    overlap_ms: int | None = None  # the next item starts this long before its end (a segue)


@dataclass(frozen=True)
class Fill:
    """An asset of a fill category that may air in the stretch."""

    category: str
    asset: Playable


@dataclass(frozen=True)
class Retimed:
    plan: HourPlan
    shift_ms: int  # how far the items after the corrected one moved (+ later, - earlier)
    note: str  # what changed, as the hour's notes and the item's why say it


@dataclass
class _Stretch:
    """The items between the corrected one and the post, with the gap still to close."""

    items: list[ScheduledItem]
    gap_ms: int  # + time to fill before the post, - time to win back
    songs: Mapping[str, Playable]
    fade_ms: int
    steps: list[str]


def retime(
    plan: HourPlan,
    fix: LengthCorrection,
    *,
    songs: Mapping[str, Playable],
    fills: Sequence[Fill],
    fade_ms: int,
    clock: Callable[[int], str],
) -> Retimed:
    """``plan`` with ``fix`` applied and its stretch landed on the same post.

    ``songs`` are the hour's songs (for their natural overlaps), ``fills`` what
    may fill a gap, ``fade_ms`` the station's early-fade allowance, ``clock``
    an instant (epoch ms) as the station's local time. Raises
    :class:`PlanNotCorrected` when no landing keeps the post.
    """
    items = list(plan.items)
    index = next((n for n, i in enumerate(items) if i.id == fix.item_id), None)
    if index is None:
        raise PlanNotCorrected(f"item {fix.item_id} is not in the hour {plan.local_label}")
    item = items[index]
    talk_up = not fix.straight and item.kind is ItemKind.VOICE
    overlap = fix.length_ms if talk_up else fix.overlap_ms or 0
    shift = (fix.length_ms - overlap) - (item.duration_ms - item.overlap_next_ms)
    post = next((n for n in range(index + 1, len(items)) if items[n].hard), len(items))
    post_ms = epoch_ms(items[post - 1].next_start)  # where the stretch ends now: it keeps that
    items[index] = _corrected(item, fix, overlap, shift, talk_up)
    stretch = _Stretch(items[index + 1 : post], -shift, songs, fade_ms, [])
    _take_up(stretch, fills, clock(post_ms), plan, fix.item_id)
    items[index + 1 : post] = _laid_out(stretch.items, items[index].next_start)
    items = [replace(i, position=n) for n, i in enumerate(items)]
    what = f"{clock(epoch_ms(item.start))} {item.category} airs {fix.length_ms / 1000:.1f} s"
    moved = f"{abs(shift) / 1000:.1f} s {'later' if shift > 0 else 'earlier'}"
    note = f"{what} ({fix.reason})"
    if shift:
        note += f"; the items to the {clock(post_ms)} post move {moved}"
        note += "".join(f"; {step}" for step in stretch.steps)
    return Retimed(replace(plan, items=tuple(items), notes=(*plan.notes, note)), shift, note)


def _corrected(
    item: ScheduledItem, fix: LengthCorrection, overlap: int, shift: int, talk_up: bool
) -> ScheduledItem:
    earlier = item.why.get("corrected", {})
    why = dict(item.why)
    why["corrected"] = {
        "planned_ms": earlier.get("planned_ms", item.duration_ms),
        "aired_ms": fix.length_ms,
        "shift_ms": shift,
        "reason": fix.reason,
    }
    if item.kind is ItemKind.VOICE:
        why["talk_up"] = talk_up
    return replace(item, duration_ms=fix.length_ms, overlap_next_ms=overlap, why=why)


def _take_up(
    stretch: _Stretch, fills: Sequence[Fill], post: str, plan: HourPlan, for_id: str
) -> None:
    """Close the stretch's gap (or win back its overrun) before the post, or refuse."""
    music = [
        n for n, i in enumerate(stretch.items) if i.kind is ItemKind.MUSIC and _song(stretch, i)
    ]
    if music:
        _tail(stretch, music[-1])
    if stretch.gap_ms > 0:
        at = music[-1] + 1 if music else len(stretch.items)
        _fill(stretch, at, fills, plan, for_id)
    for n in reversed(music[:-1]):
        _tail(stretch, n)
    if stretch.gap_ms:
        what = "short of" if stretch.gap_ms > 0 else "past"
        raise PlanNotCorrected(
            f"the stretch would run {abs(stretch.gap_ms) / 1000:.1f} s {what} the {post} post: "
            "no song's end or fill item takes that up"
        )


def _song(stretch: _Stretch, item: ScheduledItem) -> Playable | None:
    return stretch.songs.get(item.asset_id or "")


def _tail(stretch: _Stretch, n: int) -> None:
    """The song at ``n`` plays more of its end (a gap), or fades earlier (an overrun)."""
    item = stretch.items[n]
    song = _song(stretch, item)
    if song is None or not stretch.gap_ms:
        return
    overlap = item.overlap_next_ms
    if stretch.gap_ms > 0:
        take = min(stretch.gap_ms, overlap)  # down to its cue-out, never into silence
    else:
        latest = max(overlap, natural_overlap(song) + stretch.fade_ms)
        room = min(latest, item.duration_ms - MIN_PLAY_MS) - overlap
        take = -min(-stretch.gap_ms, max(0, room))
    if not take:
        return
    why = dict(item.why)
    why["early_fade_ms"] = max(0, overlap - take - natural_overlap(song))
    stretch.items[n] = replace(item, overlap_next_ms=overlap - take, why=why)
    stretch.gap_ms -= take
    more = "more of its end" if take > 0 else "less, faded earlier"
    stretch.steps.append(f"{song.title} plays {abs(take) / 1000:.1f} s {more}")


def _fill(stretch: _Stretch, at: int, fills: Sequence[Fill], plan: HourPlan, for_id: str) -> None:
    """Fill items for the gap at ``at``: one that closes it with its tail under what follows,
    else the longest shorter one, again, each asset once."""
    left = [f for f in fills if f.asset.length_ms > 0]
    added: list[ScheduledItem] = []
    while stretch.gap_ms > 0 and left:
        gap = stretch.gap_ms
        closing = [f for f in left if gap <= f.asset.length_ms <= 2 * gap]
        shorter = [f for f in left if f.asset.length_ms < gap]
        if closing:
            choice = min(closing, key=lambda f: f.asset.length_ms)
        elif shorter:
            choice = max(shorter, key=lambda f: f.asset.length_ms)
        else:
            break
        left.remove(choice)
        overlap = max(0, choice.asset.length_ms - gap)
        added.append(_fill_item(plan, choice, overlap, f"{for_id}|{len(added)}", gap))
        stretch.gap_ms -= choice.asset.length_ms - overlap
        stretch.steps.append(f"fill {choice.asset.title} ({choice.asset.length_ms / 1000:.1f} s)")
    stretch.items[at:at] = added


def _fill_item(plan: HourPlan, fill: Fill, overlap: int, key: str, gap: int) -> ScheduledItem:
    """A fill item with an id stamped with the hour, the same for the same correction."""
    digest = hashlib.blake2b(
        f"{plan.station}|{plan.start.isoformat()}|fill|{fill.asset.id}|{key}".encode(),
        digest_size=10,
    )
    item_id = str(ULID.from_bytes(epoch_ms(plan.start).to_bytes(6, "big") + digest.digest()))
    return ScheduledItem(
        id=item_id, hour=plan.start, position=0, start=plan.start,
        duration_ms=fill.asset.length_ms, overlap_next_ms=overlap, kind=ItemKind.FILL,
        category=fill.category, asset_id=fill.asset.id, why={"fill_for_ms": gap},
    )  # fmt: skip


def _laid_out(items: list[ScheduledItem], start: datetime) -> list[ScheduledItem]:
    """``items`` chained from ``start``: each starts where the one before hands over."""
    out: list[ScheduledItem] = []
    for item in items:
        out.append(replace(item, start=start))
        start = out[-1].next_start
    return out
