"""How long a segment may run, and whether what came out fits.

A talk-up airs over the next song's intro and must end ``margin`` before its
post (where the vocal comes in); it is never placed over a cold open (an
intro shorter than the station's talk-up minimum), where the link airs
straight before the song instead. Scripts are budgeted in words from that
time and the voice's measured speaking rate; a take that runs long is written
again shorter, and one within 10% of its budget is time-compressed to fit.

A take that airs before the next item and falls far short of its slot (more
than 3 s short, or under 70% of it) is dead time the plan did not expect: the
producer asks for a longer script with more to say, and what still falls
short has its plan corrected to the length that airs. A talk-up's shortfall
is the song's intro playing on, so a short talk-up is left as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from onair.agents.voicing import spoken_words
from onair.domain.programming import ItemKind, Timing
from onair.domain.schedule import Playable, ScheduledItem

__all__ = [
    "FILLED_MS",
    "MAX_TEMPO",
    "Pace",
    "SlotTiming",
    "Take",
    "falls_short",
    "judge_take",
    "planned_ms",
    "slot_timing",
]

MAX_TEMPO = 1.10  # time compression beyond 10% starts to sound rushed
_WORDS_HEADROOM = 0.9  # rates vary line to line: plan a tenth short of the budget
SHORT_SHARE = 0.7  # a take under 70% of its slot falls far short of it
SHORT_MS = 3_000  # and so does one more than 3 s short, whatever the slot
FILLED_MS = 1_000  # a take within a second of its slot fills it


@dataclass(frozen=True)
class SlotTiming:
    """The longest a slot's voice may run, and the music it sits against."""

    budget_ms: int
    talk_up: bool = False
    post_ms: int | None = None  # talk-up: the song's post, from the voice's start
    margin_ms: int = 0
    cold_open: bool = False  # the next song starts on its vocal: the link airs before it


def planned_ms(item: ScheduledItem) -> int:
    """The item's length as first planned, before any correction to what aired."""
    corrected = item.why.get("corrected") or {}
    return int(corrected.get("planned_ms", item.duration_ms))


def slot_timing(item: ScheduledItem, following: Playable | None, timing: Timing) -> SlotTiming:
    """The budget of the planned ``item``, given the song that follows it (if any)."""
    margin_ms = round(timing.talkup_margin_s * 1000)
    planned = planned_ms(item)
    if item.kind is not ItemKind.VOICE or following is None:
        return SlotTiming(budget_ms=planned)
    # The library's measured intro is the authority: the schedule may have been built
    # before the song was re-analysed. A link planned over an intro now too short runs
    # straight, for the category's length rather than the intro it was cut to.
    if following.intro_ms < round(timing.talkup_min_intro_s * 1000):
        return SlotTiming(budget_ms=int(item.why.get("planned_ms", planned)), cold_open=True)
    if not item.why.get("talk_up", False):
        return SlotTiming(budget_ms=planned)
    return SlotTiming(
        budget_ms=max(0, following.intro_ms - margin_ms),
        talk_up=True,
        post_ms=following.intro_ms,
        margin_ms=margin_ms,
    )


@dataclass(frozen=True)
class Pace:
    """A voice's measured speaking rate in one language.

    Length is estimated in standard words (``spoken_words``: letters, digits
    read as words, pauses at breaks), not plain words: a script of long words
    takes longer than one of short words. Generators are asked for plain
    words, so the pace keeps both rates.
    """

    spoken_per_s: float  # standard words per second
    words_per_s: float  # plain words per second

    @classmethod
    def measured(cls, text: str, seconds: float) -> Pace:
        seconds = max(seconds, 0.05)
        return cls(spoken_words(text) / seconds, max(len(text.split()), 1) / seconds)

    def blended(self, text: str, seconds: float, weight: float = 0.2) -> Pace:
        """This pace moved toward one more measured take (an exponential average)."""
        take = Pace.measured(text, seconds)
        return Pace(
            self.spoken_per_s + weight * (take.spoken_per_s - self.spoken_per_s),
            self.words_per_s + weight * (take.words_per_s - self.words_per_s),
        )

    def estimate_ms(self, text: str) -> int:
        """The length a script is expected to take when voiced."""
        return round(spoken_words(text) / self.spoken_per_s * 1000)

    def word_budget(self, budget_ms: int, shrink: float = 1.0) -> int:
        """How many words to ask for so the voiced script lands inside ``budget_ms``."""
        words = budget_ms / 1000 * self.words_per_s * _WORDS_HEADROOM * shrink
        return max(0, math.floor(words))


@dataclass(frozen=True)
class Take:
    """The verdict on one voiced take: fits as is, fits compressed, or must be rewritten."""

    fits: bool
    tempo: float = 1.0  # the compression to apply when it fits only compressed
    shrink: float = 1.0  # for a rewrite: the share of the words to ask for next time


def falls_short(take_ms: int, slot: SlotTiming) -> bool:
    """Whether a take leaves its slot far from full: more than 3 s short, or under 70% of it.

    Never for a talk-up: the song's intro fills what the voice leaves.
    """
    if slot.talk_up:
        return False
    return slot.budget_ms - take_ms > SHORT_MS or take_ms < SHORT_SHARE * slot.budget_ms


def judge_take(actual_ms: int, budget_ms: int) -> Take:
    """Whether a take of ``actual_ms`` airs in ``budget_ms``, and how."""
    if actual_ms <= budget_ms:
        return Take(fits=True)
    # A hair over the exact ratio: the compressor's output length rounds.
    tempo = actual_ms / max(budget_ms, 1) * 1.005
    if tempo <= MAX_TEMPO:
        return Take(fits=True, tempo=tempo)
    return Take(fits=False, shrink=budget_ms / actual_ms)
