"""One local hour from its clock: stretches between posts, each planned and landed.

Hard slots are posts: the stretch before each one is planned to end exactly
on it, and the hour's last stretch ends exactly at the top of the next hour.
Before a stretch is searched its song count is checked against the time: a
clock that cannot fill (or cannot fit) the stretch with its category's usual
song lengths gets a song added (or its last song dropped), noted in the hour.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from ulid import ULID

from onair.domain.programming import Clock, ItemKind
from onair.domain.schedule import (
    HourPlan,
    Relaxation,
    ScheduledItem,
    Unscheduled,
    at_epoch_ms,
    epoch_ms,
)
from onair.scheduler.checks import Moment, album_doubts
from onair.scheduler.local_hours import LocalHour
from onair.scheduler.planning import Draft, PlanningState
from onair.scheduler.playlist_slots import air_playlists
from onair.scheduler.segment import Bridge, SegmentPlanner

__all__ = ["build_hour"]

_HOUR_MS = 3_600_000


def build_hour(
    planning: PlanningState,
    hour: LocalHour,
    clock_name: str,
    start_ms: int,
    seed: int,
    typical: dict[str, int],
    following: HourPlan | None = None,
) -> HourPlan:
    """Plan ``hour`` from ``start_ms`` (where the hour before it ended) with its clock.

    ``following`` is the next hour when it is kept as it is (locked or built before).
    """
    clock = planning.program.clocks[clock_name]
    hour_ms = epoch_ms(hour.start)
    notes: list[str] = []
    planner = SegmentPlanner(planning, notes)
    timed: list[Draft] = []
    cursor, under_over = start_ms, 0
    for drafts, post_ms in _stretches(planning, clock, hour_ms):
        last = post_ms == hour_ms + _HOUR_MS
        planner.bridge = _next_first_song(planning, hour, following) if last else None
        _choose_events(planning, drafts, cursor)
        air_playlists(planning, drafts, cursor, post_ms, notes)
        _fit_song_count(planning, drafts, cursor, post_ms, typical, notes)
        planned, missed = planner.plan(drafts, cursor, post_ms)
        timed += planned
        under_over += missed
        cursor = post_ms
    return _plan(planning, hour, clock_name, timed, seed, under_over, notes)


def _next_first_song(
    planning: PlanningState, hour: LocalHour, following: HourPlan | None
) -> Bridge | None:
    """The next hour's first song: its category and start, and the song if that hour is kept."""
    if following is not None:
        song = next((i for i in following.items if i.kind is ItemKind.MUSIC), None)
        kept = planning.rotations[song.category].songs.get(song.asset_id or "") if song else None
        if song is not None and kept is not None:
            return song.category, epoch_ms(song.start), kept
    after = LocalHour(hour.end, hour.end.astimezone(planning.zone))
    clock = planning.program.clocks[planning.program.clock_for(after.day, after.hour)]
    slots = clock.slots
    first = next(
        (s for s in slots if planning.program.categories[s.category].type is ItemKind.MUSIC), None
    )
    return None if first is None else (first.category, epoch_ms(hour.end), None)


def _stretches(
    planning: PlanningState, clock: Clock, hour_ms: int
) -> list[tuple[list[Draft], int]]:
    """The clock's slots cut at each hard slot, with the post each stretch must end on."""
    stretches: list[tuple[list[Draft], int]] = []
    current: list[Draft] = []
    for index, slot in enumerate(clock.slots):
        category = planning.program.categories[slot.category]
        nominal = hour_ms + round(slot.at_s * 1000) if slot.at_s is not None else None
        draft = Draft(category.type, slot.category, index, slot.hard, nominal)
        if slot.hard and nominal is not None:
            stretches.append((current, nominal))
            current = []
        current.append(draft)
    stretches.append((current, hour_ms + _HOUR_MS))
    return stretches


def _choose_events(planning: PlanningState, drafts: list[Draft], at_ms: int) -> None:
    """IDs, jingles, promos and spots from the library; voice, news and the spot breaks
    traffic fills (the station file's ``traffic.breaks``) at their planned length."""
    moment = planning.moment(at_ms)
    for draft in drafts:
        category = planning.program.categories[draft.category]
        if draft.is_music or category.type is ItemKind.PLAYLIST:
            continue  # a playlist's slot airs its items (air_playlists)
        rotation = planning.rotations.get(draft.category)
        song = None
        traffic_fills = draft.category in planning.program.traffic.breaks
        if rotation is not None and len(rotation) and not traffic_fills:
            song = next(
                (s for s in rotation.candidates() if _allowed(planning, draft, s, moment)), None
            )
        if song is not None:
            planning.place(draft, song, at_ms)
        elif category.planned_s is not None:
            draft.length_ms = draft.planned_ms = round(category.planned_s * 1000)
        else:
            kinds = ", ".join(sorted(category.asset_kinds))
            draft.unscheduled = f"no {kinds} asset in the library may air here"


