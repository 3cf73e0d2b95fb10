"""The DMCA performance complement of what actually aired (17 U.S.C. 114(j)(13)).

What aired is replayed, in air order, through the same complement playout keeps
at air time (``onair.domain.complement``): in any window (3 hours unless the
station's ``dmca_complement`` rule says otherwise) no more than 3 tracks from
one album, 2 of them in a row, and no more than 4 by one featured artist, 3 of
them in a row. Each play that broke a limit is a row, once per limit it broke.
Only music counts; the plays of the window before the period count against its
first songs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from onair.compliance.records import AiredPlay
from onair.compliance.reports.period import Period, utc_clock
from onair.compliance.reports.report import Report
from onair.domain.albums import album_key
from onair.domain.complement import Breach, Complement
from onair.domain.ledger import EntryKind, LedgerEntry
from onair.domain.library import artist_key
from onair.domain.rules import DmcaComplement

__all__ = ["DMCA_COLUMNS", "dmca_report", "dmca_span"]

DMCA_COLUMNS = [
    "actual_local", "actual_utc", "seq", "play_id", "artist", "title", "album", "limit",
    "count", "allowed", "breach",
]  # fmt: skip


@dataclass(frozen=True)
class _Track:
    """An aired play as the complement reads it, keyed as the scheduler keys the library."""

    kind: str
    artist: str | None
    artists: tuple[str, ...]
    artist_keys: tuple[str, ...]
    album: str | None
    album_key: str | None


def dmca_span(period: Period, rule: DmcaComplement | None = None) -> tuple[datetime, datetime]:
    """The ``at`` span of the aired entries the check needs: a window before the period too."""
    return period.start - timedelta(hours=(rule or DmcaComplement()).window_hours), period.end


def dmca_report(
    entries: Iterable[LedgerEntry], period: Period, *, station: str,
    rule: DmcaComplement | None = None, warnings: Sequence[str] = (),
) -> Report:  # fmt: skip
    """Every breach of the complement by music that aired in ``period``, naming the play.

    ``entries`` should cover :func:`dmca_span`. ``rule`` is the station's
    ``dmca_complement`` rule (the statute's limits when None).
    """
    complement = Complement(rule)
    since = period.start - complement.window
    aired = sorted(
        ((AiredPlay.from_entry(e), e) for e in entries
         if e.kind is EntryKind.AIRED and e.body.get("kind") == "music"),
        key=lambda pair: (pair[0].actual_start, pair[0].seq),
    )  # fmt: skip
    rows: list[dict[str, Any]] = []
    music = 0
    for play, entry in aired:
        if not since <= play.actual_start < period.end:
            continue
        track = _track(play, entry.body.get("album_artist"))
        if play.actual_start in period:
            music += 1
            rows += [_row(period, play, b) for b in complement.breaches(track, play.actual_start)]
        complement.record(track, play.actual_start)
    totals = {
        "music_plays": music,
        "breaches": len(rows),
        "plays_in_breach": len({r["seq"] for r in rows}),
        "by_limit": dict(sorted(Counter(r["limit"] for r in rows).items())),
        "window_hours": complement.rule.window_hours,
    }
    nothing = "no breach of the complement by the music that aired" if music else "no music aired"
    return Report.of("dmca_complement", station, period, DMCA_COLUMNS, rows, totals=totals,
                     warnings=warnings, nothing=nothing)  # fmt: skip


def _track(play: AiredPlay, album_artist: str | None) -> _Track:
    """The play's album and artist keys; an album is its title with its album artist's key.

    The ledger keeps the display artist and every credited artist. Without an
    album artist the play may be of any album of its title, as the scheduler
    and playout read it (``onair.domain.albums``).
    """
    credited: dict[str, str] = {}  # key -> the first name credited with it
    for name in play.artists or ((play.artist,) if play.artist else ()):
        if name.strip():
            credited.setdefault(artist_key(name), name)
    album = album_key(play.album, album_artist) if play.album else None
    return _Track("music", play.artist, tuple(credited.values()), tuple(credited), play.album,
                  album)  # fmt: skip


def _row(period: Period, play: AiredPlay, breach: Breach) -> dict[str, Any]:
    return {
        "actual_local": period.local(play.actual_start),
        "actual_utc": utc_clock(play.actual_start),
        "seq": play.seq,
        "play_id": play.play_id,
        "artist": play.artist,
        "title": play.title,
        "album": play.album,
        "limit": breach.limit,
        "count": breach.count,
        "allowed": breach.allowed,
        "breach": _said(breach),
    }


def _said(breach: Breach) -> str:
    """``5th by Nina within 3 h (at most 4)``, ``3rd from Pastel Blues in a row (at most 2)``."""
    where = "in a row" if breach.in_row else f"within {breach.window_hours:g} h"
    said = f"{_ordinal(breach.count)} {breach.subject} {where} (at most {breach.allowed})"
    return f"{said}; {breach.note}" if breach.doubt else said


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
