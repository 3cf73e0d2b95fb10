"""A clock's playlist slot as it airs: the playlist's items in order, the clock around them.

A slot of a ``playlist`` category opens its stretch (only events before it, up
to the hard slot or the top of the hour: the station file is refused
otherwise), so each item's instant is known before the stretch's songs are
chosen. The slot takes the playlist's items in order, as many as end before
the stretch's post once the events after it are counted; the clock's music
slots after it fill what is left (left out when less than a song is left), and
fill or an early fade lands the post as for any stretch.

A playlist carries on where it stopped when it aired within the hour before
(a two-hour special over two clocks, a list cut by a hard post); otherwise it
starts from its first item. Each item is judged at its instant with what aired
before it (``playlist_checks``): an unbreakable rule broken leaves it out with
the reason, a breakable one is recorded as relaxed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from onair.domain.library import AssetKind
from onair.domain.programming import (
    ASSET_ITEM_KINDS,
    InvalidProgram,
    ItemKind,
    ProgramProblem,
    StationProgram,
)
from onair.domain.schedule import Playable, ScheduledItem, epoch_ms
from onair.scheduler.air_history import Play
from onair.scheduler.planning import Draft, PlanningState, natural_overlap
from onair.scheduler.ports import PlaylistStore

__all__ = [
    "CARRIES_ON_MS",
    "air_playlists",
    "aired_playlists",
    "note_aired",
    "playlist_items",
    "unknown_playlists",
]

# A playlist that aired this recently carries on from where it stopped.
CARRIES_ON_MS = 3_600_000


def unknown_playlists(program: StationProgram, store: PlaylistStore) -> None:
    """``InvalidProgram`` naming each playlist category whose playlist the station lacks."""
    wanted = {
        name: c.playlist
        for name, c in program.categories.items()
        if c.type is ItemKind.PLAYLIST and c.playlist is not None
    }
    known = store.items_of(program.id, set(wanted.values()))
    problems = [
        ProgramProblem(
            path=("categories", name, "playlist"),
            message=f"categories.{name}.playlist: station {program.id} has no playlist"
            f" {playlist!r}: create it first ('onair playlist create {playlist}')",
        )
        for name, playlist in wanted.items()
        if playlist not in known
    ]
    if problems:
        raise InvalidProgram(problems)


def aired_playlists(
    program: StationProgram, store: PlaylistStore | None
) -> dict[str, tuple[str, ...]]:
    """The items of each playlist the program airs, by playlist name."""
    names = {c.playlist for c in program.categories.values() if c.playlist is not None}
    return store.items_of(program.id, names) if store is not None and names else {}


def note_aired(planning: PlanningState, item: ScheduledItem) -> None:
    """A stored playlist item replayed: the playlist carries on after it."""
    aired = item.why.get("playlist")
    if isinstance(aired, dict) and isinstance(aired.get("position"), int):
        planning.playlist_at[str(aired.get("name"))] = (
            aired["position"] + 1,
            epoch_ms(item.next_start),
        )


def air_playlists(
    planning: PlanningState, drafts: list[Draft], start_ms: int, post_ms: int, notes: list[str]
) -> None:
    """Each playlist slot of the stretch ``drafts`` (from ``start_ms`` to ``post_ms``)
    replaced by the playlist's items that fit, timed and judged."""
    index = 0
    while index < len(drafts):
        slot = drafts[index]
        category = planning.program.categories[slot.category]
        if category.type is not ItemKind.PLAYLIST or slot.pinned:
            index += 1
            continue
        at = start_ms + sum(d.advance_ms for d in drafts[:index])
        events_after = sum(
            d.advance_ms
            for d in drafts[index + 1 :]
            if not d.is_music
            and planning.program.categories[d.category].type is not ItemKind.PLAYLIST
        )
        until = post_ms - events_after
        # The clock's songs after the slot fill what the playlist leaves.
        songs = {d.category for d in drafts[index + 1 :]
                 if d.is_music and len(planning.rotations[d.category])}  # fmt: skip
        fillable = _fillable(planning, songs)
        aired = _take(planning, slot, category.playlist or "", at, until, fillable, notes)
        drafts[index : index + 1] = aired
        index += len(aired)
        if songs:
            _songs_for(planning, drafts, index, until - at - sum(d.advance_ms for d in aired),
                       slot, notes)  # fmt: skip


def _fillable(planning: PlanningState, songs: set[str]) -> Callable[[int], bool]:
    """Whether the songs of ``songs`` can fill a time: none to fill, a time one of them
    fills (see Reach), or two songs' worth and more (the stretch's search spreads it)."""
    if not songs:
        return lambda left: True
    least = min(planning.spans[c][0] for c in songs)
    return lambda left: (
        left <= 0 or left >= 2 * least or any(planning.reach[c].fills(left, None) for c in songs)
    )


