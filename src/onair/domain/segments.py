"""Spoken segments the agents write and voice ahead of air, and the station's voice.

A segment fills one planned schedule item (a voice link, a promo, an ID...)
that the library has no audio for. It is written from facts only (the tracks
around it, the time, the station, the configured weather and feeds), checked
for legality, voiced, and stored before the hour airs. Playout finds it by the
schedule item it fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

__all__ = [
    "DEFAULT_AGENT",
    "FeedSource",
    "Persona",
    "Segment",
    "SegmentKind",
    "SegmentStatus",
    "StationVoice",
    "WeatherSource",
]


class SegmentKind(StrEnum):
    """The registered agent kinds."""

    VOICE_LINK = "voice_link"  # talk-up over the next song's intro, back-announce of the last
    SHOW_PROMO = "show_promo"
    STATION_ID = "station_id"  # the legal ID: call letters then community (47 CFR 73.1201)
    LINER = "liner"
    TIME_WEATHER = "time_weather"
    FEED = "feed"  # headlines or local events from a configured RSS/JSON feed


# Which agent fills a planned item of each kind, unless its category names another.
# Keyed by ``ItemKind`` value (a str enum), so programming can import this module.
DEFAULT_AGENT: dict[str, SegmentKind] = {
    "voice": SegmentKind.VOICE_LINK,
    "promo": SegmentKind.SHOW_PROMO,
    "id": SegmentKind.STATION_ID,
    "news": SegmentKind.FEED,
}


class SegmentStatus(StrEnum):
    READY = "ready"  # written and voiced by an agent
    FALLBACK = "fallback"  # a pre-recorded liner from imaging stands in
    DROPPED = "dropped"  # nothing airs; playout repairs the timing


class Persona(BaseModel):
    """Who speaks on air: a name, a manner, and words never to say."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field("Alex", min_length=1)
    style: str = "warm, brief, upbeat"
    blocked_words: tuple[str, ...] = ()


class FeedSource(BaseModel):
    """A feed the dynamic-content agent reads headlines or events from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    url: HttpUrl
    format: str = Field("rss", pattern=r"^(rss|json)$")
    max_items: int = Field(3, ge=1, le=10)


class WeatherSource(BaseModel):
    """Where the time-and-weather agent reads the weather (a JSON document), or a fixed line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: HttpUrl | None = None
    summary: str | None = None  # used when no url is given, e.g. "sunny, 12 degrees"


class StationVoice(BaseModel):
    """The ``voice:`` section of a station file: languages, persona, TTS voices, sources."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    languages: tuple[str, ...] = Field(("en",), min_length=1)
    # How a station with several languages alternates: per link within the hour, or by hour.
    alternate: str = Field("link", pattern=r"^(link|hour)$")
    persona: Persona = Persona()
    voices: dict[str, str] = Field(default_factory=dict)  # language -> TTS voice name
    target_lufs: float = Field(-16.0, ge=-40, le=-5)
    # How far a talk-up ducks the song under it, in dB (unset: playout's setting).
    duck_db: float | None = Field(None, ge=0, le=40)
    weather: WeatherSource | None = None
    feeds: tuple[FeedSource, ...] = ()
    # Pre-recorded liners that stand in when generation fails or misses its deadline.
    imaging_category: str | None = None
    llm_tokens_per_hour: int = Field(20_000, ge=0)
    tts_chars_per_hour: int = Field(20_000, ge=0)

    @field_validator("languages")
    @classmethod
    def _tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for tag in value:
            if not 2 <= len(tag) <= 12 or not tag.replace("-", "").isalnum():
                raise ValueError(f"language {tag!r}: use a BCP 47 tag like 'en' or 'es-MX'")
        return value

    def language_for(self, hour_index: int, link_index: int) -> str:
        """The language of a link: alternating by link within the hour, or by hour."""
        turn = link_index if self.alternate == "link" else hour_index
        return self.languages[turn % len(self.languages)]


@dataclass(frozen=True)
class Segment:
    """One produced segment, as stored and as playout reads it.

    Lengths are milliseconds. ``start_offset_ms`` is where the voice starts
    after its schedule item's start (a talk-up over a song's intro starts with
    the song); ``post_ms`` is the song's post it must end before.
    """

    id: str
    station: str
    schedule_item_id: str
    hour: datetime
    kind: SegmentKind
    status: SegmentStatus
    language: str
    script: str
    generator: str  # "rules", "llm:<model>", "imaging"
    planned_ms: int
    estimated_ms: int
    duration_ms: int
    master_key: str | None = None  # the voiced audio; None for a fallback or a drop
    asset_id: str | None = None  # the imaging liner that stands in (a fallback)
    voice: str | None = None
    gain_db: float = 0.0
    start_offset_ms: int = 0
    post_ms: int | None = None
    duck_db: float | None = None  # how far the song under a talk-up is ducked
    tempo: float = 1.0  # time compression applied (1.0 none, at most 1.1)
    attempts: int = 1
    llm_tokens: int = 0
    tts_chars: int = 0
    reason: str | None = None  # why it fell back or was dropped
    created_at: datetime | None = None

    def record(self) -> dict[str, Any]:
        """The segment as events and reports show it (seconds, not milliseconds)."""
        return {
            "segment_id": self.id,
            "schedule_item_id": self.schedule_item_id,
            "hour": self.hour.isoformat(),
            "kind": self.kind.value,
            "status": self.status.value,
            "language": self.language,
            "generator": self.generator,
            "script": self.script,
            "planned_s": self.planned_ms / 1000,
            "estimated_s": self.estimated_ms / 1000,
            "duration_s": self.duration_ms / 1000,
            "post_s": None if self.post_ms is None else self.post_ms / 1000,
            "tempo": self.tempo,
            "attempts": self.attempts,
            "asset_id": self.airs_asset,
            "reason": self.reason,
        }

    @property
    def airs_asset(self) -> str | None:
        """What playout airs for the item: the voiced segment, or the imaging liner."""
        if self.status is SegmentStatus.READY:
            return self.id
        return self.asset_id
