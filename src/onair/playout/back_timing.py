"""Back-timing: the air kept on the schedule's times after anything moves it.

A fault, an operator's skip or insert, or an item whose real length differs
from the plan moves every item after it. Left alone, the whole hour runs late
(or early) and one song is cut hard at its end to make the next hard post. As
a board operator would, the timeline instead wins the time back early: while
a hard post lies ahead (within two hours), each scheduled song, as it comes
to air, is checked against its scheduled start,
and when the air is more than ``retime_s`` off the plan the song is dropped,
swapped for one of its category whose length wins the time back, or has an
extra song aired before it, whichever lands closest to the plan. When the air
is more than ``fill_early_s`` early and no song brings it back within that
(a library with no song near the time a skip gave back), the station's fill
(beds) airs up to the song's time instead. What is left (under the retiming
threshold or what no song could win back) is taken up before the post by fill
or by a short early fade.

Only songs move: spots, IDs and promos air as scheduled. A song a voice link
introduces or back-announces is neither dropped nor swapped, and nothing is
added between a link and the song it introduces, so no link speaks of a song
that did not air, or not next. A link the air reaches more than
``link_early_s`` early (an operator skipped the song before it just after it
began) is itself dropped: its words were written for that song and for the
clock at its time, and keeping it would hold the air minutes early through
the song it introduces. That song then has songs added before it, as any
other. A link that follows no song (news with no audio, a short stand-in
before it) is kept, and fill airs up to its time. Every drop, swap and extra
song carries its reason onto the as-run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from onair.domain.playout import SAMPLE_RATE, AirItem, samples_of
from onair.domain.programming import ItemKind
from onair.playout.airing import TimelineSettings, span_of
from onair.playout.lineup import Lineup

__all__ = ["BackTiming", "Retimed"]

_OVERSHOOT_S = 5.0  # the most a repair may turn an early air into a late one


@dataclass(frozen=True)
class Retimed:
    """What airs now in place of a scheduled song, and what follows it."""

    now: AirItem | None  # None: the song is dropped
    then: AirItem | None = None  # the scheduled song, after an extra one aired first
    note: str | None = None  # a drop's reason (swaps and extras carry theirs on the item)


class BackTiming:
    """Drops, swaps or adds songs so that the air lands on the schedule's times."""

    def __init__(
        self, lineup: Lineup, settings: TimelineSettings, sample_of: Callable[[datetime], int]
    ) -> None:
        self.lineup = lineup
        self.settings = settings
        self.sample_of = sample_of

    def retime(self, item: AirItem, at: int, instant: datetime) -> Retimed:
        """``item``, the next scheduled song, or what airs in its place, starting at ``at``."""
        if item.kind is ItemKind.VOICE:
            return self._link(item, at, instant)
        if not self._movable(item):
            return Retimed(item)
        error = at - self.sample_of(item.scheduled_start)  # type: ignore[arg-type]
        threshold = samples_of(self.settings.retime_s)
        if abs(error) <= threshold:
            return Retimed(item)
        introduced, announced = self.lineup.linked(item, instant)
        if introduced:
            return Retimed(item)  # its link airs right before it: nothing may come between
        if not self.lineup.post_ahead(instant):
            return Retimed(item)  # no post to land: the plan's times carry no promise
        off = f"the air ran {abs(error) / SAMPLE_RATE:.1f} s {'late' if error > 0 else 'early'}"
        span = span_of(item, item.length_samples)
        options: list[tuple[int, Retimed]] = []
        if not announced:
            options += self._dropped_or_swapped(item, error, span, instant, off)
        if error < 0 and -error >= samples_of(self.settings.min_play_s):
            reason = f"added before {item.title!r} ({item.schedule_item_id}): {off}"
            extra = self.lineup.extra_song(
                item.category, instant, _ms(-error), reason, avoid={item.asset_id}
            )
            if extra is not None:
                options.append((error + span_of(extra, extra.length_samples), Retimed(extra, item)))
        if error < 0:
            # Early is cheap to mend (fill before the post); late only by cutting a song.
            options = [o for o in options if o[0] <= samples_of(_OVERSHOOT_S)]
        if error < -samples_of(self.settings.fill_early_s):
            options += self._filled(item, error, instant, off, options)
        if not options:
            return Retimed(item)

        left, best = min(options, key=lambda option: (_drift(option, error), abs(option[0])))
        # Act only on a real gain: a change that wins back less than the threshold
        # would trade one song for another and leave the air as far off.
        return best if abs(left) <= abs(error) - threshold else Retimed(item)

    def _link(self, link: AirItem, at: int, instant: datetime) -> Retimed:
        """``link``, or nothing when the air reaches it far early and a post lies ahead."""
        if link.hard or link.scheduled_start is None or link.schedule_item_id is None:
            return Retimed(link)
        early = self.sample_of(link.scheduled_start) - at
        if early <= samples_of(self.settings.link_early_s) or not self.lineup.post_ahead(instant):
            return Retimed(link)
        if not self.lineup.after_song(link):
            return self._filled_before(link, early, instant)
        self.lineup.unlink(link)
        return Retimed(None, note=f"dropped voice link {link.title!r} ({link.schedule_item_id}):"
                                  f" the air reached it {early / SAMPLE_RATE:.1f} s early, after"
                                  " the song it speaks of was cut short")  # fmt: skip

    def _filled_before(self, link: AirItem, early: int, instant: datetime) -> Retimed:
        """A fill (a song that fits, beds) up to the time of ``link``, which follows no song:
        the air is early because what came before it (news with no audio, a short
        stand-in) was short, and the link's words still hold at its own time."""
        fill = self.lineup.fill(instant, _ms(early))
        if fill is None:
            return Retimed(link)
        # Faded, if longer, where the link is due: that lands it on its time.
        return Retimed(replace(fill, scheduled_end=link.scheduled_start), link)

    def _dropped_or_swapped(
        self, item: AirItem, error: int, span: int, instant: datetime, off: str
    ) -> list[tuple[int, Retimed]]:
        """The drop (when late) and the swap on offer, each with the error it leaves."""
        options: list[tuple[int, Retimed]] = []
        if error > 0:
            note = f"dropped {item.title!r} ({item.schedule_item_id}): {off}"
            options.append((error - span, Retimed(None, note=note)))
        wanted = span - error  # the span that lands the next item on its time
        if wanted >= samples_of(self.settings.min_play_s):
            reason = f"swapped in for {item.title!r} ({item.schedule_item_id}): {off}"
            swapped = self.lineup.swap(item, instant, _ms(wanted), reason)
            if swapped is not None:
                new_span = span_of(swapped, swapped.length_samples)
                options.append((error - span + new_span, Retimed(swapped)))
        return options

    def _filled(
        self,
        item: AirItem,
        error: int,
        instant: datetime,
        off: str,
        songs: list[tuple[int, Retimed]],
    ) -> list[tuple[int, Retimed]]:
        """Fill (beds) up to ``item``'s time, on offer when no song brings the air back
        within ``fill_early_s``: a library with no song near the time a skip gave back
        would otherwise air minutes early, or overshoot into minutes late."""
        limit = samples_of(self.settings.fill_early_s)
        if any(_drift(option, error) <= limit for option in songs):
            return []
        reason = f"fill before {item.title!r} ({item.schedule_item_id}): {off}, no song fits"
        bed = self.lineup.bed(instant, _ms(-error), reason)
        if bed is None:
            return []
        # Faded, if longer, where the scheduled song is due: that lands it on its time.
        boxed = replace(bed, scheduled_end=item.scheduled_start)
        return [(min(0, error + span_of(bed, bed.length_samples)), Retimed(boxed, item))]

    @staticmethod
    def _movable(item: AirItem) -> bool:
        return (
            item.kind is ItemKind.MUSIC
            and not item.hard
            and item.scheduled_start is not None
            and item.schedule_item_id is not None
        )


def _drift(option: tuple[int, Retimed], error: int) -> int:
    """The drift an option leaves on the schedule's items: a swapped song still starts
    as far off as the song it replaces; a drop or an added item puts the next one near
    its time."""
    left, retimed = option
    swap = retimed.now is not None and retimed.then is None
    return max(abs(left), abs(error)) if swap else abs(left)


def _ms(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)