def _songs_for(
    planning: PlanningState, drafts: list[Draft], after: int, left: int, slot: Draft,
    notes: list[str],
) -> None:  # fmt: skip
    """The stretch's songs after the playlist, as few as what it leaves needs: none under a
    song's length, one of a category that fills it when one song's worth is left."""
    songs = [d for d in drafts[after:] if d.is_music and len(planning.rotations[d.category])]
    least = min(planning.spans[d.category][0] for d in songs)
    if left >= 2 * least:
        return  # the count is fitted as for any stretch
    fits = [d for d in songs if planning.reach[d.category].fills(left, None)]
    keep = (
        []
        if left < least
        else [max(fits or songs, key=lambda d: len(planning.rotations[d.category]))]
    )
    gone = [d for d in songs if d not in keep]
    for song in gone:
        drafts.remove(song)
    if gone:
        notes.append(f"slot {slot.slot}: the playlist leaves {left / 1000:.0f} s; {len(gone)}"
                     " song slot(s) after it left out")  # fmt: skip


def _take(
    planning: PlanningState, slot: Draft, name: str, at: int, until: int,
    fillable: Callable[[int], bool], notes: list[str],
) -> list[Draft]:  # fmt: skip
    """The playlist's items from where it carries on, while each ends by ``until`` and
    leaves a time the songs after them can fill."""
    items = planning.playlists.get(name, ())
    first = _carries_on(planning, name, at)
    ends: list[int] = []  # where each item that fits hands over
    end = at
    for _, song in items[first:]:
        end += _advance(song) if song is not None else 0
        if end > until:
            break
        ends.append(end)
    while ends and not fillable(until - ends[-1]):
        ends.pop()  # the songs after could not fill what it leaves: it airs in the next slot
    taken: list[Draft] = []
    for position in range(first, first + len(ends)):
        asset_id, song = items[position]
        draft = _item(planning, slot, name, position, asset_id, song, at, first=not taken)
        taken.append(draft)
        at += draft.advance_ms
    planning.playlist_at[name] = (first + len(ends), at)
    if not items:
        notes.append(f"playlist {name!r} has no items: slot {slot.slot} airs none")
    elif not ends:
        why = "aired to its end" if first == len(items) else "its next item does not fit"
        notes.append(f"playlist {name!r}: slot {slot.slot} airs none ({why})")
    return taken


def _carries_on(planning: PlanningState, name: str, at: int) -> int:
    stopped = planning.playlist_at.get(name)
    if stopped is not None and 0 <= at - stopped[1] <= CARRIES_ON_MS:
        return stopped[0]
    return 0


def _advance(song: Playable) -> int:
    return song.length_ms - (natural_overlap(song) if song.kind is AssetKind.MUSIC else 0)


def _item(
    planning: PlanningState, slot: Draft, name: str, position: int, asset_id: str,
    song: Playable | None, at: int, *, first: bool,
) -> Draft:  # fmt: skip
    """One playlist item as a draft the stretch's search leaves as it is."""
    kind = ASSET_ITEM_KINDS[song.kind] if song is not None else ItemKind.MUSIC
    draft = Draft(kind, slot.category, slot.slot, hard=first and slot.hard,
                  nominal_ms=slot.nominal_ms if first else None, pinned=True)  # fmt: skip
    draft.why = {"playlist": {"name": name, "position": position}}
    if song is None:
        draft.unscheduled = (
            f"playlist {name!r} item {position}: asset {asset_id} is not in the library"
        )
        return draft
    moment = planning.moment(at)
    broken: list[str] = []
    for check in planning.checks[slot.category]:
        if kind is not ItemKind.MUSIC and check.name != "usage_rights":
            continue
        reason = check.verdict(song, moment, planning.history)
        if reason is None:
            continue
        if not check.breakable:
            draft.unscheduled = f"playlist {name!r} item {position} ({song.title}): {reason}"
            draft.why["rule"] = check.name
            return draft
        broken.append(check.name)
        draft.why.setdefault("broken", {})[check.name] = reason
    draft.song, draft.start_ms, draft.length_ms = song, at, song.length_ms
    if kind is ItemKind.MUSIC:
        draft.overlap_ms = natural_overlap(song)
        planning.history.push(Play(song, at, moment.local_day, moment.quarter, slot.category))
    draft.relaxed = tuple(broken)
    return draft


def playlist_items(
    assets: Mapping[str, Playable], playlists: Mapping[str, Sequence[str]]
) -> dict[str, tuple[tuple[str, Playable | None], ...]]:
    """Each playlist's items with their assets (None: no longer in the library)."""
    return {
        name: tuple((a, assets.get(a)) for a in asset_ids) for name, asset_ids in playlists.items()
    }
