"""What an asset's tags say, once read and normalized."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["TrackTags", "VocalGender"]


class VocalGender(StrEnum):
    """Who sings: flow rules keep several of one in a row apart."""

    FEMALE = "female"
    MALE = "male"
    MIXED = "mixed"
    INSTRUMENTAL = "instrumental"


class TrackTags(BaseModel):
    """Normalized tags of one file, with the tags as found kept beside them.

    ``artist`` is the credit as displayed ("Calvin Harris feat. Rihanna");
    ``artists`` is every credited artist, main ones first, so that artist
    separation counts a featured artist too.
    """

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    artist: str | None = None
    artists: tuple[str, ...] = ()
    album: str | None = None
    album_artist: str | None = None
    isrc: str | None = None
    label: str | None = None
    year: int | None = None
    genre: str | None = None
    language: str | None = None
    explicit: bool | None = None
    composer: str | None = None
    publisher: str | None = None
    bpm: float | None = None
    vocal_gender: VocalGender | None = None
    problems: tuple[str, ...] = ()
    original: dict[str, list[str]] = Field(default_factory=dict)
