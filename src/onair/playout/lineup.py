"""What airs next: operator inserts first, then the published schedule, then fallback rotation.

Every item is checked at air time (audio present, usage rights for this
station's territory and use on this day); one that fails is swapped for a
compliant asset of the same category and the swap carries the reason. When
the schedule runs out or cannot be read, rotation from the fallback
categories takes over, still checking rights (17 U.S.C. 114(d)(2) covers only
what the deals allow). Every song chosen here also keeps the performance
complement of 17 U.S.C. 114(j)(13) over what really aired (``complement.py``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from onair.domain.complement import Complement
from onair.domain.playout import AirItem, AssetSound
from onair.domain.programming import ItemKind
from onair.domain.rights import Use
from onair.domain.rules import DmcaComplement
from onair.domain.schedule import Playable, ScheduledItem
from onair.playout.ports import PlayoutLibrary, PlayoutSchedule

__all__ = ["AirRules", "Lineup", "air_item"]

VOICE = ItemKind.VOICE
_FITS_OVER_MS = 5_000  # an added song may run this much past the time it fills
_Choice = tuple[Playable, AssetSound, str | None]  # the asset, its sound, the limit it breaks


_KIND_OF_ASSET = {
    "music": ItemKind.MUSIC, "spot": ItemKind.SPOT, "promo": ItemKind.PROMO,
    "voice": ItemKind.VOICE, "jingle": ItemKind.JINGLE, "sweeper": ItemKind.JINGLE,
    "station_id": ItemKind.ID, "liner": ItemKind.VOICE, "bed": ItemKind.FILL,
}  # fmt: skip


@dataclass(frozen=True)
class AirRules:
    """The station facts air-time checks need, and where fallback audio comes from."""

    territory: str = "US"
    use: Use = Use.NON_INTERACTIVE_WEBCAST
    fallback_categories: tuple[str, ...] = ()  # empty: any music
    fill_category: str | None = "fill"
    fill_kinds: frozenset[str] = frozenset({"bed"})  # asset kinds the fill category draws from
    music_gap_s: float = 30.0  # a gap longer than this is filled with a song, faded to fit
    window: timedelta = timedelta(minutes=10)  # the look-ahead of prepared items
    recent: timedelta = timedelta(hours=1)  # a substitute or fallback song not aired within
    artist_gap: timedelta = timedelta(0)  # a song moved for time keeps its artist this far apart
    dmca: DmcaComplement = field(default_factory=DmcaComplement)  # 17 U.S.C. 114(j)(13)


def air_item(
    play_id: str,
    playable: Playable,
    sound: AssetSound,
    *,
    scheduled: ScheduledItem | None = None,
    category: str | None = None,
    reason: str | None = None,
) -> AirItem:
    """The airing of ``playable``, in the place of ``scheduled`` when it has one.

    A substitute keeps the scheduled item's time: one that is longer is faded
    at the scheduled length, so the items after it stay on time; a song standing
    in for a song airs whole.
    """
    same = scheduled is not None and scheduled.asset_id == playable.id
    # A song in a song's place airs whole: back-timing wins back the difference on later
    # songs, where fading it at the scheduled length would cut it short.
    song_for_song = (not same and scheduled is not None and scheduled.kind is ItemKind.MUSIC
                     and playable.kind == "music")  # fmt: skip
    boxed = (
        scheduled is not None
        and not song_for_song
        and (same or playable.length_ms > scheduled.duration_ms)
    )
    kind = scheduled.kind if scheduled and same else _KIND_OF_ASSET.get(playable.kind)
    home = category or (scheduled.category if scheduled else None) or playable.category
    return AirItem(
        play_id=play_id,
        asset_id=playable.id,
        kind=kind or ItemKind.MUSIC,
        category=home or "",
        title=playable.title,
        artist=playable.artist,
        master_key=sound.master_key,
        cue_in_s=sound.cue_in_s,
        cue_out_s=sound.cue_out_s,
        intro_s=sound.intro_s,
        segue_s=sound.segue_s,
        gain_db=sound.gain_db,
        ending=sound.ending,
        schedule_item_id=scheduled.id if scheduled else None,
        scheduled_start=scheduled.start if scheduled else None,
        scheduled_end=scheduled.next_start if scheduled and boxed and not same else None,
        hard=scheduled.hard if scheduled else False,
        overlap_next_ms=scheduled.overlap_next_ms if scheduled and boxed else None,
        planned_ms=scheduled.duration_ms if scheduled and boxed else None,
        talk_up=bool(scheduled and scheduled.why.get("talk_up")),
        substitution_reason=reason,
        duck_db=sound.duck_db,
    )


class Lineup:
    """The engine's source of airings, in order."""

    def __init__(
        self,
        station: str,
        schedule: PlayoutSchedule,
        library: PlayoutLibrary,
        rules: AirRules,
        new_play_id: Callable[[str | None], str],
    ) -> None:
        self.station = station
        self._schedule = schedule
        self._library = library
        self.rules = rules
        self._new_play_id = new_play_id
        self._cursor: tuple[datetime, int] | None = None
        self._inserts: deque[str] = deque()
        self._playables: dict[str, Playable] = {}
        self._sounds: dict[str, AssetSound] = {}
        self._no_sound: set[str] = set()  # asked before and found without audio
        self._category_of: dict[str, str] = {}  # asset id -> category the schedule gave it
        self._aired: dict[str, datetime] = {}  # asset id -> when it last aired
        self._artist_aired: dict[str, datetime] = {}  # artist key -> when one of theirs aired
        self.complement = Complement(rules.dmca)
        self._rotation = 0
        self._last_read: tuple[tuple[datetime, datetime], list[ScheduledItem]] | None = None
        self._taken: tuple[ScheduledItem | None, ScheduledItem | None] = (None, None)  # before, now
        self._unlinked: set[str] = set()  # voice links back-timing dropped: they link nothing
        self.faults: list[str] = []  # read and cleared by the engine, which reports them

    # -- operator inserts and cursor ---------------------------------------------------

    def insert_next(self, asset_id: str) -> None:
        self._inserts.append(asset_id)

    def queued(self) -> tuple[str, ...]:
        return tuple(self._inserts)

    def start_at(self, at: datetime) -> ScheduledItem | None:
        """Place the cursor so the item on air at ``at`` comes next; returns that item."""
        items = self._read(at - timedelta(hours=1), at + self.rules.window)
        on_air = [i for i in items if i.start <= at and i.asset_id is not None]
        current = on_air[-1] if on_air and on_air[-1].next_start > at else None
        if current is not None:
            self._cursor = (current.start, current.position - 1)
        else:
            self._cursor = (at, -1)
        self._seed_complement(at, current)
        return current

    def _seed_complement(self, at: datetime, current: ScheduledItem | None) -> None:
        """Count the music scheduled in the window before ``at`` as aired (the engine
        may start mid-day, and the first hours must keep the complement too).

        An approximation: what was scheduled is taken for what aired, short of the
        substitutions and inserts of a previous run, which are not read back. The
        item on air at ``at`` is left out: it airs again now and is counted then.
        """
        items = self._read(at - self.complement.window, at)
        for item in items:
            playable = self._playables.get(item.asset_id or "")
            if playable is not None and item != current and item.start < at:
                self.complement.record(playable, item.start)

    def remember_aired(self, asset_id: str, at: datetime) -> None:
        """Note that ``asset_id`` airs at ``at`` (inserts too: later choices count them)."""
        self._aired[asset_id] = at
        playable = self._playables.get(asset_id)
        if playable is not None:
            self.complement.record(playable, at)
            self._artist_aired.update((key, at) for key in playable.artist_keys)

    # -- what comes next --------------------------------------------------------------

    def peek(self, at: datetime) -> ScheduledItem | None:
        """The next scheduled item with audio planned, without taking it."""
        upcoming = self._upcoming(at)
        return upcoming[0] if upcoming else None

    def next_item(self, at: datetime) -> AirItem | None:
        """The airing to start at ``at``; None only when no audio at all can be found."""
        if self._inserts:
            asset_id = self._inserts.popleft()
            item = self._unscheduled(asset_id, at, "inserted by an operator")
            if item is not None:
                return item
        upcoming = self._upcoming(at)
        if upcoming:
            scheduled = upcoming[0]
            self._cursor = (scheduled.start, scheduled.position)
            self._taken = (self._taken[1], scheduled)
            return self._checked(scheduled, at)
        return self.fallback(at, "the schedule has nothing to air")

    def upcoming(self, at: datetime) -> list[ScheduledItem]:
        """The scheduled items with audio planned in the look-ahead window, in order."""
        return self._upcoming(at)

    def playable(self, asset_id: str) -> Playable | None:
        """The asset's tags and rule facts (title, artist, length), read once."""
        self._load([asset_id])
        return self._playables.get(asset_id)

    def sound(self, asset_id: str) -> AssetSound | None:
        self._load([asset_id])
        return self._sounds.get(asset_id)

    def forget(self, asset_id: str) -> None:
        """Stop offering ``asset_id`` (its master failed) until the library is read again."""
        self._sounds.pop(asset_id, None)
        self._no_sound.add(asset_id)

    def has_inserts(self) -> bool:
        return bool(self._inserts)

    def skip_to(self, kind: ItemKind, at: datetime) -> bool:
        """Move the cursor to just before the next scheduled item of ``kind`` (break now)."""
        for scheduled in self._upcoming(at, horizon=timedelta(hours=2)):
            if scheduled.kind is kind:
                self._cursor = (scheduled.start, scheduled.position - 1)
                return True
        return False

    def take(self, scheduled: ScheduledItem) -> None:
        """Move the cursor past ``scheduled`` without airing it (dropped for time)."""
        self._cursor = (scheduled.start, scheduled.position)

    def _upcoming(self, at: datetime, horizon: timedelta | None = None) -> list[ScheduledItem]:
        cursor = self._cursor or (at, -1)
        items = self._read(cursor[0], at + (horizon or self.rules.window))
        # A talk-up not produced is left out: the song it talks up starts with it anyway.
        # Any other item without audio (a straight link too) is aired by a stand-in in its
        # time, so it leaves no gap and moves nothing after it.
        return [
            i
            for i in items
            if (i.start, i.position) > cursor and (i.asset_id is not None or not _talks_up(i))
        ]

    def _read(self, start: datetime, end: datetime) -> list[ScheduledItem]:
        # Placing one item asks for the same window several times (the post ahead, the
        # next item, the window to prepare): one query answers them all. The next
        # placement asks up to a later instant, so a changed schedule is read again.
        if self._last_read is not None and self._last_read[0] == (start, end):
            return self._last_read[1]
        try:
            items = self._schedule.history(self.station, start, end)
        except Exception as exc:  # the database away: fallback rotation carries the air
            self.faults.append(f"schedule cannot be read: {exc}")
            return []
        self._last_read = ((start, end), items)
        for item in items:
            if item.asset_id is not None:
                self._category_of[item.asset_id] = item.category
        return items

    # -- checks and swaps ---------------------------------------------------------------

    def _checked(self, scheduled: ScheduledItem, at: datetime) -> AirItem | None:
        if scheduled.asset_id is None:
            return self.substitute(scheduled, at, "was planned and has no audio yet")
        self._load([scheduled.asset_id])
        playable = self._playables.get(scheduled.asset_id)
        problem = self.problem(scheduled.asset_id, at)
        if problem is None and playable is not None:
            problem = self.complement.breach(playable, at)
        if problem is None and playable is not None:
            sound = self._sounds[scheduled.asset_id]
            return air_item(self._new_play_id(scheduled.id), playable, sound, scheduled=scheduled)
        return self.substitute(scheduled, at, problem or "not in the library")

    def problem(self, asset_id: str, at: datetime) -> str | None:
        """Why ``asset_id`` may not air at ``at``, or None."""
        playable = self._playables.get(asset_id)
        if playable is None:
            return "not in the library"
        if asset_id not in self._sounds:
            return "has no audio"
        rules, day = self.rules, at.date()
        if not any(r.allows(rules.use, rules.territory, day) for r in playable.rights):
            return f"no usage rights for {rules.use.value} in {rules.territory} on {day}"
        return None

    def substitute(self, scheduled: ScheduledItem, at: datetime, why: str) -> AirItem | None:
        """A compliant asset of the scheduled item's category, closest in length; one not
        coming up in the window when any may air (it would air twice in minutes)."""
        what = scheduled.asset_id or f"{scheduled.kind.value} item"
        reason = f"scheduled {what} {why}"
        pool = self._in_category(scheduled.category)
        coming = self._coming(at)
        chosen = self._pick([p for p in pool if p.id not in coming], at, scheduled.duration_ms)
        if chosen is None:
            chosen = self._pick(pool, at, scheduled.duration_ms)
        short = scheduled.duration_ms <= self.rules.music_gap_s * 1000
        if short and (chosen is None or chosen[2] or not _near(chosen[0], scheduled.duration_ms)):
            # A short item with no song near its length: fill in its time, not a song
            # minutes long that would push every item after it late.
            chosen = self._fill_pick(at, scheduled.duration_ms) or chosen
        if chosen is None or chosen[2]:  # none of its category keeps the complement either
            why = f"{reason}; no other {scheduled.category} asset may air"
            return self.fallback(at, why, scheduled)
        playable, sound, _ = chosen
        play_id = self._new_play_id(scheduled.id)
        return air_item(play_id, playable, sound, scheduled=scheduled, reason=reason)

    def stand_in(self, item: AirItem, at: datetime, why: str) -> AirItem | None:
        """What airs in the time of ``item``, whose audio failed: an asset of its category
        closest in length, so a fault moves nothing after it; fallback rotation when none."""
        scheduled = self._scheduled(item.schedule_item_id)
        if scheduled is None:
            return self.fallback(at, f"{item.asset_id} {why}")
        return self.substitute(scheduled, at, why)

    def _scheduled(self, item_id: str | None) -> ScheduledItem | None:
        if item_id is None:
            return None
        read = self._last_read[1] if self._last_read else []
        return next((s for s in (*self._taken, *read) if s is not None and s.id == item_id), None)

    def fallback(
        self, at: datetime, why: str, scheduled: ScheduledItem | None = None
    ) -> AirItem | None:
        """The next song of fallback rotation (least recently aired first)."""
        cats = self.rules.fallback_categories
        pool = [p for c in cats for p in self._in_category(c)] if cats else self._music()
        chosen = self._pick(pool or self._music(), at, None)
        if chosen is None:
            self.faults.append(f"fallback rotation has nothing that may air ({why})")
            return None
        playable, sound, breach = chosen
        reason = f"fallback rotation: {why}" + (f"; {_least_bad(breach)}" if breach else "")
        play_id = self._new_play_id(scheduled.id if scheduled else None)
        return air_item(play_id, playable, sound, scheduled=scheduled, reason=reason)

    def fill(self, at: datetime, gap_ms: int) -> AirItem | None:
        """A fill item for ``gap_ms`` (the longest that fits, else the shortest).

        A long gap gets the longest song of fallback rotation that fits it whole (what
        it leaves is filled again); with none that fits, fill, and with no fill a song
        of fallback rotation, faded by the engine to fit.
        """
        long_gap = gap_ms > self.rules.music_gap_s * 1000
        if long_gap:
            cats = self.rules.fallback_categories
            pool = [p for c in cats for p in self._in_category(c)] if cats else self._music()
            fits = [p for p in self._songs_free(pool, at, set()) if p.segue_ms <= gap_ms]
            if fits:
                song = max(fits, key=lambda p: (p.segue_ms, p.id))
                return air_item(self._new_play_id(None), song, self._sounds[song.id],
                                reason=f"fill: a song that fits {gap_ms / 1000:.0f} s")  # fmt: skip
        chosen = self._fill_pick(at, gap_ms)
        if long_gap and (chosen is None or chosen[0].length_ms < gap_ms):
            return self.fallback(at, f"filling {gap_ms / 1000:.0f} s")
        if chosen is None or self.rules.fill_category is None:
            return None
        playable, sound, breach = chosen
        reason = f"fill: {_least_bad(breach)}" if breach else None
        return air_item(self._new_play_id(None), playable, sound,
                        category=self.rules.fill_category, reason=reason)  # fmt: skip

    def bed(self, at: datetime, gap_ms: int, reason: str) -> AirItem | None:
        """A fill item (the station's fill category, beds) for ``gap_ms``, the longest that
        fits, else the shortest; none when the station has no fill."""
        chosen = self._fill_pick(at, gap_ms)
        if chosen is None or self.rules.fill_category is None:
            return None
        playable, sound, _ = chosen
        return air_item(self._new_play_id(None), playable, sound,
                        category=self.rules.fill_category, reason=reason)  # fmt: skip

    def _fill_pick(self, at: datetime, gap_ms: int) -> _Choice | None:
        if self.rules.fill_category is None:
            return None
        kinds = self.rules.fill_kinds
        pool = self._in_category(self.rules.fill_category)
        named = {p.id for p in pool}
        pool += [p for p in self._playables.values() if p.kind in kinds and p.id not in named]
        return self._pick(pool, at, gap_ms, fit=True)

    def _pick(
        self, pool: Iterable[Playable], at: datetime, length_ms: int | None, *, fit: bool = False
    ) -> _Choice | None:
        """The choice from ``pool`` that may air, keeping the complement when any can.

        When none keeps it the least-bad airs and the choice says why (the air must
        never go silent, and the breach is on the record for the as-run)."""
        ids = sorted({p.id for p in pool})
        self._load(ids)
        recent = at - self.rules.recent
        ok = [self._playables[i] for i in ids if self.problem(i, at) is None]
        if not ok:
            return None
        over = {p.id: self.complement.overshoot(p, at) for p in ok}
        ok = [p for p in ok if over[p.id] == min(over.values())]
        fresh = [
            p for p in ok if self._aired.get(p.id, datetime.min.replace(tzinfo=at.tzinfo)) < recent
        ]
        pool_ok = fresh or sorted(ok, key=lambda p: self._aired.get(p.id, at))[:1]
        if length_ms is None:
            self._rotation += 1
            never = [p for p in pool_ok if p.id not in self._aired]
            choice = (never or pool_ok)[self._rotation % len(never or pool_ok)]
        elif fit:
            fits = [p for p in pool_ok if p.length_ms <= length_ms]
            choice = max(fits, key=lambda p: (p.length_ms, p.id)) if fits else min(
                pool_ok, key=lambda p: (p.length_ms, p.id))  # fmt: skip
        else:
            # Near its length, shorter rather than longer: an early air is filled (a song
            # added, beds), a late one only mended by dropping or cutting a song.
            longest = length_ms + _FITS_OVER_MS
            early = [p for p in pool_ok if _near(p, length_ms) and p.length_ms <= longest]
            if early:
                choice = max(early, key=lambda p: (p.length_ms, p.id))
            else:
                choice = min(pool_ok, key=lambda p: (abs(p.length_ms - length_ms), p.id))
        return choice, self._sounds[choice.id], self.complement.breach(choice, at)

    def _unscheduled(self, asset_id: str, at: datetime, reason: str) -> AirItem | None:
        self._load([asset_id])
        problem = self.problem(asset_id, at)
        if problem is not None:
            self.faults.append(f"insert of {asset_id} refused: it {problem}")
            return None
        playable = self._playables[asset_id]
        return air_item(self._new_play_id(None), playable, self._sounds[asset_id], reason=reason)

    # -- back-timing -------------------------------------------------------------------

    def linked(self, item: AirItem, at: datetime) -> tuple[bool, bool]:
        """Whether a voice link airs just before ``item`` (introducing it) and just after it
        (back-announcing it) in the schedule: a link names the song.

        A song a link introduces or back-announces is neither dropped nor swapped,
        and nothing airs between it and the link that introduces it: the link
        would speak of a song that did not air, or not next.
        """
        before, taken = self._taken
        if taken is None or taken.id != item.schedule_item_id:
            return True, True  # not the scheduled item just taken: unsure, so leave it be
        upcoming = self._upcoming(at)
        after = upcoming[0] if upcoming else None
        return self._links(before), self._links(after)

    def after_song(self, item: AirItem) -> bool:
        """Whether ``item`` follows a song in the schedule (a link there back-announces it)."""
        before, taken = self._taken
        if taken is None or taken.id != item.schedule_item_id:
            return False
        return before is not None and before.kind is ItemKind.MUSIC

    def unlink(self, link: AirItem) -> None:
        """``link`` does not air: the songs either side of it are no longer tied to it."""
        if link.schedule_item_id is not None:
            self._unlinked.add(link.schedule_item_id)

    def _links(self, item: ScheduledItem | None) -> bool:
        return item is not None and item.kind is VOICE and item.id not in self._unlinked

    def post_ahead(self, at: datetime) -> bool:
        """Whether a hard item is scheduled within the next two hours (a post to land)."""
        return any(s.hard for s in self._upcoming(at, horizon=timedelta(hours=2)))

    def swap(self, item: AirItem, at: datetime, span_ms: int, reason: str) -> AirItem | None:
        """Another song of ``item``'s category whose span is closest to ``span_ms``, in its
        place on the schedule and aired whole (its own segue times the next item)."""
        scheduled = self._taken[1]
        if scheduled is None or scheduled.id != item.schedule_item_id:
            return None
        chosen = self._song_of_span(item.category, at, span_ms, avoid={item.asset_id})
        if chosen is None:
            return None
        playable, sound = chosen
        return air_item(self._new_play_id(scheduled.id), playable, sound,
                        scheduled=scheduled, reason=reason)  # fmt: skip

    def extra_song(
        self, category: str, at: datetime, span_ms: int, reason: str, avoid: set[str]
    ) -> AirItem | None:
        """A song of ``category``, not on the schedule, the longest whose span fits in
        ``span_ms`` (what it leaves is won back by the next), else the closest.

        Overshooting turns an early air into a late one, which only a drop or a
        fade at the post can take back; a gap left is filled by another song.
        """
        free = self._songs_free(self._in_category(category), at, avoid)
        if not free:
            return None
        fits = [p for p in free if p.segue_ms <= span_ms + _FITS_OVER_MS]
        playable = (max(fits, key=lambda p: (p.segue_ms, p.id)) if fits
                    else min(free, key=lambda p: (abs(p.segue_ms - span_ms), p.id)))  # fmt: skip
        return air_item(self._new_play_id(None), playable, self._sounds[playable.id],
                        category=category, reason=reason)  # fmt: skip

    def _song_of_span(
        self, category: str, at: datetime, span_ms: int, avoid: set[str]
    ) -> tuple[Playable, AssetSound] | None:
        """A song of ``category`` whose span is closest to ``span_ms``."""
        ok = self._songs_free(self._in_category(category), at, avoid)
        if not ok:
            return None
        choice = min(ok, key=lambda p: (abs(p.segue_ms - span_ms), p.id))
        return choice, self._sounds[choice.id]

    def _coming(self, at: datetime) -> set[str]:
        """The assets scheduled in the look-ahead window from ``at``."""
        return {s.asset_id for s in self._upcoming(at) if s.asset_id}

    def _songs_free(
        self, pool: Iterable[Playable], at: datetime, avoid: set[str]
    ) -> list[Playable]:
        """The songs of ``pool`` that may air now and keep the complement, not aired within
        the hour nor coming up in the window (a song moved for time breaks no rule); of
        those, the ones that keep the station's artist separation, where any do."""
        coming = self._coming(at)
        songs = [p for p in pool
                 if p.kind == "music" and p.id not in avoid and p.id not in coming]  # fmt: skip
        self._load(sorted(p.id for p in songs))
        recent = at - self.rules.recent
        free = [
            p for p in songs
            if self.problem(p.id, at) is None and self.complement.breach(p, at) is None
            and (p.id not in self._aired or self._aired[p.id] < recent)
        ]  # fmt: skip
        near = self._artists_near(at, coming)
        apart = [p for p in free if near.isdisjoint(p.artist_keys)]
        # A small library may have no song whose artist is apart: time still wins.
        return apart or free

    def _artists_near(self, at: datetime, coming: set[str]) -> set[str]:
        """Artists aired within the station's artist separation, or coming up in the window."""
        gap = self.rules.artist_gap
        if not gap:
            return set()
        self._load(sorted(coming))
        near = {key for key, aired in self._artist_aired.items() if aired > at - gap}
        for asset_id in coming:
            playable = self._playables.get(asset_id)
            if playable is not None:
                near.update(playable.artist_keys)
        return near

    # -- the library --------------------------------------------------------------------

    def load_library(self) -> None:
        """Read every asset's rule facts (kept for fallback when the database goes away)."""
        try:
            self._playables = {p.id: p for p in self._library.playables(self.station)}
        except Exception as exc:
            self.faults.append(f"library cannot be read: {exc}")

    def _load(self, ids: Iterable[str]) -> None:
        missing = [i for i in ids if i not in self._sounds and i not in self._no_sound]
        if not missing:
            return
        unknown = [i for i in missing if i not in self._playables]
        try:
            if unknown:
                found = self._library.playables(self.station, unknown)
                self._playables.update((p.id, p) for p in found)
            self._sounds.update(self._library.sounds(self.station, missing))
        except Exception as exc:
            self.faults.append(f"library cannot be read: {exc}")
            return
        self._no_sound.update(i for i in missing if i not in self._sounds)

    def _in_category(self, category: str) -> list[Playable]:
        return [
            p
            for p in self._playables.values()
            if (p.category or self._category_of.get(p.id)) == category
        ]

    def _music(self) -> list[Playable]:
        return [p for p in self._playables.values() if p.kind == "music" and p.has_audio]


def _least_bad(breach: str) -> str:
    """The reason's note for a song aired though it breaks the complement."""
    return f"no candidate keeps the DMCA complement, the least-bad {breach}"


def _near(playable: Playable, length_ms: int) -> bool:
    """Whether ``playable`` is about ``length_ms`` long (within a quarter, or 5 s)."""
    return abs(playable.length_ms - length_ms) <= max(length_ms // 4, 5_000)


def _talks_up(item: ScheduledItem) -> bool:
    """A voice link that airs over the next song's intro (it overlaps it whole)."""
    return item.kind is VOICE and (
        bool(item.why.get("talk_up")) or item.overlap_next_ms >= item.duration_ms
    )
