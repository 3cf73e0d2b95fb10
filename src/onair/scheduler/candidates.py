"""Candidates for one position, best first, with what every rule rejected.

Songs come in rotation order (least recently played first). A song no rule
objects to is offered at once. Songs that only break breakable rules wait:
once the clean ones are used up they are offered in relaxation order, those
breaking only the lowest-priority rules first, so rules relax from the bottom
of the station's priority list up. A song breaking an unbreakable rule is
never offered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from onair.domain.schedule import Playable
from onair.scheduler.air_history import AirHistory
from onair.scheduler.checks import Check, Moment

__all__ = ["Candidate", "Tally", "candidates"]

_EXAMPLES = 3
# How many songs the rules judge before settling for a relaxed one, and how many
# the fit may pass over: 90,000 gold songs need not be read to the end for each
# position, and a song clean after 400 tries seldom exists (nor one that fits after 3000).
MAX_JUDGED = 400
MAX_SCAN = 3000


@dataclass
class Tally:
    """What the scan of one position saw: the "why" of ``schedule explain``."""

    scanned: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[list[str]]] = field(default_factory=dict)
    barred: int = 0  # songs an unbreakable rule keeps off (never offered, even relaxed)

    def reject(self, rule: str, song: Playable, reason: str) -> None:
        self.rejected[rule] += 1
        shown = self.examples.get(rule)
        if shown is None:
            shown = self.examples[rule] = []
        if len(shown) < _EXAMPLES:
            shown.append([song.id, f"{song.artist or '?'} - {song.title}: {reason}"])

    def as_why(self, chosen_rank: int, relaxed: Sequence[str]) -> dict[str, object]:
        return {
            "rank": chosen_rank,
            "scanned": self.scanned,
            "rejected": dict(self.rejected),
            "examples": self.examples,
            "relaxed": list(relaxed),
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    song: Playable
    rank: int  # place in rotation order, from 1
    relaxed: tuple[str, ...]  # breakable rules the song breaks, highest priority first


Fit = Callable[[Playable], str | None]


def candidates(
    pool: Iterator[Playable],
    checks: Sequence[Check],
    at: Moment,
    history: AirHistory,
    tally: Tally,
    fit: Fit | None = None,
    *,
    strict: bool = False,
) -> Iterator[Candidate]:
    """Offer the songs of ``pool`` that may air at ``at``, in preference order.

    ``strict`` offers only songs that break no rule at all (and stops checking a
    song at the first rule it breaks).
    """
    waiting: list[tuple[tuple[int, int], Candidate]] = []
    priority = {c.name: n for n, c in enumerate(checks)}
    judged = 0
    # The fit turns down most songs of a large category: once it has its examples, its
    # rejections are counted here and added to the tally before it is read (at each offer).
    unfit = 0
    for rank, song in enumerate(pool, start=1):
        if rank > MAX_SCAN or judged >= MAX_JUDGED:
            break
        tally.scanned += 1
        if fit is not None and (reason := fit(song)) is not None:
            if unfit or len(tally.examples.get("fit", ())) == _EXAMPLES:
                unfit += 1
            else:
                tally.reject("fit", song, reason)
            continue
        judged += 1
        broken = _broken(song, checks, at, history, tally, strict)
        if broken is None:
            tally.barred += 1
            continue
        if strict and broken:
            continue
        if not broken:
            if unfit:
                tally.rejected["fit"] += unfit
                unfit = 0
            yield Candidate(song, rank, ())
            continue
        # Preferred: the most important rule it breaks is as unimportant as can be,
        # then it breaks fewer rules.
        worst = (-min(priority[name] for name in broken), len(broken))
        waiting.append((worst, Candidate(song, rank, tuple(broken))))
    if unfit:
        tally.rejected["fit"] += unfit
    waiting.sort(key=lambda entry: (entry[0], entry[1].rank))
    for _, candidate in waiting:
        yield candidate


def _broken(
    song: Playable,
    checks: Sequence[Check],
    at: Moment,
    history: AirHistory,
    tally: Tally,
    strict: bool,
) -> list[str] | None:
    """The breakable rules ``song`` breaks, or None if it breaks an unbreakable one."""
    broken: list[str] = []
    for check in checks:
        if check.brief is not None and len(tally.examples.get(check.name, ())) == _EXAMPLES:
            reason = check.brief(song, at, history)  # a reason no one will read
        else:
            reason = check.verdict(song, at, history)
        if reason is None:
            continue
        tally.reject(check.name, song, reason)
        if not check.breakable:
            return None
        broken.append(check.name)
        if strict:
            break
    return broken
