"""What an asset's tags say, once read and normalized."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from onair.domain.placeholder_tags import title_is_file_name

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
    separation counts a featured artist too. ``title_is_file_name`` marks a
    title that must never be spoken: the file's name, taken where the tags had
    no title, or a tag that is itself a file name ("track22", "Track 05").
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
    title_is_file_name: bool = False

    @model_validator(mode="before")
    @classmethod
    def _mark_file_name_title(cls, data: Any) -> Any:
        title = data.get("title") if isinstance(data, dict) else None
        if title is not None and title_is_file_name(title):
            return {**data, "title_is_file_name": True}
        return data
