"""The rotation looking ahead at the playlists the build's hours air.

A playlist's songs stay in their categories' rotation. Without looking ahead,
the hour before a request hour could air the song, the artist or the album the
request hour opens with: the playlist's item would then break separation, or
the DMCA's performance complement (17 U.S.C. 114(j)(13)), which leaves it out.
So a song chosen before a run of hours that air a playlist is checked against
the playlist's items at about the time they will air: from the run's first
playlist slot (its clock's events before it counted), one after the other.

The times are estimates: the items laid end to end from the run's first slot,
so each is estimated no later than it airs (the clock's songs and breaks
between them only move them later). An item already placed is therefore never
counted again as ahead of a song after it, and one still to come is counted a
little early, which separation windows of an hour and more absorb.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from onair.domain import rules as r
from onair.domain.library import AssetKind
from onair.domain.programming import Category, ItemKind, StationProgram
from onair.domain.schedule import Playable, epoch_ms
from onair.scheduler.air_ahead import AirAhead
from onair.scheduler.air_history import AirHistory
from onair.scheduler.local_hours import LocalHour
from onair.scheduler.planning import natural_overlap
from onair.scheduler.verdicts import MINUTE_MS, Check, Moment, Verdict, again_too_soon

__all__ = ["playlist_ahead_checks"]

_HOUR_MS = 60 * MINUTE_MS

Items = Mapping[str, Sequence[tuple[str, Playable | None]]]


@dataclass(frozen=True)
class _Runs:
    """The playlists' items at their estimated instants."""

    plays: AirAhead


def playlist_ahead_checks(
    program: StationProgram, items: Items, hours: Sequence[LocalHour]
) -> Callable[[str], list[Check]]:
    """The checks a music category adds to look ahead at the playlists of ``hours``."""
    runs = _runs(program, items, hours)
    if runs is None:
        return lambda category: []
    return lambda category: _checks(program, program.categories[category], runs)


def _runs(program: StationProgram, items: Items, hours: Sequence[LocalHour]) -> _Runs | None:
    plays = AirAhead()
    aired: dict[str, tuple[int, int]] = {}  # playlist -> (next position, run's end)
    for hour in hours:
        clock = program.clocks[program.clock_for(hour.day, hour.hour)]
        start_ms, elapsed = epoch_ms(hour.start), 0.0
        for slot in clock.slots:
            category = program.categories[slot.category]
            elapsed = slot.at_s if slot.at_s is not None and slot.hard else elapsed
            if category.type is not ItemKind.PLAYLIST or category.playlist is None:
                elapsed += _estimate(program, category)
                continue
            name = category.playlist
            at = start_ms + round(elapsed * 1000)
            position, end = aired.get(name, (0, 0))
            if at > end + _HOUR_MS:
                position = 0  # a new run: the playlist starts again
            if position >= len(items.get(name, ())):
                continue
            at = max(at, end)
            for _, song in items[name][position:]:
                if song is None:
                    continue
                moment = Moment.at(at, program.zone)
                if song.kind is AssetKind.MUSIC:
                    plays.add(song, at, moment.local_day, moment.quarter)
                at += song.length_ms - natural_overlap(song)
            aired[name] = (len(items[name]), at)
    return _Runs(plays) if plays else None


def _estimate(program: StationProgram, category: Category) -> float:
    if category.type is ItemKind.MUSIC:
        return program.song_estimate_s
    return category.planned_s or 0.0


def _checks(program: StationProgram, category: Category, runs: _Runs) -> list[Check]:
    checks = []
    for base in program.rules.rules:
        rule = program.rules.for_category(base.name, category)
        verdict = _verdict(rule, runs)
        if rule.enabled and verdict is not None:
            checks.append(Check(rule.name, rule.breakable, verdict))
    return checks


def _verdict(rule: r.Rule, runs: _Runs) -> Verdict | None:
    match rule:
        case r.ArtistSeparation():
            return _soon(runs, round(rule.minutes * MINUTE_MS), "artist", AirAhead.next_artist_ms)
        case r.TitleSeparation():
            return _soon(runs, round(rule.hours * _HOUR_MS), "title", AirAhead.next_title_ms)
        case r.AlbumSeparation():
            return _soon(runs, round(rule.minutes * MINUTE_MS), "album", AirAhead.next_album_ms)
        case r.Rest():
            gap = round(rule.hours * _HOUR_MS)
            return _soon(runs, gap, "song", lambda a, s, t: a.next_play_ms(s.id, t))
        case r.DmcaComplement():
            return _dmca(runs, rule)
    return None


def _soon(
    runs: _Runs, gap_ms: int, what: str, later: Callable[[AirAhead, Playable, int], int | None]
) -> Verdict:
    return again_too_soon(gap_ms, lambda history, song, at_ms: later(runs.plays, song, at_ms),
                          f"{what} airs again {{minutes}} later in a playlist")  # fmt: skip


def _dmca(runs: _Runs, rule: r.DmcaComplement) -> Verdict:
    window_ms = round(rule.window_hours * _HOUR_MS)

    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        since, until = at.at_ms - window_ms, at.at_ms + window_ms
        album = song.album_key
        if album and (
            history.album_plays_since(album, since)
            + runs.plays.album_plays_within(album, at.at_ms, until)
            >= rule.album_max
        ):
            return (
                f"{rule.album_max} from this album within {rule.window_hours:g} h with a playlist"
            )
        for artist in song.artist_keys:
            near = history.artist_plays_since(artist, since)
            if near + runs.plays.artist_plays_within(artist, at.at_ms, until) >= rule.artist_max:
                return (
                    f"{rule.artist_max} by {artist} within {rule.window_hours:g} h with a playlist"
                )
        return None

    return verdict
