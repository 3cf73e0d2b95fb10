"""Small libraries and station programs for scheduler tests.

``song`` builds a Playable the way the catalog does (the credit split into
every artist, keys from the library's key functions); ``station`` is a plain
station-file dict with one clock that a test overrides piece by piece, and
``program`` validates it with ``program_from``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from onair.domain.albums import album_key
from onair.domain.library import AssetKind, artist_key, title_key
from onair.domain.program_check import program_from
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.rights import UsageRights
from onair.domain.rules import RULE_TYPES
from onair.domain.schedule import HourPlan, Playable, ScheduledItem
from onair.domain.tags import VocalGender
from onair.ingest.credits import split_credit
from onair.scheduler.build import build_schedule
from onair.scheduler.verify import Violation, verify_schedule

ALL_RULES = tuple(t.name for t in RULE_TYPES)


def song(
    id: str,
    *,
    artist: str | None = None,
    title: str | None = None,
    album: str | None = None,
    album_artist: str | None = None,
    length_s: float = 200.0,
    intro_s: float = 0.0,
    segue_s: float | None = None,
    bpm: float | None = None,
    energy: float | None = None,
    gender: VocalGender | None = None,
    explicit: bool = False,
    rights: Sequence[UsageRights] = (UsageRights(),),
    category: str | None = None,
    isrc: str | None = None,
    year: int | None = None,
) -> Playable:
    """A music asset; by default its own artist and title, ending cold (segue at the end)."""
    artist = artist if artist is not None else f"Artist {id}"
    title = title if title is not None else f"Title {id}"
    artists = tuple(split_credit(artist))
    length_ms = round(length_s * 1000)
    return Playable(
        id=id,
        kind=AssetKind.MUSIC,
        title=title,
        artist=artist,
        artists=artists,
        artist_keys=tuple(artist_key(a) for a in artists),
        title_key=title_key(title),
        album=album,
        album_key=album_key(album, album_artist) if album else None,
        isrc=isrc,
        length_ms=length_ms,
        intro_ms=round(intro_s * 1000),
        segue_ms=round(segue_s * 1000) if segue_s is not None else length_ms,
        category=category,
        year=year,
        explicit=explicit,
        gender=gender,
        bpm=bpm,
        energy=energy,
        rights=tuple(rights),
    )


def imaging(
    id: str,
    kind: AssetKind = AssetKind.STATION_ID,
    *,
    length_s: float = 5.0,
    category: str | None = None,
) -> Playable:
    """A station ID, jingle, sweeper or liner: no artist, played to its end."""
    length_ms = round(length_s * 1000)
    return Playable(
        id=id,
        kind=kind,
        title=f"{kind} {id}",
        artist=None,
        artists=(),
        artist_keys=(),
        title_key=title_key(f"{kind} {id}"),
        album=None,
        album_key=None,
        isrc=None,
        length_ms=length_ms,
        intro_ms=0,
        segue_ms=length_ms,
        category=category,
    )


def songs(count: int, *, prefix: str = "s", **facts: Any) -> list[Playable]:
    """``count`` songs by as many artists, ``s01``, ``s02``..."""
    return [song(f"{prefix}{n:02d}", **facts) for n in range(1, count + 1)]


def only(*enabled: str, **params: dict[str, Any]) -> list[dict[str, Any]]:
    """A rules list keeping ``enabled`` (and any rule given parameters) and switching off the rest.

    ``params`` sets a rule's parameters, e.g. ``rest={"hours": 1}``.
    """
    keep = set(enabled) | set(params)
    return [{"rule": name, "enabled": name in keep, **params.get(name, {})} for name in ALL_RULES]


def station(
    *,
    categories: dict[str, Any] | None = None,
    slots: list[dict[str, Any]] | None = None,
    rules: list[dict[str, Any]] | None = None,
    timezone: str = "America/Chicago",
    **settings: Any,
) -> dict[str, Any]:
    """A station file with one clock for every hour: a legal ID on the top, then songs.

    With the default clock the builder adds songs until the hour is full.
    """
    return {
        "id": "ktest",
        "name": "Test FM",
        "timezone": timezone,
        "call_letters": "KTST",
        "community": "Springfield, Illinois",
        "categories": categories
        if categories is not None
        else {"music": {"type": "music"}, "legal_id": {"type": "id"}, "fill": {"type": "fill"}},
        "clocks": {
            "hour": {
                "slots": slots
                if slots is not None
                else [{"category": "legal_id", "at": "00:00", "hard": True}, {"category": "music"}]
            }
        },
        "grid": {"all": {"00-24": "hour"}},
        "rules": rules if rules is not None else [],
        **settings,
    }


def program(**overrides: Any) -> StationProgram:
    return program_from(station(**overrides))


def station_ids(count: int = 2, length_s: float = 5.0) -> list[Playable]:
    return [imaging(f"id{n}", length_s=length_s) for n in range(1, count + 1)]


def build(
    prog: StationProgram,
    library: Sequence[Playable],
    day: date,
    *,
    days: int = 1,
    seed: int = 1,
    history: Sequence[ScheduledItem] = (),
) -> list[HourPlan]:
    return build_schedule(prog, library, history, day, days, seed)


def verify(
    prog: StationProgram,
    library: Sequence[Playable],
    plans: Sequence[HourPlan],
    history: Sequence[ScheduledItem] = (),
) -> list[Violation]:
    return verify_schedule(prog, library, history, plans)


def items(plans: Iterable[HourPlan]) -> list[ScheduledItem]:
    return [item for plan in plans for item in plan.items]


def music(plans: Iterable[HourPlan]) -> list[ScheduledItem]:
    return [item for item in items(plans) if item.kind == "music"]


def aired(
    played: Playable,
    at: datetime,
    *,
    category: str = "music",
    position: int = 0,
) -> ScheduledItem:
    """A song that aired (or was scheduled) at ``at``, as the history hands it over."""
    hour = at.replace(minute=0, second=0, microsecond=0)
    return ScheduledItem(
        id=f"h-{played.id}-{at.isoformat()}",
        hour=hour,
        position=position,
        start=at,
        duration_ms=played.length_ms,
        overlap_next_ms=0,
        kind=ItemKind.MUSIC,
        category=category,
        asset_id=played.id,
    )