def _allowed(planning: PlanningState, draft: Draft, song: object, moment: Moment) -> bool:
    checks = planning.checks[draft.category]
    return not any(c.verdict(song, moment, planning.history) for c in checks)  # type: ignore[arg-type]


def _fit_song_count(
    planning: PlanningState,
    drafts: list[Draft],
    start_ms: int,
    post_ms: int,
    typical: dict[str, int],
    notes: list[str],
) -> None:
    fixed = 0.0
    for index, draft in enumerate(drafts):
        following = drafts[index + 1] if index + 1 < len(drafts) else None
        if draft.kind is ItemKind.VOICE and following is not None and following.is_music:
            # A link talks up the next song (taking no airtime) as often as its
            # category has intros to talk over.
            fixed += draft.length_ms * (1 - planning.reach[following.category].talk_up_share)
        elif not draft.is_music:
            fixed += draft.length_ms
    need = post_ms - start_ms - round(fixed)
    # A category with no songs leaves its positions empty: they count for nothing here.
    music = [d for d in drafts if d.is_music and len(planning.rotations[d.category])]
    if not music:
        return
    # Songs are added to (or dropped from) the category with the most songs, which
    # rotation feels least, and added last, where the search fits the post.
    roomy = max((d.category for d in music), key=lambda c: len(planning.rotations[c]))
    usual = typical[roomy]
    while len(music) > 1 and sum(typical[d.category] for d in music) - need > usual // 2:
        # The roomy category's last song; once it has none left (a playlist took most of
        # the stretch), the stretch's last.
        dropped = next((d for d in reversed(music) if d.category == roomy), music[-1])
        music.remove(dropped)
        drafts.remove(dropped)
        notes.append(f"dropped a {dropped.category} song (slot {dropped.slot}) to fit the hour")
    while need - sum(typical[d.category] for d in music) > usual // 2:
        extra = Draft(ItemKind.MUSIC, roomy, None)
        drafts.insert(drafts.index(music[-1]) + 1, extra)
        music.append(extra)
        notes.append(f"added a {roomy} song to fill the hour")


def _plan(
    planning: PlanningState,
    hour: LocalHour,
    clock: str,
    drafts: list[Draft],
    seed: int,
    under_over: int,
    notes: list[str],
) -> HourPlan:
    items: list[ScheduledItem] = []
    unscheduled: list[Unscheduled] = []
    relaxations: list[Relaxation] = []
    for draft in drafts:
        nominal = at_epoch_ms(draft.nominal_ms) if draft.nominal_ms is not None else None
        if draft.unscheduled is not None:
            reason = draft.unscheduled
            unscheduled.append(Unscheduled(hour.start, draft.slot, draft.category, reason, nominal))
            continue
        item_id = _item_id(planning.program.id, hour, len(items), seed)
        why = dict(draft.why)
        if draft.song is not None and draft.is_music:
            doubts = album_doubts(planning.program, draft.category, draft.song,
                                  draft.start_ms, planning.history)  # fmt: skip
            if doubts:
                why["one_album"] = doubts
        items.append(
            ScheduledItem(
                id=item_id,
                hour=hour.start,
                position=len(items),
                start=at_epoch_ms(draft.start_ms),
                duration_ms=draft.length_ms,
                overlap_next_ms=draft.overlap_ms,
                kind=draft.kind,
                category=draft.category,
                hard=draft.hard,
                nominal_start=nominal,
                slot=draft.slot,
                asset_id=draft.song.id if draft.song else None,
                why=why,
            )
        )
        for rule in draft.relaxed:
            scanned = int(why.get("scanned", 0))
            rejected = int(why.get("rejected", {}).get(rule, 0))
            relaxations.append(Relaxation(hour.start, draft.slot, item_id, rule, scanned, rejected))
    return HourPlan(
        station=planning.program.id,
        start=hour.start,
        local_label=hour.label,
        clock=clock,
        items=tuple(items),
        unscheduled=tuple(unscheduled),
        relaxations=tuple(relaxations),
        under_over_ms=under_over,
        seed=seed,
        built_at=datetime.now(UTC),
        notes=tuple(notes),
    )


def _item_id(station: str, hour: LocalHour, position: int, seed: int) -> str:
    """A ULID stamped with the hour, the same for the same seed (a rebuild keeps its ids)."""
    digest = hashlib.blake2b(
        f"{station}|{hour.start.isoformat()}|{position}|{seed}".encode(), digest_size=10
    )
    return str(ULID.from_bytes(epoch_ms(hour.start).to_bytes(6, "big") + digest.digest()))
