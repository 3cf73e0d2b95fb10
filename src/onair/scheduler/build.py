"""Build a station's schedule for a run of days, hour by hour, from its program and library.

What aired or was scheduled before (and locked hours inside the range) is
replayed first, so separation, rotation and the DMCA window see across the
boundary of the build. The same seed, library and history give the same
schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from onair.domain import rules as r
from onair.domain.library import AssetKind
from onair.domain.programming import Category, ItemKind, StationProgram
from onair.domain.rights import UsageRights
from onair.domain.schedule import HourPlan, Playable, ScheduledItem, epoch_ms
from onair.scheduler.air_history import AirHistory, Play
from onair.scheduler.checks import Check, Moment, checks_for, daypart_limited
from onair.scheduler.hour_builder import build_hour
from onair.scheduler.landing import MIN_PLAY_MS
from onair.scheduler.library_facts import LibraryFacts, library_facts
from onair.scheduler.local_hours import LocalHour, hours_between
from onair.scheduler.planning import PlanningState, Reach
from onair.scheduler.playlist_ahead import playlist_ahead_checks
from onair.scheduler.playlist_checks import item_checks
from onair.scheduler.playlist_slots import note_aired, playlist_items

__all__ = ["LOOKBACK", "Setup", "build_schedule", "categorize", "prepare", "replay"]

# How far back rules look: a week of turnover plus the day horizontal rotation compares.
LOOKBACK = timedelta(days=8)


def categorize(program: StationProgram, playables: Sequence[Playable]) -> dict[str, list[Playable]]:
    """Each category's assets: a music asset in its own category or the first that matches."""
    members: dict[str, list[Playable]] = {name: [] for name in program.categories}
    music = [(n, c) for n, c in program.categories.items() if c.type is ItemKind.MUSIC]
    kinds = {name: c.asset_kinds for name, c in program.categories.items()}
    for asset in playables:
        own = kinds.get(asset.category or "")
        if own is not None and asset.kind in own:
            members[asset.category or ""].append(asset)
            continue
        if asset.kind is AssetKind.MUSIC:
            name = next((n for n, c in music if _matches(c, asset)), None)
            if name is not None:
                members[name].append(asset)
            continue
        for name, category in program.categories.items():
            if (
                category.type is not ItemKind.MUSIC
                and asset.kind in category.asset_kinds
                and _matches(category, asset)
            ):
                members[name].append(asset)
    return members


def _matches(category: Category, asset: Playable) -> bool:
    match = category.match
    if match.kinds and asset.kind not in match.kinds:
        return False
    if match.years and not (asset.year and match.years[0] <= asset.year <= match.years[1]):
        return False
    if match.genres and (asset.genre or "").casefold() not in {g.casefold() for g in match.genres}:
        return False
    return not match.isrcs or asset.isrc in match.isrcs


@dataclass
class Setup:
    planning: PlanningState
    members: dict[str, list[Playable]]
    typical: dict[str, int]  # per category: the median song's advance
    assets: dict[str, Playable]  # the library by id


def prepare(
    program: StationProgram,
    playables: Sequence[Playable],
    history: Sequence[ScheduledItem],
    days: Sequence[date],
    seed: int,
    *,
    planning: bool = True,
    ahead: Sequence[ScheduledItem] = (),
    playlists: Mapping[str, Sequence[str]] | None = None,
) -> Setup:
    """Checks and a history that has replayed ``history``; for ``planning``, also the
    rotations and the song lengths each category offers (verify needs none of those).

    ``ahead`` are the items of hours kept after the position, which the rules
    respect from before them; only with some are the rules checked against them.
    ``playlists`` are the items of each playlist the program airs.
    """
    facts = library_facts(program, playables, _facts)
    members, assets = facts.members, facts.assets
    turnover = program.rules.get("turnover_balance")
    assert isinstance(turnover, r.TurnoverBalance)
    air = AirHistory(turnover_window_ms=turnover.days * 86_400_000)
    looks_ahead = _look_ahead(air, ahead, assets, program.zone)
    checks: dict[str, list[Check]] = {}
    steady = facts.kept(("steady", tuple(days)), lambda: _steady_members(program, members, days))
    for name, category in program.categories.items():
        if category.type is ItemKind.MUSIC:
            checks[name] = checks_for(program, name, steady[name], looks_ahead=looks_ahead)
        elif category.type is ItemKind.PLAYLIST:
            checks[name] = item_checks(program, name)
        else:
            checks[name] = [c for c in checks_for(program, name, ()) if c.name == "usage_rights"]
    if not planning:
        state = PlanningState(program, {}, checks, air, program.zone, {}, {}, {}, {})
        replay(state, history, assets)
        return Setup(state, members, {}, assets)
    # The history's plays reach the rotations through replay below, in air order.
    rotations = {name: facts.rotation(name, seed) for name in members}
    timing = facts.kept("timing", lambda: _timing(program, members))
    aired = playlist_items(assets, playlists or {})
    if aired:  # the songs before a playlist's hours look ahead at its items (and a day on)
        looking = playlist_ahead_checks(
            program, aired, hours_between(days[0], len(days) + 1, program.zone)
        )
        for name, category in program.categories.items():
            if category.type is ItemKind.MUSIC:
                checks[name] = [*checks[name], *looking(name)]
    state = PlanningState(
        program, rotations, checks, air, program.zone,
        spans=timing.spans, usual=timing.usual, reach=timing.reach,
        longest_overlap=timing.overlaps, playlists=aired,
    )  # fmt: skip
    replay(state, history, assets)
    return Setup(state, members, timing.typical, assets)


