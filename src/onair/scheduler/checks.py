"""Each rule as a check of one song at one moment against what aired before it.

A check answers None (the song may air here) or one line saying why not. The
builder asks them of every candidate; ``schedule verify`` asks them again of
every stored item with a history rebuilt from scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time, timedelta

from onair.domain import rules as r
from onair.domain.albums import counted_with, doubt, one_album
from onair.domain.library import artist_key
from onair.domain.programming import Category, StationProgram
from onair.domain.schedule import Playable
from onair.scheduler.air_history import AirHistory, Play
from onair.scheduler.kept_hours import kept_hours_verdict
from onair.scheduler.verdicts import MINUTE_MS, Check, Moment, Verdict, minutes_between

__all__ = [
    "Check",
    "Moment",
    "album_doubts",
    "checks_for",
    "daypart_limited",
    "turnover_allows",
]

_MINUTE_MS = MINUTE_MS
_HOUR_MS = 60 * MINUTE_MS


def _between(moment: time, start: time, end: time) -> bool:
    """Whether ``moment`` falls in ``[start, end)``, a window that may wrap midnight."""
    return start <= moment < end if start < end else moment >= start or moment < end


def _ago(now_ms: int, then_ms: int) -> str:
    return f"{minutes_between(then_ms, now_ms)} ago"


def _separation_ms(rule: r.ArtistSeparation | r.TitleSeparation | r.AlbumSeparation) -> int:
    """The rule's separation in ms."""
    if isinstance(rule, r.TitleSeparation):
        return round(rule.hours * _HOUR_MS)
    return round(rule.minutes * _MINUTE_MS)


def _usage_rights(program: StationProgram) -> Verdict:
    use, territory = program.use, program.territory

    def verdict(song: Playable, at: Moment, _: AirHistory) -> str | None:
        day = at.local_day
        for deal in song.rights:  # a loop, not any(): asked of every song judged
            if deal.allows(use, territory, day):
                return None
        return f"no rights to {use} in {territory} on {day}"

    return verdict


def _safe_harbor(rule: r.SafeHarbor) -> Verdict:
    window = f"{rule.start:%H:%M}-{rule.end:%H:%M}"

    def verdict(song: Playable, at: Moment, _: AirHistory) -> str | None:
        if song.explicit and not _between(at.local_time, rule.start, rule.end):
            return f"explicit outside the safe harbor {window}"
        return None

    return verdict


def daypart_limited(limit: r.DaypartLimit, song: Playable) -> bool:
    """Whether the limit names the song, by ISRC or any credited artist (as artist keys)."""
    if song.isrc in limit.isrcs:
        return True
    return any(artist_key(name) in song.artist_keys for name in limit.artists)


def _daypart_limits(rule: r.DaypartLimits) -> Verdict:
    def verdict(song: Playable, at: Moment, _: AirHistory) -> str | None:
        for limit in rule.limits:
            if daypart_limited(limit, song) and not _between(at.local_time, limit.start, limit.end):
                return f"limited to {limit.start:%H:%M}-{limit.end:%H:%M}"
        return None

    return verdict


def _dmca(rule: r.DmcaComplement, *, noted: bool = True) -> Verdict:
    """The DMCA complement; ``noted``, its reason names a track counted with the album
    only because the tags are unsure (finding it reads the window's plays again)."""
    window_ms = round(rule.window_hours * _HOUR_MS)

    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        since, until = at.at_ms - window_ms, at.at_ms + window_ms
        album, ahead = song.album_key, history.ahead
        # Plays kept later count too (a conservative reading of "any 3-hour window").
        if album and (
            history.album_plays_since(album, since)
            + (ahead.album_plays_within(album, at.at_ms, until) if ahead else 0)
            >= rule.album_max
        ):
            last = history.last_unsure_album_play(song, since, at.at_ms) if noted else None
            unsure = _note([last] if last else [])
            return (
                f"{rule.album_max} from this album within {rule.window_hours:g} h already{unsure}"
            )
        for artist in song.artist_keys:
            near = history.artist_plays_since(artist, since)
            later = ahead.artist_plays_within(artist, at.at_ms, until) if ahead else 0
            if near + later >= rule.artist_max:
                return f"{rule.artist_max} by {artist} within {rule.window_hours:g} h already"
        recent = history.recent(rule.album_in_row)
        if (
            album
            and len(recent) == rule.album_in_row
            and all(one_album(p.song.album_key, album) for p in recent)
        ):
            unsure = _note([(p, why) for p in recent if (why := _doubt(song, p.song))])
            return f"would be {rule.album_in_row + 1} from one album in a row{unsure}"
        recent = history.recent(rule.artist_in_row)
        if len(recent) == rule.artist_in_row:
            shared = set(song.artist_keys).intersection(*(p.song.artist_keys for p in recent))
            if shared:
                return f"would be {rule.artist_in_row + 1} by {min(shared)} in a row"
        return None

    return verdict


