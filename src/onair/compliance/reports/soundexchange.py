"""SoundExchange's report of use for a month, census reporting (37 CFR 370.4).

A statutory webcaster reports every sound recording it performed: the service
(with its call letters), the transmission category, the featured artist, the
title, the ISRC or else the album title and marketing label, and the actual
total performances. A performance is one listener receiving any part of one
transmission of a recording, so a play's performances are its listeners.

onair's ``listeners`` for a play is the most listeners connected at once
during it (the built-in stream's plus Icecast's, polled every 5 s). Every one of
them received part of the play, but a listener who left before that moment or
joined after it is not counted, so as a count of listener sessions it is a
lower bound, not the exact figure; connections that are not listeners (a relay,
a monitoring probe) count as listeners. A play without a count is counted as 0
and the report warns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from onair.compliance.records import AiredPlay
from onair.compliance.reports.period import Period
from onair.compliance.reports.report import Report, aired_plays, listeners_warning
from onair.domain.ledger import LedgerEntry

__all__ = ["SOUNDEXCHANGE_COLUMNS", "soundexchange_report"]

SOUNDEXCHANGE_COLUMNS = [
    "NAME_OF_SERVICE", "TRANSMISSION_CATEGORY", "FEATURED_ARTIST", "SOUND_RECORDING_TITLE",
    "ISRC", "ALBUM_TITLE", "MARKETING_LABEL", "ACTUAL_TOTAL_PERFORMANCES", "PLAY_FREQUENCY",
]  # fmt: skip


def soundexchange_report(
    entries: Iterable[LedgerEntry], period: Period, *, station: str, service_name: str,
    transmission_category: str = "A", per_play: bool = False, warnings: Sequence[str] = (),
) -> Report:  # fmt: skip
    """The report of use of the music that aired in ``period`` (a month from ``month_period``).

    Aggregated (the default): one row per recording, its plays summed into
    ``PLAY_FREQUENCY`` and its listeners into ``ACTUAL_TOTAL_PERFORMANCES``,
    ordered by artist and title. ``per_play``: one row per play in air order,
    each with its own performances and a frequency of 1. A recording is one
    ISRC, or without one the same artist, title, album and label.
    ``service_name`` names the service with its call letters ("KXYZ-FM Radio
    Springfield"); ``transmission_category`` is SoundExchange's code ("A": an
    eligible nonsubscription webcast that is not a broadcast simulcast; "B": a
    simulcast of a broadcast station's music programming).
    """
    plays = [p for p in aired_plays(entries, period) if p.kind == "music"]
    service = (service_name, transmission_category)
    if per_play:
        rows = [_row(service, [play]) for play in plays]
    else:
        groups: dict[tuple[str, ...], list[AiredPlay]] = {}
        for play in plays:
            groups.setdefault(_recording(play), []).append(play)
        rows = sorted((_row(service, group) for group in groups.values()), key=_by_artist)
    totals = {
        "plays": len(plays),
        "recordings": len({_recording(p) for p in plays}),
        "actual_total_performances": sum(r["ACTUAL_TOTAL_PERFORMANCES"] for r in rows),
        "plays_without_listeners": sum(p.listeners is None for p in plays),
    }
    found = [*listeners_warning(plays, period), *_unidentified(plays, period)]
    return Report.of("soundexchange", station, period, SOUNDEXCHANGE_COLUMNS, rows,
                     totals=totals, warnings=[*warnings, *found],
                     nothing="no music aired", exact_cells=True)  # fmt: skip


def _recording(play: AiredPlay) -> tuple[str, ...]:
    if play.isrc:
        return ("isrc", _isrc(play.isrc))
    fields = (play.artist, play.title, play.album, play.label)
    return ("tags", *(" ".join((f or "").casefold().split()) for f in fields))


def _isrc(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def _row(service: tuple[str, str], plays: list[AiredPlay]) -> dict[str, Any]:
    first = plays[0]
    return {
        "NAME_OF_SERVICE": service[0],
        "TRANSMISSION_CATEGORY": service[1],
        "FEATURED_ARTIST": first.artist,
        "SOUND_RECORDING_TITLE": first.title,
        "ISRC": _isrc(first.isrc) if first.isrc else None,
        "ALBUM_TITLE": first.album,
        "MARKETING_LABEL": first.label,
        "ACTUAL_TOTAL_PERFORMANCES": sum(p.listeners or 0 for p in plays),
        "PLAY_FREQUENCY": len(plays),
    }


def _by_artist(row: dict[str, Any]) -> tuple[str, str]:
    return ((row["FEATURED_ARTIST"] or "").casefold(), row["SOUND_RECORDING_TITLE"].casefold())


def _unidentified(plays: list[AiredPlay], period: Period) -> list[str]:
    """Warnings for plays SoundExchange cannot match: no artist, or no ISRC nor album and label."""
    found: list[str] = []
    no_artist = [p for p in plays if not p.artist]
    if no_artist:
        found.append(f"{len(no_artist)} plays have no featured artist (the first: "
                     f"{_which(no_artist[0], period)})")  # fmt: skip
    unmatched = [p for p in plays if not p.isrc and not (p.album and p.label)]
    if unmatched:
        found.append(f"{len(unmatched)} plays have neither an ISRC nor an album title with a "
                     "marketing label, which a report of use needs (37 CFR 370.4) (the first: "
                     f"{_which(unmatched[0], period)})")  # fmt: skip
    return found


def _which(play: AiredPlay, period: Period) -> str:
    return (f"{play.artist or 'unknown artist'} - {play.title} at "
            f"{period.local_short(play.actual_start)}, ledger entry {play.seq}")  # fmt: skip
