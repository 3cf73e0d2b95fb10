"""Which items of an hour the agents voice, and the facts each one may state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from onair.agents.facts import Facts, ShowFacts, TrackFacts
from onair.domain.placeholder_tags import artist_is_unknown, title_is_file_name
from onair.domain.programming import ItemKind, Show, StationProgram
from onair.domain.schedule import Playable, ScheduledItem
from onair.domain.segments import DEFAULT_AGENT, SegmentKind

__all__ = ["Sources", "VoiceSlot", "facts_for", "fuller_facts", "voice_slots"]


@dataclass(frozen=True)
class VoiceSlot:
    """A planned item an agent fills, with the songs around it."""

    item: ScheduledItem
    kind: SegmentKind
    language: str
    previous: Playable | None  # the song that aired before it: may be back-announced
    following: Playable | None  # the song right after it: talked up, never named
    upcoming: tuple[Playable, ...]  # every later song of the hour: never named


@dataclass(frozen=True)
class Sources:
    """What the hour's dynamic content says, read once per hour."""

    weather: str | None = None
    headlines: tuple[str, ...] = ()
    feed_name: str | None = None
    problems: tuple[str, ...] = field(default=())  # feeds that could not be read


def agent_for(program: StationProgram, item: ScheduledItem) -> SegmentKind | None:
    """The agent that voices ``item``, or None when the library fills it or nobody does."""
    if item.asset_id is not None:
        return None
    category = program.categories.get(item.category)
    if category is not None and category.agent is not None:
        return category.agent
    return DEFAULT_AGENT.get(item.kind)


def voice_slots(
    program: StationProgram, items: Sequence[ScheduledItem], songs: Mapping[str, Playable]
) -> list[VoiceSlot]:
    """The hour's planned items the agents fill, in air order, each with its language."""
    slots: list[VoiceSlot] = []
    music = [
        (index, songs[i.asset_id])
        for index, i in enumerate(items)
        if i.kind is ItemKind.MUSIC and i.asset_id is not None and i.asset_id in songs
    ]
    hour_index = items[0].hour.astimezone(program.zone).hour if items else 0
    for index, item in enumerate(items):
        kind = agent_for(program, item)
        if kind is None:
            continue
        before = [song for at, song in music if at < index]
        after = [song for at, song in music if at > index]
        nxt = items[index + 1] if index + 1 < len(items) else None
        following = songs.get(nxt.asset_id) if nxt and nxt.asset_id else None
        language = program.voice.language_for(hour_index, len(slots))
        slots.append(
            VoiceSlot(
                item=item,
                kind=kind,
                language=language,
                previous=before[-1] if before else None,
                following=following if nxt and nxt.kind is ItemKind.MUSIC else None,
                upcoming=tuple(after),
            )
        )
    return slots


def facts_for(program: StationProgram, slot: VoiceSlot, sources: Sources) -> Facts:
    """The facts ``slot``'s script may state (and the songs it must not name)."""
    local = slot.item.start.astimezone(program.zone)
    previous = _track(slot.previous) if slot.previous else None
    around = [s for s in (slot.previous, slot.following, *slot.upcoming) if s is not None]
    return Facts(
        station_name=program.name,
        call_letters=program.call_letters,
        community=program.community,
        persona=program.voice.persona,
        language=slot.language,
        local_time=local,
        # A song without a title to say is not back-announced: the link talks up instead.
        previous=previous if previous and previous.title else None,
        upcoming=tuple(_track(song) for song in slot.upcoming),
        unspoken=tuple(dict.fromkeys(name for song in around for name in _unspoken(song))),
        show=_next_show(program, local) if slot.kind is SegmentKind.SHOW_PROMO else None,
        weather=sources.weather if slot.kind is SegmentKind.TIME_WEATHER else None,
        headlines=sources.headlines if slot.kind is SegmentKind.FEED else (),
        feed_name=sources.feed_name if slot.kind is SegmentKind.FEED else None,
    )


def fuller_facts(program: StationProgram, slot: VoiceSlot, sources: Sources) -> Facts:
    """``facts_for`` and what a slot left far from full may add: the weather, the next show."""
    facts = facts_for(program, slot, sources)
    return replace(
        facts,
        weather=facts.weather or sources.weather,
        show=facts.show or _next_show(program, facts.local_time),
    )


def _track(song: Playable) -> TrackFacts:
    """What may be said of ``song``: neither a file-name title nor an unknown artist."""
    return TrackFacts(
        title=None if _title_unspoken(song) else song.title,
        artist=None if artist_is_unknown(song.artist) else song.artist,
        artists=tuple(a for a in song.artists if not artist_is_unknown(a)),
        album=song.album,
        year=song.year,
        genre=song.genre,
    )


def _title_unspoken(song: Playable) -> bool:
    return song.title_is_file_name or title_is_file_name(song.title)


def _unspoken(song: Playable) -> list[str]:
    """The file-name title and unknown-artist placeholders of ``song``, as tagged."""
    names = [song.title] if _title_unspoken(song) else []
    names += [a for a in (song.artist, *song.artists) if a and artist_is_unknown(a)]
    return [name for name in names if name.strip()]


def _next_show(program: StationProgram, local: datetime) -> ShowFacts | None:
    """The next show to start after this hour, within a week (a promo looks ahead)."""
    current = program.show_at(local.date(), local.hour)
    for step in range(1, 24 * 7):
        at = local + timedelta(hours=step)
        show = program.show_at(at.date(), at.hour)
        if show is not None and show != current:
            return _show(show, at.hour)
    return None


def _show(show: Show, start_hour: int) -> ShowFacts:
    first = show.times[0] if show.times else None
    return ShowFacts(
        name=show.name,
        hosts=show.hosts,
        weekdays=first.days if first else (),
        start_hour=start_hour,
    )
