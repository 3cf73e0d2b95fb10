"""Playlists: named, ordered lists of assets a program director builds by hand.

A show's running order, a holiday special, a request hour. A clock slot of a
``playlist`` category airs one: its items in the order given, the clock's other
slots filled around them to land the hour's posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from onair.domain.errors import DomainError
from onair.domain.schedule import HourPlan

__all__ = [
    "MAX_ITEMS",
    "Playlist",
    "PlaylistChange",
    "PlaylistExists",
    "PlaylistInUse",
    "PlaylistRefused",
    "PlaylistWarning",
    "UnknownPlaylist",
]

MAX_ITEMS = 500  # a day of songs: far more than a running order needs


@dataclass(frozen=True)
class Playlist:
    """One station's playlist: its name (what a station file names), title and items."""

    station: str
    name: str
    title: str
    asset_ids: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class PlaylistWarning:
    """Something a program director should know of an item, which does not stop it airing."""

    position: int
    asset_id: str
    rule: str
    message: str


class UnknownPlaylist(DomainError):
    """No playlist of that name at the station."""


class PlaylistExists(DomainError):
    """A playlist of that name is there already."""


class PlaylistInUse(DomainError):
    """The station file in force airs the playlist; ``categories`` name where."""

    def __init__(self, message: str, categories: list[str]) -> None:
        super().__init__(message)
        self.categories = categories


class PlaylistRefused(DomainError):
    """An item the playlist may not hold: ``field`` names it (``asset_ids.3``), ``rule`` why."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.rule = rule


@dataclass(frozen=True)
class PlaylistChange:
    """A playlist as an edit leaves it, with its warnings, and the built hours that air it:
    those built anew with the edit (``rebuilt``, under ``program_version``) and those kept
    as they were (``kept``: locked, or started)."""

    playlist: Playlist
    warnings: list[PlaylistWarning] = field(default_factory=list)
    rebuilt: tuple[HourPlan, ...] = ()
    kept: tuple[datetime, ...] = ()
    program_version: int | None = None
