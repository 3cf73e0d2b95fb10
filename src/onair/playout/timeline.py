"""The on-air timeline: airings placed on the station's sample clock and mixed block by block.

Sample 0 is the instant ``t0``; every decision (where the next item starts,
where a song fades early for a hard post) is made in samples, so a render and
a live run of the same schedule place every item on the same sample. The
timeline is synchronous: a render drives it as fast as it can, the live
engine drives it from a worker thread paced by the wall clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np

from onair.domain.library import Ending
from onair.domain.playout import SAMPLE_RATE, AirItem, EndedBy, samples_of
from onair.domain.programming import ItemKind
from onair.domain.schedule import ScheduledItem
from onair.playout.airing import Airing, Happening, HappeningKind, TimelineSettings, planned_length
from onair.playout.back_timing import BackTiming
from onair.playout.codecs.decoder import UndecodableAudio
from onair.playout.hard_posts import HardPosts
from onair.playout.lineup import Lineup
from onair.playout.master_cache import MasterUnavailable
from onair.playout.mixer import Mixer
from onair.playout.preparer import Preparer

__all__ = ["Airing", "Happening", "HappeningKind", "Timeline", "TimelineSettings"]
# Airing, Happening, HappeningKind and TimelineSettings live in airing.py; they are part
# of the timeline's interface all the same.

_REPEAT_AFTER = 60 * SAMPLE_RATE
_STRETCH_S = 3.0  # the most a crossfade into a hard item is stretched past the segue
_UNHEARD_GAP_S = 0.1  # near-silence this short between two items is not heard as a gap
_EARLY_INTO_FADE_S = 0.9  # a hard item may start this early where the item before fades out


class Timeline:
    """Places the lineup's airings on the sample clock and renders the master."""

    def __init__(
        self,
        lineup: Lineup,
        preparer: Preparer,
        mixer: Mixer,
        t0: datetime,
        settings: TimelineSettings | None = None,
        resume_start: Callable[[ScheduledItem], datetime | None] | None = None,
    ) -> None:
        self.lineup = lineup
        self.preparer = preparer
        self.mixer = mixer
        self.t0 = t0
        self.settings = settings or TimelineSettings()
        self._resume_start = resume_start
        self._airings: list[Airing] = []  # placed and not yet ended, in start order
        self._pending: deque[AirItem] = deque()  # taken back off the mixer by a trigger
        self._next_at = 0
        self._posts = HardPosts(lineup, self.settings, self.sample_of)
        self._back_timing = BackTiming(lineup, self.settings, self.sample_of)
        self._held = False
        self._silent = 0
        self._happenings: list[Happening] = []
        self._begun = False
        self._resume_at: int | None = None
        self._joined = False
        self._box_end: int | None = None  # a substitute's scheduled time, filled to its end
        self._reported: dict[str, int] = {}  # fault -> sample it was last reported at
        self._aired_any = False  # nothing placed yet: the first item waits for its time
        self._waiting: AirItem | None = None  # a scheduled song with a song added before it

    # -- time --------------------------------------------------------------------------

    def instant(self, sample: int) -> datetime:
        return self.t0 + timedelta(microseconds=round(sample * 1_000_000 / SAMPLE_RATE))

    def sample_of(self, at: datetime) -> int:
        return round((at - self.t0).total_seconds() * SAMPLE_RATE)

    @property
    def on_air(self) -> Airing | None:
        """The latest airing that has started and not ended."""
        started = [a for a in self._airings if a.started]
        return started[-1] if started else None

    def sounding(self) -> list[Airing]:
        """Airings that have started and not ended, in start order."""
        return [a for a in self._airings if a.started]

    def placed(self) -> list[Airing]:
        """Airings mixed ahead of the air and not heard yet, in start order."""
        return [a for a in self._airings if not a.started]

    def waiting(self) -> list[AirItem]:
        """Items taken off the mixer (for an insert, a hold) to be placed again, in order."""
        return list(self._pending)

    @property
    def held(self) -> bool:
        return self._held

    # -- running -----------------------------------------------------------------------

    def begin(self) -> None:
        """Join the schedule at ``t0``: the item on air then resumes at its offset."""
        if self._begun:
            return
        self._begun = True
        self.lineup.load_library()
        current = self.lineup.start_at(self.t0)
        if current is not None:
            began = (self._resume_start(current) if self._resume_start else None) or current.start
            self._next_at = self._resume_at = min(0, self.sample_of(began))
            self._joined = began == current.start  # no saved start: joined, not resumed
        else:  # between items: filled up to the next one's start
            upcoming = self.lineup.peek(self.t0)
            if upcoming is not None:
                self._box_end = self.sample_of(upcoming.start)
        self._collect_faults()

    def advance(self, frames: int) -> tuple[np.ndarray, list[Happening]]:
        """Render the next ``frames`` samples; returns them and what happened in them."""
        start = self.mixer.position
        lead = samples_of(self.settings.lead_s)
        while not self._held and self._next_at <= start + frames + lead:
            if not self._place_next():
                break
        ends = {a.item.play_id: self.mixer.ends_at(a.item.play_id) for a in self._airings}
        block = self.mixer.render(frames)
        self._report(start, start + frames, ends)
        self._watch_silence(block)
        happened, self._happenings = self._happenings, []
        return block, happened

    # -- operator triggers ----------------------------------------------------------------

    def skip(self, note: str = "skipped by an operator") -> bool:
        """Fade what is on air now and start the next item; False if nothing is on air."""
        at = self.mixer.horizon
        self._unplace(at)
        sounding = [a for a in self._airings if self.mixer.ends_at(a.item.play_id) > at]
        for airing in sounding:
            fade = samples_of(self.settings.skip_fade_s)
            self.mixer.fade_out(airing.item.play_id, at, fade)
            airing.ended_by = EndedBy.SKIP
            airing.adjustments.append(note)
        self._next_at = at
        return bool(sounding)

    def insert_now(self, asset_id: str) -> None:
        """Air ``asset_id`` now: what is on air fades, the insert is placed at once."""
        self.lineup.insert_next(asset_id)
        self.skip(f"faded for {asset_id}, inserted now by an operator")
        self._place_next()

    def insert_next(self, asset_id: str) -> None:
        self._unplace(self.mixer.horizon)
        self.lineup.insert_next(asset_id)

    def hold(self) -> None:
        """Stop after the item on air; nothing more is placed until :meth:`resume`."""
        self._unplace(self.mixer.horizon + 1)  # what starts now is on air already
        self._held = True

    def resume(self) -> None:
        if self._held:
            self._held = False
            self._next_at = max(self._next_at, self.mixer.horizon)

    def break_now(self) -> bool:
        """Jump to the next spot break; False if none is scheduled in the next two hours."""
        if not self.lineup.skip_to(ItemKind.SPOT, self.instant(self.mixer.horizon)):
            return False
        self._unplace(self.mixer.horizon)
        self._pending.clear()
        self.skip("skipped for a break now by an operator")
        return True

    def _unplace(self, at: int) -> None:
        """Take airings that have not started by ``at`` back off the mixer, in order."""
        later = [a for a in self._airings if a.start >= at and not a.started]
        for airing in reversed(later):
            self.mixer.cut(airing.item.play_id, at)
            self._airings.remove(airing)
            self._pending.appendleft(airing.item)
        if later:
            self._next_at = later[0].start

    # -- placing -----------------------------------------------------------------------

    def _place_next(self) -> bool:
        at = max(self._next_at, self.mixer.horizon)
        joining = self._resume_at is not None  # the item on air at a (re)start, part way
        if self._resume_at is not None:
            at, self._resume_at = self._resume_at, None
        instant = self.instant(at)
        item = self._next_item(at, instant)
        self._collect_faults()
        if item is None:
            self._next_at = at + SAMPLE_RATE  # nothing airable at all: look again in a second
            return False
        self._prepare_window(instant, item.asset_id)
        try:
            decoded = self.preparer.take(item.sound)
        except (MasterUnavailable, UndecodableAudio, OSError) as exc:
            self._fail(at, item, str(exc))
            return True
        if item.scheduled_start is not None and not self._aired_any:
            at = max(at, self.sample_of(item.scheduled_start))  # the first item: on its time
        elif item.hard and item.scheduled_start is not None:
            at = self._on_post(item, at)
        elif self._aired_any:
            # A soft item never waits in silence: where what airs before it falls under the
            # air's threshold before its segue (a fade planned to its last -60 dBFS), it
            # starts there. The end of a fade, a few milliseconds under it, is no gap.
            heard = self._sound_end(default=at)
            if heard < at - samples_of(_UNHEARD_GAP_S):
                at = max(heard, self.mixer.horizon)
        self._aired_any = True
        miss = self._posts.miss(item, at)
        airing = Airing(item, at, len(decoded.audio), at)
        if miss is not None:
            airing.adjustments.append(miss)
        if joining:
            self._note_joined(airing)
        fade_in = self._fade_in(airing)
        self.mixer.place(item.play_id, decoded.audio, at, gain_db=item.gain_db, fade_in=fade_in)
        self._transition(airing)
        self._time_next(airing, decoded.problem)
        self._airings.append(airing)
        self.lineup.remember_aired(item.asset_id, self.instant(at))
        return True

    def _gap_start(self, at: int) -> int:
        """Where the gap before a post starts: where the air falls silent when that is
        a few seconds before ``at``, the last segue. A song whose quiet tail sits under
        the air's threshold for seconds before its segue leaves more than a hard item
        may come in early over. Longer silence is the silence detector's to mend."""
        heard = self._sound_end(default=at) if self._aired_any else at
        return heard if at - samples_of(_STRETCH_S) <= heard < at else at

    def _tail_reaches(self, post: int | None) -> bool:
        """Whether the post is a few seconds past the last segue and what is placed is still
        heard there (or under a second before): the hard item then starts over that tail
        (a stretched crossfade), where a fill of a second or two would only fade in and out
        again. A longer gap is filled: a long fade-out, waited out, ends in seconds of
        near-silence."""
        if post is None or not self._airings:
            return False
        if post - self._airings[-1].next_at > samples_of(_STRETCH_S):
            return False
        return self._sound_end(default=-1) >= post - samples_of(_EARLY_INTO_FADE_S)

    def _on_post(self, item: AirItem, at: int) -> int:
        """Where a hard item starts: on its post while what airs before it is still heard
        (its crossfade stretched), else where that falls silent; never into silence.

        A soft item never waits (but the first of a run, which the stream has not
        yet reached): it starts at once, and back-timing and the fill before the
        post take up the time it gained. A song whose fade-out falls under the air's
        silence threshold before the post has the hard item come in as it does, up
        to ``_EARLY_INTO_FADE_S`` early: a slow fade's last seconds above cue-out's
        -60 dBFS are heard as dead air.
        """
        post = self.sample_of(item.scheduled_start)  # type: ignore[arg-type]
        heard = self._sound_end(default=at)
        if heard < at:
            early = max(heard, post - samples_of(_EARLY_INTO_FADE_S), self.mixer.horizon)
            return min(at, early)
        if at >= post:
            return at
        return max(at, min(post, heard))

    def _sound_end(self, default: int) -> int:
        """The sample where the last placed airing falls silent on the air (``default``:
        none placed): under the air's silence threshold, not at its end on the mixer. A
        slow fade, or a fade for a post over a quiet tail, spends its last seconds there."""
        floor = self.settings.silence_dbfs
        ends = [self.mixer.heard_until(a.item.play_id, floor)
                for a in self._airings if self.mixer.placed(a.item.play_id)]  # fmt: skip
        return max(ends, default=default)

    def _note_joined(self, airing: Airing) -> None:
        heard = max(airing.start, self.mixer.horizon)
        into = (heard - airing.start) / SAMPLE_RATE
        if self._joined:
            airing.joined_at = heard
            airing.adjustments.append(f"joined {into:.1f} s in: the engine started during it")
        else:
            airing.adjustments.append(f"resumed {into:.1f} s in after a restart")

    def _next_item(self, at: int, instant: datetime) -> AirItem | None:
        if self._pending and not self.lineup.has_inserts():
            return self._after_added(self._pending.popleft(), at, instant)
        tolerance = samples_of(self.settings.hard_tolerance_s)
        if self._box_end is not None and at < self._box_end - tolerance:
            item = self.lineup.fill(instant, round((self._box_end - at) * 1000 / SAMPLE_RATE))
            if item is not None:
                return replace(item, scheduled_end=self.instant(self._box_end))
        self._box_end = None
        gap_start = self._gap_start(at)
        if self._posts.towards(gap_start, instant) and not self._tail_reaches(self._posts.post):
            return self._posts.fill(gap_start, instant)
        item = self.lineup.next_item(instant)
        while item is not None:
            if self._drop_for_post(item, at) or self._drop_late(item, at):
                item = self.lineup.next_item(instant)
                continue
            retimed = self._back_timing.retime(item, at, instant)
            if retimed.then is not None:
                self._pending.appendleft(retimed.then)
                self._waiting = retimed.then
            if retimed.now is not None:
                return retimed.now
            self._note_dropped(at, retimed.note or f"dropped {item.title!r}")
            item = self.lineup.next_item(instant)
        return item

    def _after_added(self, item: AirItem, at: int, instant: datetime) -> AirItem:
        """``item`` from the taken-back queue; a song that had one added before it is looked
        at again, and has another added while the air is still far early (a skip early in
        a ten-minute song leaves more time than one song fills)."""
        if item is not self._waiting:
            return item
        self._waiting = None
        retimed = self._back_timing.retime(item, at, instant)
        if retimed.now is None or retimed.then is None:
            return item
        self._pending.appendleft(retimed.then)
        self._waiting = retimed.then
        return retimed.now

    def _drop_for_post(self, item: AirItem, at: int) -> bool:
        """A soft item with no time to air before the next hard post is dropped."""
        if not self._posts.no_time_for(item, at):
            return False
        self._note_dropped(
            at, f"dropped {item.title!r} ({item.schedule_item_id}) to make the hard post"
        )
        return True

    def _drop_late(self, item: AirItem, at: int) -> bool:
        """A stand-in with under a second of its scheduled time left is dropped.

        The air ran late (an insert, a failover's full-length song): airing the
        stand-in now would only push every later item further behind.
        """
        end = item.scheduled_end
        if end is None or at + samples_of(self.settings.hard_tolerance_s) <= self.sample_of(end):
            return False
        self._note_dropped(at, f"dropped {item.title!r} ({item.schedule_item_id}):"
                               " its scheduled time had passed")  # fmt: skip
        return True

    def _note_dropped(self, at: int, note: str) -> None:
        if self._airings:
            self._airings[-1].adjustments.append(note)
        self._happenings.append(Happening(HappeningKind.TRANSITION, at, None, {"dropped": note}))

    def _transition(self, incoming: Airing) -> None:
        """Crossfade, duck under a talk-up, or cut, against what is still sounding."""
        at = incoming.start
        sounding = [a for a in self._airings if self.mixer.placed(a.item.play_id)
                    and self.mixer.ends_at(a.item.play_id) > at
                    and a is not incoming]  # fmt: skip
        kind = "segue"
        for outgoing in sounding:
            key, tail = outgoing.item.play_id, self.mixer.ends_at(outgoing.item.play_id) - at
            if outgoing.item.talk_up and incoming.item.kind is ItemKind.MUSIC:
                ramp = samples_of(self.settings.duck_ramp_s)
                link_depth = outgoing.item.duck_db  # the link's own duck, else the station's
                depth = self.settings.duck_db if link_depth is None else link_depth
                self.mixer.duck(incoming.item.play_id, at, at + tail, depth, ramp)
                kind = "talk_up"
                continue  # the voice plays out over the intro
            if incoming.item.post_samples == 0 or outgoing.item.ending is Ending.COLD:
                self.mixer.fade_out(key, at, min(tail, samples_of(self.settings.cold_cut_s)))
                kind = "cut"
            else:
                self.mixer.fade_out(key, at, tail)
                kind = "crossfade"
            if outgoing.ended_by is EndedBy.NATURAL:
                outgoing.ended_by = EndedBy.CROSSFADE
        detail = {"kind": kind, "to": incoming.item.play_id,
                  "from": [a.item.play_id for a in sounding]}  # fmt: skip
        self._happenings.append(Happening(HappeningKind.TRANSITION, at, incoming, detail))

    def _fade_in(self, airing: Airing) -> int:
        previous = self._airings[-1] if self._airings else None
        if previous is None or previous.item.talk_up or airing.item.post_samples == 0:
            return 0
        if not self.mixer.placed(previous.item.play_id):
            return 0
        overlap = self.mixer.ends_at(previous.item.play_id) - airing.start
        return max(0, overlap) if previous.item.ending is not Ending.COLD else 0

    def _time_next(self, airing: Airing, problem: str | None) -> None:
        """Where the following item starts, and any fade the plan or a post asks of this one."""
        item, at = airing.item, airing.start
        planned, overlap = planned_length(item, airing.length)
        if planned < airing.length - samples_of(0.05):
            self._fade(airing, at + planned, EndedBy.FADE_EARLY, "faded early as scheduled")
        airing.next_at = at + planned - overlap
        if problem is not None:  # a damaged file: crossfade out where its audio ends
            cross = min(samples_of(self.settings.early_fade_s), airing.length // 2)
            airing.next_at = min(airing.next_at, at + airing.length - cross)
            airing.ended_by = EndedBy.FAILOVER
            airing.adjustments.append(problem)
            self._happenings.append(Happening(HappeningKind.FAILOVER, at, airing,
                                              {"reason": problem}))  # fmt: skip
        self._keep_box(airing)
        self._meet_post(airing)
        self._next_at = airing.next_at

    def _keep_box(self, airing: Airing) -> None:
        """A substitute airs in the scheduled item's time: filled up to it, faded at its end."""
        end = airing.item.scheduled_end
        if end is None:
            return
        # Never a fade that begins before the airing does: the mix is already past there.
        self._box_end = box = max(self.sample_of(end), airing.start + samples_of(0.5))
        if airing.next_at > box + samples_of(self.settings.hard_tolerance_s):
            self._fade(airing, box, EndedBy.FADE_EARLY, "faded at the end of the scheduled time")
            airing.next_at = box

    def _meet_post(self, airing: Airing) -> None:
        """Fade this soft item early when it would run past the next hard post."""
        post = self._posts.overrun(airing, self._pending, self.instant(airing.start))
        if post is None:
            return
        late = airing.next_at - post
        self._fade(airing, post, EndedBy.FADE_EARLY,
                   f"faded {late / SAMPLE_RATE:.1f} s early for the hard post")  # fmt: skip
        airing.next_at = post

    def _fade(self, airing: Airing, until: int, ended_by: EndedBy, note: str) -> None:
        """Fade ``airing`` out so it is silent at ``until``."""
        # At most half of what it airs: a fill of a few seconds is heard before it fades.
        fade = max(1, min(samples_of(self.settings.early_fade_s), (until - airing.start) // 2))
        self.mixer.fade_out(airing.item.play_id, until - fade, fade)
        airing.ended_by = ended_by
        airing.adjustments.append(note)

    def _fail(self, at: int, item: AirItem, reason: str) -> None:
        """An item whose audio cannot be had is replaced; the air never waits for it."""
        self._happenings.append(Happening(HappeningKind.FAILOVER, at, None,
                                          {"play_id": item.play_id, "asset_id": item.asset_id,
                                           "reason": reason}))  # fmt: skip
        self.lineup.forget(item.asset_id)
        replacement = self.lineup.stand_in(item, self.instant(at), f"failed: {reason}")
        if replacement is not None:
            self._pending.appendleft(replacement)

    # -- reporting ----------------------------------------------------------------------

    def _report(self, start: int, end: int, ends: dict[str, int]) -> None:
        for airing in self._airings:
            if not airing.started and airing.start < end:
                airing.started = True
                first = max(airing.first_heard, start)
                self._happenings.append(Happening(HappeningKind.STARTED, first, airing))
        for airing in list(self._airings):
            key = airing.item.play_id
            finish = self.mixer.ends_at(key) if self.mixer.placed(key) else ends.get(key, start)
            if finish <= end:
                self._airings.remove(airing)
                self._happenings.append(Happening(HappeningKind.ENDED, finish, airing))

    def _watch_silence(self, block: np.ndarray) -> None:
        peak = float(np.max(np.abs(block))) if len(block) else 0.0
        if peak > 10 ** (self.settings.silence_dbfs / 20) or self._held:
            self._silent = 0
            return
        self._silent += len(block)
        if self._silent < samples_of(self.settings.silence_s):
            return
        self._silent = 0
        at = self.mixer.horizon
        quiet = self.settings
        reason = f"output below {quiet.silence_dbfs:.0f} dBFS for {quiet.silence_s:.0f} s"
        self._happenings.append(Happening(HappeningKind.FAILOVER, at, None, {"reason": reason}))
        self._unplace(at)
        for airing in [a for a in self._airings if self.mixer.ends_at(a.item.play_id) > at]:
            self.mixer.cut(airing.item.play_id, at)  # silent anyway: no fade to wait for
            airing.ended_by = EndedBy.FAILOVER
            airing.adjustments.append(reason)
        replacement = self.lineup.fallback(self.instant(at), reason)
        if replacement is not None:
            self._pending.appendleft(replacement)
            self._next_at = at

    def _collect_faults(self) -> None:
        """Report the lineup's faults; the same fault again within a minute is not repeated."""
        now = self.mixer.position
        for fault in self.lineup.faults:
            if now - self._reported.get(fault, -_REPEAT_AFTER) < _REPEAT_AFTER:
                continue  # e.g. the database away: one line a minute, not one a second
            self._reported[fault] = now
            self._happenings.append(Happening(HappeningKind.ERROR, now, None, {"reason": fault}))
        self.lineup.faults.clear()

    def _prepare_window(self, instant: datetime, airing_now: str) -> None:
        """Prepare the window's audio; let go of audio prepared for what left it.

        Items dropped for a post, swapped, or jumped over by a break were prepared
        and will never be taken: kept, each would hold its decoded audio for good.
        """
        wanted = {airing_now}
        for scheduled in self.lineup.upcoming(instant):
            sound = self.lineup.sound(scheduled.asset_id) if scheduled.asset_id else None
            if sound is not None:
                self.preparer.want(sound)
                wanted.add(sound.asset_id)
        self.preparer.keep_only(wanted)
