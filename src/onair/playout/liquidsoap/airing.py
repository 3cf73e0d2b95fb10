"""An airing of the timeline as a Liquidsoap request, and the as-run of what Liquidsoap aired.

Liquidsoap's queue airs each request after the one before, overlapping its
end by that one's ``liq_cross_duration``. So an airing pushed with its
audible length (cue-out) and the overlap the timeline gave the next item
(the cross) makes the next start where the timeline placed it, to the sample:
``start + audible - cross == next_at``. Two things a crossfade cannot say are
bent, keeping that equation: a talk-up voice (the next item starts with it)
airs alone and the next joins where the timeline has it after the voice; a
song the timeline fades to silence before a hard post fades under the post's
first seconds instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from onair.domain.library import Ending
from onair.domain.playout import SAMPLE_RATE, AirItem, AsRunEntry, EndedBy, samples_of
from onair.playout.as_run import as_run_entry
from onair.playout.timeline import Airing

__all__ = ["SKIP_NOTE", "LiquidsoapAiring", "aired_entry", "liquidsoap_airing"]

SKIP_NOTE = "skipped by an operator"


@dataclass
class LiquidsoapAiring:
    """An airing as pushed to Liquidsoap, with what its as-run entry needs."""

    airing: Airing
    item: AirItem  # with the cues Liquidsoap airs
    cross_s: float  # how long the next item overlaps its end (also its fade-out)
    fade_in_s: float
    into: int  # samples skipped at its start (an airing resumed part way, after a talk-up)
    lost: int  # overlap no cross can say (a talk-up voice): the next item joins that far in
    ended_by: EndedBy  # how its end was pushed
    notes: int  # how many adjustments the airing had when pushed
    path: Path | None = None  # its local file (None: it could not be had)
    due: float = 0.0  # not to be pushed into an idle queue before (wall clock, epoch s)

    @property
    def at(self) -> int:
        """The timeline sample that Liquidsoap's first sample of it stands for."""
        return self.airing.start + self.into


def liquidsoap_airing(
    airing: Airing,
    ends_at: int,
    started_at: int,
    previous: LiquidsoapAiring | None,
    early_fade_s: float,
) -> LiquidsoapAiring:
    """How Liquidsoap airs ``airing`` where the timeline placed it.

    ``ends_at`` is the mixer's end of it when it started (after any fade for a
    hard post), ``started_at`` the sample the timeline started it at (later
    than its start for an airing resumed part way), ``previous`` the airing
    pushed before it.
    """
    item = airing.item
    audible = ends_at - airing.start
    cross = max(0, airing.start + audible - airing.next_at)
    extra = lost = 0
    if item.talk_up or cross >= audible:
        cross, lost = 0, cross
    elif airing.ended_by is EndedBy.FADE_EARLY:
        # Liquidsoap fades only across a transition: the fade the timeline ends before the
        # next item runs on under its first seconds, and the next still starts on its sample.
        fade = min(samples_of(early_fade_s), audible)
        extra = max(0, min(fade - cross, item.length_samples - audible))
    into = max(0, started_at - airing.start)
    if previous is not None and previous.lost:
        into = max(into, min(previous.lost, item.post_samples))  # not past the vocal
    cue_out = item.cue_out_s
    if audible + extra < item.length_samples:
        cue_out = item.cue_in_s + (audible + extra) / SAMPLE_RATE
    return LiquidsoapAiring(
        airing=airing,
        item=replace(item, cue_in_s=item.cue_in_s + into / SAMPLE_RATE, cue_out_s=cue_out),
        cross_s=(cross + extra) / SAMPLE_RATE,
        fade_in_s=_fade_in_s(item, into, previous),
        into=into,
        lost=lost,
        ended_by=airing.ended_by,
        notes=len(airing.adjustments),
    )


def _fade_in_s(item: AirItem, into: int, previous: LiquidsoapAiring | None) -> float:
    """The previous airing's cross, unless this one opens cold or joins after a cut."""
    if previous is None or previous.lost or into or item.post_samples == 0:
        return 0.0
    return 0.0 if previous.item.ending is Ending.COLD else previous.cross_s


def aired_entry(
    station: str,
    pushed: LiquidsoapAiring,
    started: datetime,
    ended: datetime,
    *,
    skipped: bool,
    by_next: bool,
) -> AsRunEntry:
    """The as-run of what Liquidsoap aired of ``pushed``, from its real start to ``ended``.

    ``ended`` is when the next item started (``by_next``) or the engine stopped;
    ``skipped``: an operator's skip ended it.
    """
    crossed = by_next and not skipped and pushed.cross_s > 0
    heard_s = (ended - started).total_seconds() + (pushed.cross_s if crossed else 0.0)
    # Never longer than what was pushed: the fallback filling a gap is not its air time.
    duration_s = max(0.0, min(heard_s, pushed.item.length_s))
    airing = pushed.airing
    ended_sample = airing.first_heard + samples_of(duration_s)  # as_run_entry counts from it
    entry = as_run_entry(station, airing, started, ended_sample)
    notes = list(airing.adjustments)
    if airing.ended_by is EndedBy.SKIP and pushed.ended_by is not EndedBy.SKIP:
        notes = notes[: pushed.notes]  # faded on the timeline after the push: aired as pushed
    ended_by = pushed.ended_by
    if skipped:
        ended_by = EndedBy.SKIP
        notes.append(SKIP_NOTE)
    elif ended_by is EndedBy.NATURAL and crossed:
        ended_by = EndedBy.CROSSFADE
    return replace(entry, ended_by=ended_by, adjustments=tuple(notes))