def _facts(program: StationProgram, playables: Sequence[Playable]) -> LibraryFacts:
    return LibraryFacts(categorize(program, playables), {s.id: s for s in playables})


def _steady_members(
    program: StationProgram, members: dict[str, list[Playable]], days: Sequence[date]
) -> dict[str, list[str]]:
    """Each music category's songs that turnover balance compares (see ``_steady``)."""
    steady = _steady(program, days)
    return {
        name: [s.id for s in members[name] if steady(s)]
        for name, category in program.categories.items()
        if category.type is ItemKind.MUSIC
    }


@dataclass(frozen=True)
class _Timing:
    """Per category: what its song lengths allow (see PlanningState)."""

    spans: dict[str, Span]
    usual: dict[str, Span]
    typical: dict[str, int]  # the median song's advance
    reach: dict[str, Reach]
    overlaps: dict[str, int]  # the longest natural overlap (length less segue, never below 0)


def _timing(program: StationProgram, members: dict[str, list[Playable]]) -> _Timing:
    fade = round(program.timing.early_fade_s * 1000)
    talkup_ms = round(program.timing.talkup_min_intro_s * 1000)
    advances = {name: _advances(songs) for name, songs in members.items()}
    spans = {name: _spans(songs, advances[name], fade) for name, songs in members.items()}
    return _Timing(
        spans={n: wide for n, (wide, _) in spans.items()},
        usual={n: middle for n, (_, middle) in spans.items()},
        typical={n: _typical(advances[n], program.song_estimate_s) for n in members},
        reach={n: Reach.of(songs, fade, talkup_ms, MIN_PLAY_MS) for n, songs in members.items()},
        overlaps={
            n: max(0, max((s.length_ms - s.segue_ms for s in songs), default=0))
            for n, songs in members.items()
        },
    )


def replay(
    planning: PlanningState,
    items: Sequence[ScheduledItem],
    assets: Mapping[str, Playable],
    each: Callable[[ScheduledItem, Playable], None] | None = None,
) -> None:
    """Feed stored items to the history and rotations in air order.

    ``each`` sees each song before it is fed (the verifier checks it there).
    """
    hour = None
    for item in items:
        if item.hour != hour:
            hour = item.hour
            _turn_hour(planning, item.hour)
        song = assets.get(item.asset_id or "")
        if song is None:
            continue
        if "playlist" in item.why:
            note_aired(planning, item)
        at = epoch_ms(item.start)
        if each is not None and item.kind is ItemKind.MUSIC:
            each(item, song)
        kept = planning.rotations.get(item.category)
        if kept is not None and song.id in kept.songs:
            kept.place(song, at)
        if item.kind is ItemKind.MUSIC:
            moment = planning.moment(at)
            planning.history.push(Play(song, at, moment.local_day, moment.quarter, item.category))


def _turn_hour(planning: PlanningState, start: datetime) -> None:
    """A new hour: the turnover window slides, and no placement before it is undone."""
    planning.history.begin_hour(epoch_ms(start))
    for rotation in planning.rotations.values():
        rotation.settle()


