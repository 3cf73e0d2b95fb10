"""Fill the stretch of an hour up to its next post, so the post item starts exactly on time.

The items between two posts (a hard event or the end of the hour) are planned
together: songs are searched position by position with backtracking, each
checked by the rules at the instant it would start; the last song must fit
the time left within what a fade allows. When the search finds no
arrangement, a greedy pass places the best song for each position, leaves
positions no song may take unscheduled with the reason, and the timing is
repaired with fill and fades.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from onair.domain.programming import ItemKind
from onair.domain.schedule import Playable
from onair.scheduler.candidates import Candidate, Tally, candidates
from onair.scheduler.checks import Moment
from onair.scheduler.landing import MIN_PLAY_MS, land
from onair.scheduler.planning import Draft, PlanningState, natural_overlap

__all__ = ["Bridge", "SegmentPlanner"]

# The next hour's first music category, when it starts, and its song if that hour is kept.
Bridge = tuple[str, int, Playable | None]

_SECOND = 1000
NODE_BUDGET = 60  # placements the backtracking search may try per stretch and pass
BRANCHES = 3  # candidates tried per position before backtracking further up
# Before a position of a small category (a power rotation of 40 songs), more songs are
# tried here: the song this small category needs most may fit after few of them.
WIDE_BRANCHES = 12
SMALL_CATEGORY = 200
# A category this large (gold) keeps each stretch on usual song lengths; smaller ones
# (a recurrent rotation of 400) need their whole length range to keep turnover.
LARGE_CATEGORY = 2000
# The rules a song keeps or breaks by the songs right before it.
_NEIGHBOUR_RULES = frozenset(
    {"gender_flow", "tempo_flow", "energy_flow", "tempo_jump", "energy_jump", "disallowed_patterns"}
)


class _OutOfBudget(Exception):
    pass


class _Barred(Exception):
    """A position every song of its category is kept off by an unbreakable rule."""


class SegmentPlanner:
    def __init__(self, planning: PlanningState, notes: list[str]) -> None:
        self.planning = planning
        self.notes = notes
        timing = planning.program.timing
        self.fade_ms = round(timing.early_fade_s * _SECOND)
        self.talkup_min_ms = round(timing.talkup_min_intro_s * _SECOND)
        self.margin_ms = round(timing.talkup_margin_s * _SECOND)
        self._nodes = 0
        self._strict = True
        # The next hour's first music category and its start, for the hour's last stretch.
        self.bridge: Bridge | None = None

    # -- the plan ----------------------------------------------------------------

    def plan(self, drafts: list[Draft], start_ms: int, post_ms: int) -> tuple[list[Draft], int]:
        """Plan ``drafts`` (the clock's slots up to the post, in order) from ``start_ms``.

        Returns the timed items and how far the content missed the post (see ``land``).
        """
        for draft in drafts:
            if draft.is_music and not len(self.planning.rotations[draft.category]):
                draft.unscheduled = f"no {draft.category} songs in the library"
        music = [i for i, d in enumerate(drafts) if d.is_music and d.unscheduled is None]
        # First look for an arrangement that keeps every rule (backtracking as far as
        # the budget allows); only then let breakable rules relax.
        found = False
        for strict in (True, False):
            self._nodes, self._strict = 0, strict
            try:
                found = self._search(drafts, music, 0, start_ms, post_ms)
            except _OutOfBudget:
                self._undo_all(drafts, music)
            except _Barred:
                # No pass can fill it: the greedy pass leaves it empty, with the reason.
                self._undo_all(drafts, music)
                break
            if found:
                break
        if not found:
            self._greedy(drafts, music, start_ms, post_ms)
            self._top_up(drafts, start_ms, post_ms)
        return self._land(drafts, start_ms, post_ms)

    def _search(
        self, drafts: list[Draft], music: list[int], m: int, start_ms: int, post_ms: int
    ) -> bool:
        if m == len(music):
            return True
        pos = music[m]
        draft = drafts[pos]
        base = self._start_of(drafts, pos, start_ms)
        voice = drafts[pos - 1] if pos and drafts[pos - 1].kind is ItemKind.VOICE else None
        fit, lengths = self._fit(drafts, music, m, base, voice, post_ms)
        tally = Tally()
        upcoming = drafts[music[m + 1]].category if m + 1 < len(music) else None
        small = upcoming is not None and len(self.planning.rotations[upcoming]) < SMALL_CATEGORY
        branches = WIDE_BRANCHES if small else BRANCHES
        tried, offered = 0, False
        for candidate in self._offers(draft, base, tally, fit, lengths):
            offered = True
            if tried == branches:
                return False
            song = candidate.song
            at = base + (self._voice_advance(voice, song) if voice else 0)
            relaxed = self._recheck(draft, song, at, base, candidate.relaxed)
            if relaxed is None or (self._strict and relaxed):
                continue
            self._nodes += 1
            if self._nodes > (NODE_BUDGET if self._strict else 5 * NODE_BUDGET):
                raise _OutOfBudget
            self._shape_voice(voice, song)
            self.planning.place(draft, song, at)
            draft.relaxed = relaxed
            draft.why = tally.as_why(candidate.rank, relaxed)
            # A last song the next hour's first cannot follow is not a branch tried:
            # the next candidate is looked at instead (like a song that does not fit).
            if m + 1 == len(music) and not self._bridges():
                self.planning.unplace(draft)
                continue
            tried += 1
            if self._search(drafts, music, m + 1, start_ms, post_ms):
                return True
            self.planning.unplace(draft)
        if not offered and tally.barred == tally.scanned == len(
            self.planning.rotations[draft.category]
        ):
            # Every song was read and an unbreakable rule keeps each off, none merely the
            # time: a library that cannot meet the rule here (two artists under the DMCA's
            # four per artist in three hours). Backtracking would spend the whole budget
            # judging every song again for each song tried before it; the stretch is
            # given up once, here.
            raise _Barred
        return False

    def _bridges(self) -> bool:
        """Whether the next hour's first song can follow the hour's last cleanly.

        The search never reaches back into an hour already built, so the hour's
        last song must leave the next hour's first (often a small power rotation)
        something that keeps every rule; when that hour is kept, its own first
        song must keep every rule after this one.
        """
        if self.bridge is None:
            return True
        planning, (category, at_ms, kept) = self.planning, self.bridge
        moment = planning.moment(at_ms)
        if kept is not None:
            # Only what this hour's last song changes counts: the kept song may already
            # break a rule through songs before it, which no choice here can mend.
            # Flow and jumps look at the songs just before it, which are this hour's:
            # those it must keep whatever came earlier.
            now = _broken_by(kept, category, moment, planning)
            last = planning.history.pop()
            before = _broken_by(kept, category, moment, planning)
            planning.history.push(last)
            return not now & _NEIGHBOUR_RULES and now <= before
        if not self._strict or len(planning.rotations[category]) >= SMALL_CATEGORY:
            return True
        offers = planning.rotations[category].candidates()
        found = candidates(
            offers, planning.checks[category], moment, planning.history, Tally(), strict=True
        )
        return next(found, None) is not None

    def _undo_all(self, drafts: list[Draft], music: list[int]) -> None:
        """Take back a search cut short by its budget, latest placement first."""
        for pos in reversed(music):
            if drafts[pos].song is not None:
                self.planning.unplace(drafts[pos])

    def _greedy(self, drafts: list[Draft], music: list[int], start_ms: int, post_ms: int) -> None:
        """One best song per position, unscheduled where the unbreakable rules allow none."""
        for m in range(len(music)):
            self._place_best(drafts, music, m, start_ms, post_ms)

    def _place_best(
        self, drafts: list[Draft], music: list[int], m: int, start_ms: int, post_ms: int
    ) -> bool:
        draft = drafts[music[m]]
        pos = music[m]
        base = self._start_of(drafts, pos, start_ms)
        voice = drafts[pos - 1] if pos and drafts[pos - 1].kind is ItemKind.VOICE else None
        tally = Tally()
        fit, lengths = self._fit(drafts, music, m, base, voice, post_ms)
        offer = next(iter(self._offers(draft, base, tally, fit, lengths)), None)
        if offer is None:  # better a song that misses the time than none (landing repairs)
            tally = Tally()
            offer = next(iter(self._offers(draft, base, tally, None)), None)
        if offer is None:
            draft.unscheduled = _shortage(draft.category, tally)
            draft.why = tally.as_why(0, ())
            return False
        at = base + (self._voice_advance(voice, offer.song) if voice else 0)
        self._shape_voice(voice, offer.song)
        self.planning.place(draft, offer.song, at)
        draft.relaxed = offer.relaxed
        draft.why = tally.as_why(offer.rank, offer.relaxed)
        return True

    def _top_up(self, drafts: list[Draft], start_ms: int, post_ms: int) -> None:
        """Songs added after the last one while the stretch still falls a song short.

        Longer than any song, two are added together, the first leaving the second a
        time it can fill (the search's own fit).
        """
        for _ in range(3):
            placed = [i for i, d in enumerate(drafts) if d.is_music and d.song is not None]
            if not placed:
                return
            last = drafts[placed[-1]]
            after = sum(
                self._fixed_advance(d, drafts, i) for i, d in enumerate(drafts) if i > placed[-1]
            )
            short = post_ms - (last.start_ms + last.length_ms) - after
            roomy = max(
                (drafts[i].category for i in placed), key=lambda c: len(self.planning.rotations[c])
            )
            if self.planning.reach[roomy].fills(short, None):
                count = 1
            elif short > self.planning.spans[roomy][1] and short >= 2 * MIN_PLAY_MS:
                count = 2
            else:
                return  # the landing fills or fades what is left
            extra = [Draft(ItemKind.MUSIC, roomy, None) for _ in range(count)]
            drafts[placed[-1] + 1 : placed[-1] + 1] = extra
            music = [i for i, d in enumerate(drafts) if d.is_music]
            for draft in extra:
                if not self._place_best(
                    drafts, music, music.index(drafts.index(draft)), start_ms, post_ms
                ):
                    for empty in [d for d in extra if d.song is None]:
                        drafts.remove(empty)  # an added song nothing may fill is not a position
                    return
            self.notes.append(
                f"added {count} {roomy} song(s): the stretch ran {short / 1000:.0f} s short"
            )

    # -- candidates and the time they must fit -----------------------------------

    def _offers(
        self,
        draft: Draft,
        at_ms: int,
        tally: Tally,
        fit: Callable[[Playable], str | None] | None,
        lengths: tuple[int, int] | None = None,
    ) -> Iterator[Candidate]:
        planning = self.planning
        pool = planning.rotations[draft.category].candidates(lengths)
        checks = planning.checks[draft.category]
        moment = planning.moment(at_ms)
        return candidates(pool, checks, moment, planning.history, tally, fit, strict=self._strict)

    def _recheck(
        self, draft: Draft, song: Playable, at: int, base: int, relaxed: tuple[str, ...]
    ) -> tuple[str, ...] | None:
        """The rules again at the song's own start when a straight link moved it."""
        if at == base:
            return relaxed
        moment = self.planning.moment(at)
        broken = []
        for check in self.planning.checks[draft.category]:
            reason = check.verdict(song, moment, self.planning.history)
            if reason is not None:
                if not check.breakable:
                    return None
                broken.append(check.name)
        return tuple(broken)

    def _fit(
        self,
        drafts: list[Draft],
        music: list[int],
        m: int,
        base: int,
        voice: Draft | None,
        post_ms: int,
    ) -> tuple[Callable[[Playable], str | None], tuple[int, int] | None]:
        """The time fit of the song at ``music[m]``, and the lengths it can have (for a large
        category, so its rotation offers those first; None for a small one)."""
        pos = music[m]
        later = music[m + 1 :]
        after = drafts[pos + 1 :]
        fixed_after = sum(self._fixed_advance(d, drafts, i) for i, d in enumerate(after, pos + 1))
        # A song of a large category keeps what is left usual for the songs after it, so
        # a small category late in the stretch still has most of its songs to choose from.
        roomy = len(self.planning.rotations[drafts[pos].category]) >= LARGE_CATEGORY
        spans = self.planning.usual if roomy else self.planning.spans
        low = sum(spans[drafts[i].category][0] for i in later)
        high = sum(spans[drafts[i].category][1] for i in later)
        # A voice link before a later song talks it up (no advance) or runs straight.
        high += sum(d.planned_ms for i, d in enumerate(after, pos + 1) if _talks_up(drafts, i))
        # With one song to go, what is left must be a length some song of its category fills.
        last = drafts[later[0]] if len(later) == 1 else None
        last_voice = None
        if last is not None and drafts[later[0] - 1].kind is ItemKind.VOICE:
            last_voice = drafts[later[0] - 1].planned_ms

        def fit(song: Playable) -> str | None:
            # Constant reasons: the fit turns down thousands of songs per stretch.
            at = base + (self._voice_advance(voice, song) if voice else 0)
            left = post_ms - at - fixed_after
            if not later:
                if left > song.length_ms:
                    return "too short to reach the post"
                shortest = song.length_ms - natural_overlap(song) - self.fade_ms
                if left < max(shortest, MIN_PLAY_MS):
                    return "too long for the post, even faded early"
                return None
            left -= song.length_ms - natural_overlap(song)
            if last is not None and not self.planning.reach[last.category].fills(left, last_voice):
                return f"leaves a time no {last.category} song fills"
            if left < low:
                return "leaves too little time for the songs after it"
            if left > high:
                return "leaves more time than the songs after it can fill"
            return None

        if not roomy:
            return fit, None
        span = post_ms - base - fixed_after
        straight = voice.planned_ms if voice is not None else 0
        overlap = self.planning.longest_overlap[drafts[pos].category]
        if not later:
            return fit, (span - straight, span + overlap + self.fade_ms)
        return fit, (span - straight - high, span - low + overlap)

    # -- timing --------------------------------------------------------------------

    def _voice_advance(self, voice: Draft, song: Playable) -> int:
        """A talk-up starts with the song (no advance); a straight link runs its length."""
        return 0 if song.intro_ms >= self.talkup_min_ms else voice.planned_ms

    def _shape_voice(self, voice: Draft | None, song: Playable) -> None:
        if voice is None:
            return
        planned = voice.length_ms = voice.planned_ms
        if song.intro_ms >= self.talkup_min_ms:
            # Talk up the intro: start with the song, end before its post.
            voice.length_ms = min(planned, song.intro_ms - self.margin_ms)
            voice.overlap_ms = voice.length_ms
            voice.why = {"talk_up": True, "planned_ms": planned, "intro_ms": song.intro_ms}
        else:
            voice.overlap_ms = 0
            voice.why = {"talk_up": False, "planned_ms": planned}

    def _fixed_advance(self, draft: Draft, drafts: list[Draft], index: int) -> int:
        if draft.is_music:
            return 0
        if draft.kind is ItemKind.VOICE and _talks_up(drafts, index):
            return 0  # counted against the song's budget (see _fit)
        return draft.length_ms - draft.overlap_ms

    def _start_of(self, drafts: list[Draft], pos: int, start_ms: int) -> int:
        """Where the item at ``pos`` starts (a voice before it counted as a talk-up)."""
        at = start_ms
        for index in range(pos):
            draft = drafts[index]
            if draft.is_music and draft.song is not None:
                at = draft.start_ms + draft.length_ms - natural_overlap(draft.song)
            elif draft.kind is ItemKind.VOICE and index == pos - 1 and drafts[pos].is_music:
                continue  # its advance depends on the song at pos
            elif not draft.is_music:
                at += draft.advance_ms
        return at

    def _land(self, drafts: list[Draft], start_ms: int, post_ms: int) -> tuple[list[Draft], int]:
        return land(self.planning, drafts, start_ms, post_ms, self.fade_ms, self.notes)


def _broken_by(song: Playable, category: str, at: Moment, planning: PlanningState) -> set[str]:
    return {c.name for c in planning.checks[category] if c.verdict(song, at, planning.history)}


def _talks_up(drafts: list[Draft], index: int) -> bool:
    """Whether the voice link at ``index`` may talk up the next song (one follows it)."""
    return (
        drafts[index].kind is ItemKind.VOICE
        and index + 1 < len(drafts)
        and drafts[index + 1].is_music
    )


def _shortage(category: str, tally: Tally) -> str:
    reasons = ", ".join(f"{rule} {count}" for rule, count in tally.rejected.most_common())
    if not tally.scanned:
        return f"no {category} songs in the library"
    return f"none of {tally.scanned} {category} songs may air here ({reasons})"