def _doubt(song: Playable, other: Playable) -> str | None:
    return doubt(song.album_key, other.album_key, song.artist_keys, other.artist_keys)


def _note(plays: Sequence[tuple[Play, str]]) -> str:
    """The note on a count that holds tracks taken as one album because the tags are unsure."""
    if not plays:
        return ""
    play, why = plays[-1]
    return f" ({counted_with(play.song.title, why)})"


def album_doubts(
    program: StationProgram, category: str, song: Playable, at_ms: int, history: AirHistory
) -> list[str]:
    """What ``schedule explain`` says of the songs in the DMCA window before ``song`` that
    count as one album with it only because an album artist is missing."""
    rule = program.rules.for_category("dmca_complement", program.categories[category])
    if not isinstance(rule, r.DmcaComplement) or not rule.enabled or not song.album_key:
        return []
    since = at_ms - round(rule.window_hours * _HOUR_MS)
    unsure = history.unsure_album_plays(song, since, at_ms)
    return [counted_with(play.song.title, why) for play, why in unsure]


def _separation(rule: r.ArtistSeparation | r.TitleSeparation | r.AlbumSeparation) -> Verdict:
    if isinstance(rule, r.TitleSeparation):
        gap_ms, what, last = _separation_ms(rule), "title", AirHistory.title_last_ms
    elif isinstance(rule, r.ArtistSeparation):
        gap_ms, what, last = _separation_ms(rule), "artist", AirHistory.artist_last_ms
    else:
        gap_ms, what, last = _separation_ms(rule), "album", AirHistory.album_last_ms

    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        then = last(history, song)
        if then is not None and at.at_ms - then < gap_ms:
            return f"{what} played {_ago(at.at_ms, then)}"
        return None

    return verdict


def _rest(rule: r.Rest) -> Verdict:
    rest_ms = round(rule.hours * _HOUR_MS)

    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        then = history.last_play_ms(song.id)
        if then is not None and at.at_ms - then < rest_ms:
            return f"resting: played {_ago(at.at_ms, then)}"
        return None

    return verdict


def _max_plays(rule: r.MaxPlaysPerDay) -> Verdict:
    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        if history.plays_on(song.id, at.local_day) >= rule.plays:
            return f"already {rule.plays} plays on {at.local_day}"
        return None

    return verdict


def _horizontal(_: r.HorizontalRotation) -> Verdict:
    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        yesterday = at.local_day - timedelta(days=1)
        if history.played_in_quarter(song.id, yesterday, at.quarter):
            return "played in this quarter-hour yesterday"
        return None

    return verdict


def _in_row(max_in_row: int, band: Callable[[Playable], str | None], what: str) -> Verdict:
    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        mine = band(song)
        recent = history.recent(max_in_row)
        if mine is None or len(recent) < max_in_row:
            return None
        if all(band(p.song) == mine for p in recent):
            return f"would be {max_in_row + 1} {mine} {what} in a row"
        return None

    return verdict


def _jump(
    limit: float, value: Callable[[Playable], float | None], what: str, decimals: int
) -> Verdict:
    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        recent = history.recent(1)
        mine = value(song)
        theirs = value(recent[0].song) if recent else None
        if mine is None or theirs is None or abs(mine - theirs) <= limit:
            return None
        return f"{what} jumps {abs(mine - theirs):.{decimals}f} from the song before"

    return verdict


def tempo_band(rule: r.TempoFlow) -> Callable[[Playable], str | None]:
    def band(song: Playable) -> str | None:
        if song.bpm is None:
            return None
        if song.bpm < rule.slow_below_bpm:
            return "slow"
        return "fast" if song.bpm >= rule.fast_from_bpm else "medium"

    return band


def energy_band(rule: r.EnergyFlow) -> Callable[[Playable], str | None]:
    def band(song: Playable) -> str | None:
        if song.energy is None:
            return None
        if song.energy < rule.low_below:
            return "low"
        return "high" if song.energy >= rule.high_from else "mid"

    return band


def _gender(song: Playable) -> str | None:
    return song.gender.value if song.gender else None