def build_schedule(
    program: StationProgram,
    playables: Sequence[Playable],
    history: Sequence[ScheduledItem],
    first_day: date,
    days: int,
    seed: int,
    kept: Mapping[datetime, HourPlan] | None = None,
    start_ms: int | None = None,
    after: Sequence[HourPlan] = (),
    playlists: Mapping[str, Sequence[str]] | None = None,
) -> list[HourPlan]:
    """Plan every local hour of ``days`` days from ``first_day``; ``kept`` hours stay as they are.

    ``start_ms`` is where the schedule before the first hour ends (its top, if None);
    ``after`` are the stored hours that follow the range, which the rules respect too;
    ``playlists`` the items of each playlist the program airs.
    """
    hours = hours_between(first_day, days, program.zone)
    kept = kept or {}
    fixed = {p.start: p for p in [*kept.values(), *after]}
    setup = prepare(
        program, playables, history, [first_day + timedelta(d) for d in range(days)], seed,
        ahead=[i for p in fixed.values() for i in p.items], playlists=playlists,
    )  # fmt: skip
    assets = setup.assets
    plans: list[HourPlan] = []
    cursor = start_ms if start_ms is not None else epoch_ms(hours[0].start)
    for hour in hours:
        if hour.start in kept:
            plan = kept[hour.start]
            replay(setup.planning, plan.items, assets)
        else:
            plan = _build_one(setup, hour, cursor, seed, fixed.get(hour.end))
        plans.append(plan)
        cursor = epoch_ms(plan.items[-1].next_start) if plan.items else epoch_ms(hour.end)
    return plans


def _look_ahead(
    air: AirHistory, items: Sequence[ScheduledItem], assets: Mapping[str, Playable], zone: ZoneInfo
) -> bool:
    """Songs of hours that stay as they are, for the rules to respect from before them;
    whether there were any."""
    found = False
    for item in items:
        song = assets.get(item.asset_id or "")
        if song is not None and item.kind is ItemKind.MUSIC:
            moment = Moment.at(epoch_ms(item.start), zone)
            air.ahead.add(song, moment.at_ms, moment.local_day, moment.quarter)
            found = True
    return found


def _build_one(
    setup: Setup, hour: LocalHour, cursor: int, seed: int, following: HourPlan | None
) -> HourPlan:
    planning = setup.planning
    _turn_hour(planning, hour.start)
    clock = planning.program.clock_for(hour.day, hour.hour)
    return build_hour(planning, hour, clock, cursor, seed, setup.typical, following)


def _steady(program: StationProgram, days: Sequence[date]) -> Callable[[Playable], bool]:
    """Whether no explicit, daypart or rights limit keeps a song off any hour of the build."""
    harbor = program.rules.get("safe_harbor")
    limits = program.rules.get("daypart_limits")
    assert isinstance(limits, r.DaypartLimits)
    limited = limits.limits if limits.enabled else ()
    use, territory = program.use, program.territory
    # Most songs share a few deals: each set of deals is judged once.
    judged: dict[tuple[int, ...], bool] = {}

    def covered(rights: tuple[UsageRights, ...]) -> bool:
        if any(
            d.valid_from is None and d.valid_until is None and d.allows(use, territory, days[0])
            for d in rights
        ):
            return True  # an open-ended deal: no day to check
        return all(any(d.allows(use, territory, day) for d in rights) for day in days)

    def steady(song: Playable) -> bool:
        if song.explicit and harbor.enabled:
            return False
        if limited and any(daypart_limited(lim, song) for lim in limited):
            return False
        key = tuple(map(id, song.rights))  # the deals live as long as the songs
        known = judged.get(key)
        if known is None:
            known = judged[key] = covered(song.rights)
        return known

    return steady


def _advances(songs: Sequence[Playable]) -> list[int]:
    """How far the songs move the hour on (length less natural overlap), shortest first."""
    return sorted([min(s.length_ms, s.segue_ms) for s in songs])  # length less natural overlap


def _spans(songs: Sequence[Playable], advances: list[int], fade_ms: int) -> tuple[Span, Span]:
    """The shortest and longest advance of the category's songs but for the extremes:
    the 5% on each side (what a stretch can count on), and the middle half (usual)."""
    if not songs:
        return (0, 0), (0, 0)
    shortest = advances  # faded as far as allowed below, which keeps the order
    longest = sorted(s.length_ms for s in songs)

    def between(share: int) -> Span:
        fastest = shortest[len(songs) // share] - fade_ms
        return max(MIN_PLAY_MS, fastest), longest[(len(songs) * (share - 1)) // share]

    return between(20), between(4)


Span = tuple[int, int]


def _typical(advances: list[int], estimate_s: float) -> int:
    """The median song's advance (the station's estimate for a category still empty)."""
    return advances[len(advances) // 2] if advances else round(estimate_s * 1000)
