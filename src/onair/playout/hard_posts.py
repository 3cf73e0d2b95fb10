"""Hard posts: the instants a hard item starts on, and what the timeline does to make them.

Before a post the gap is filled once the hard item is the next to air; a soft
item with no time left before the post is dropped; a soft item that would run
past it fades early; a hard item that still misses it by more than the
tolerance is noted. Every figure is in samples on the station's sample clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from onair.domain.playout import SAMPLE_RATE, AirItem, samples_of
from onair.playout.airing import Airing, TimelineSettings
from onair.playout.lineup import Lineup

__all__ = ["HardPosts"]


class HardPosts:
    """The next hard post the timeline places items towards, and the repairs that land it."""

    def __init__(
        self, lineup: Lineup, settings: TimelineSettings, sample_of: Callable[[datetime], int]
    ) -> None:
        self.lineup = lineup
        self.settings = settings
        self.sample_of = sample_of
        self.post: int | None = None  # the hard post the items being placed run towards

    def towards(self, at: int, instant: datetime) -> bool:
        """Look ahead to the next post from ``instant``; whether the gap before it is to be
        filled now (the hard item is the next to air, no insert waits, and time is left)."""
        self.post = self._next_post(instant)
        if self.post is None or at >= self.post - samples_of(self.settings.hard_tolerance_s):
            return False
        upcoming = self.lineup.peek(instant)
        return upcoming is not None and upcoming.hard and not self.lineup.has_inserts()

    def fill(self, at: int, instant: datetime) -> AirItem | None:
        """A fill for the gap from ``at`` to the post, or the hard item early when none fits."""
        assert self.post is not None
        gap_ms = round((self.post - at) * 1000 / SAMPLE_RATE)
        item = self.lineup.fill(instant, gap_ms)
        if item is None:
            return self.lineup.next_item(instant)  # the hard item starts early: nothing to fill
        return item

    def no_time_for(self, item: AirItem, at: int) -> bool:
        """Whether ``item``, soft, has too little time to air before the next post."""
        if item.hard or self.post is None or item.schedule_item_id is None:
            return False
        return at + samples_of(self.settings.min_play_s) > self.post

    def miss(self, item: AirItem, at: int) -> str | None:
        """What to note when a hard item starting at ``at`` misses its post by more than
        the tolerance (the repairs before it could not land it)."""
        if not item.hard or item.scheduled_start is None:
            return None
        error = at - self.sample_of(item.scheduled_start)
        if abs(error) <= samples_of(self.settings.hard_tolerance_s):
            return None
        side = "late" if error > 0 else "early"
        return f"started {abs(error) / SAMPLE_RATE:.2f} s {side} for its hard post"

    def overrun(self, airing: Airing, pending: Sequence[AirItem], instant: datetime) -> int | None:
        """The post ``airing`` (starting at ``instant``) would run past, so must fade by."""
        post = self._end_by(airing, pending, instant)
        if post is None or airing.next_at <= post + samples_of(self.settings.hard_tolerance_s):
            return None
        return post

    def _next_post(self, instant: datetime) -> int | None:
        for scheduled in self.lineup.upcoming(instant):
            if scheduled.hard:
                return self.sample_of(scheduled.nominal_start or scheduled.start)
        return None

    def _end_by(self, airing: Airing, pending: Sequence[AirItem], instant: datetime) -> int | None:
        """The hard post ``airing`` must end by, when a hard item is the next to air.

        The next may be one taken back off the mix (a failover took its place
        before it started): it still has its post, though the lineup has moved on.
        """
        if airing.item.hard:
            return None
        if pending:
            taken_back = pending[0]
            if not taken_back.hard or taken_back.scheduled_start is None:
                return None
            return self.sample_of(taken_back.scheduled_start)
        upcoming = self.lineup.peek(instant)
        if upcoming is None or not upcoming.hard:
            return None  # soft items still to come before the post; the last of them meets it
        return self.post