def _patterns(
    rule: r.DisallowedPatterns, category: str, terms: dict[str, Callable[[Playable], str | None]]
) -> Verdict:
    def matches(term: str, song: Playable, song_category: str) -> bool:
        attribute, _, wanted = term.partition(":")
        if attribute == "category":
            return song_category == wanted
        return terms[attribute](song) == wanted

    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        for pattern in rule.patterns:
            *before, last = pattern
            recent: Sequence[Play] = history.recent(len(before))
            if len(recent) < len(before) or not matches(last, song, category):
                continue
            if all(matches(t, p.song, p.category) for t, p in zip(before, recent, strict=True)):
                return f"completes the pattern {', '.join(pattern)}"
        return None

    return verdict


def turnover_allows(ratio: float, fewest: int) -> int:
    """Most spins a song may have while the least played of its category has ``fewest``.

    Within ``ratio`` of the least played once the category has turned over a few
    times; until then two spins ahead of it (a strict ratio over counts of 1 or 2
    would forbid any song a second spin while one song waits for its first).
    """
    return max(fewest + 2, int(ratio * fewest))


def _turnover(rule: r.TurnoverBalance, category: str, members: Sequence[str]) -> Verdict:
    known: list[int] = [-1, 0]  # the history version the least count was taken at, and it

    def least(history: AirHistory) -> int:
        if known[0] != history.version:
            # Until every song has spun, the least played has none: skip the count.
            everyone = history.distinct_spun(category) >= len(members)
            spins = (history.spins(category, m) for m in members)
            known[:] = [history.version, min(spins, default=0) if everyone else 0]
        return known[1]

    def verdict(song: Playable, at: Moment, history: AirHistory) -> str | None:
        mine = history.spins(category, song.id)
        if mine == 0:
            return None
        fewest = least(history)
        if mine + 1 > turnover_allows(rule.ratio, fewest):
            return f"{mine} spins in {rule.days} days against {fewest} for the least played"
        return None

    return verdict


def checks_for(
    program: StationProgram,
    category_name: str,
    members: Sequence[str],
    *,
    looks_ahead: bool = False,
) -> list[Check]:
    """The song checks of ``category_name`` in priority order, with its own parameters.

    ``members`` are the category's songs turnover balance compares (those no
    daypart, explicit or rights limit keeps off the air). With ``looks_ahead``
    the rules also check the songs of kept hours after the position.
    """
    category: Category = program.categories[category_name]
    book = program.rules
    tempo = tempo_band(book.for_category("tempo_flow", category))  # type: ignore[arg-type]
    energy = energy_band(book.for_category("energy_flow", category))  # type: ignore[arg-type]
    terms = {"gender": _gender, "tempo": tempo, "energy": energy}
    checks: list[Check] = []
    for base in book.rules:
        rule = book.for_category(base.name, category)
        verdict = _verdict(program, rule, category_name, members, terms)
        if rule.enabled and verdict is not None:
            # Against a kept hour's songs the rule binds whatever its own setting: the
            # breach would sit in the kept hour, where no relaxation could record it.
            ahead = kept_hours_verdict(rule) if looks_ahead else None
            if ahead is not None:
                checks.append(Check(rule.name, False, ahead))
            brief = _dmca(rule, noted=False) if isinstance(rule, r.DmcaComplement) else None
            checks.append(Check(rule.name, rule.breakable, verdict, brief))
    return checks


def _verdict(
    program: StationProgram,
    rule: r.Rule,
    category: str,
    members: Sequence[str],
    terms: dict[str, Callable[[Playable], str | None]],
) -> Verdict | None:
    match rule:
        case r.UsageRightsRule():
            return _usage_rights(program)
        case r.SafeHarbor():
            return _safe_harbor(rule)
        case r.DaypartLimits():
            return _daypart_limits(rule)
        case r.DmcaComplement():
            return _dmca(rule)
        case r.ArtistSeparation() | r.TitleSeparation() | r.AlbumSeparation():
            return _separation(rule)
        case r.Rest():
            return _rest(rule)
        case r.MaxPlaysPerDay():
            return _max_plays(rule)
        case r.HorizontalRotation():
            return _horizontal(rule)
        case r.TurnoverBalance():
            return _turnover(rule, category, members)
        case r.GenderFlow():
            return _in_row(rule.max_in_row, _gender, "vocals")
        case r.TempoFlow():
            return _in_row(rule.max_in_row, terms["tempo"], "tempo")
        case r.EnergyFlow():
            return _in_row(rule.max_in_row, terms["energy"], "energy")
        case r.TempoJump():
            return _jump(rule.max_bpm, lambda s: s.bpm, "tempo", 0)
        case r.EnergyJump():
            return _jump(rule.max_step, lambda s: s.energy, "energy", 2)
        case r.DisallowedPatterns():
            return _patterns(rule, category, terms)
    return None  # legal ID and hard timing are checked on the hour, not on a song
