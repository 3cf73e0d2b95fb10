"""The rules looking ahead: no song may break a rule with a kept hour's song after it.

Rebuilding Monday must not put a song an hour before a locked Tuesday 06:00
plays it again. Verify would find that breach in the kept hour, where no
relaxation could record it, so these checks never relax.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from onair.domain import rules as r
from onair.domain.schedule import Playable
from onair.scheduler.air_ahead import AirAhead
from onair.scheduler.air_history import AirHistory
from onair.scheduler.verdicts import MINUTE_MS, Moment, Verdict, again_too_soon

__all__ = ["kept_hours_verdict"]


def kept_hours_verdict(rule: r.Rule) -> Verdict | None:
    """The rule's check against the kept hours' songs, for the rules that look ahead."""
    match rule:
        case r.TitleSeparation():
            return _separation(round(rule.hours * 60 * MINUTE_MS), "title", AirAhead.next_title_ms)
        case r.ArtistSeparation():
            return _separation(round(rule.minutes * MINUTE_MS), "artist", AirAhead.next_artist_ms)
        case r.AlbumSeparation():
            return _separation(round(rule.minutes * MINUTE_MS), "album", AirAhead.next_album_ms)
        case r.Rest():
            return _rest(round(rule.hours * 60 * MINUTE_MS))
        case r.MaxPlaysPerDay():
            return _max_plays(rule.plays)
        case r.HorizontalRotation():
            return _horizontal
    return None  # the DMCA window counts kept plays in its own check (it never relaxes)


def _separation(gap_ms: int, what: str, later: _Next) -> Verdict:
    return again_too_soon(gap_ms, lambda history, song, at_ms: later(history.ahead, song, at_ms),
                          f"{what} plays again {{minutes}} later in a kept hour")  # fmt: skip


def _rest(rest_ms: int) -> Verdict:
    return again_too_soon(
        rest_ms, lambda history, song, at_ms: history.ahead.next_play_ms(song.id, at_ms),
        "plays again {minutes} later in a kept hour",
    )  # fmt: skip


def _max_plays(plays: int) -> Verdict:
    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        played = history.plays_on(song.id, at.local_day)
        if played < plays <= played + history.ahead.plays_after(song.id, at.local_day, at.at_ms):
            return f"{plays} plays on {at.local_day} with those in kept hours"
        return None

    return verdict


def _horizontal(song: Playable, at: Moment, history: AirHistory) -> str | None:
    tomorrow = at.local_day + timedelta(days=1)
    if history.ahead.plays_in_quarter(song.id, tomorrow, at.quarter):
        return "plays in this quarter-hour tomorrow, in a kept hour"
    return None


_Next = Callable[[AirAhead, Playable, int], "int | None"]
