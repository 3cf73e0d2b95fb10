"""The facts a script may state, and what a generator is asked to write.

A script is grounded: it may say only what is here. The upcoming tracks are
here too, but only so the checker can refuse a script that names them: the
DMCA's performance complement forbids announcing a song before it plays
(17 U.S.C. 114(d)(2)(C)(ii)); back-announcing what just played is fine.

A title that is a file name ("track22") and an artist nobody knows ("Unknown
Artist") are no facts: they are left out of the tracks and kept in
``unspoken``, so a script never says them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from onair.domain.segments import Persona, SegmentKind

__all__ = ["Facts", "Script", "ScriptGenerator", "ScriptRequest", "ShowFacts", "TrackFacts"]


@dataclass(frozen=True)
class TrackFacts:
    title: str | None  # None: the tags have no title to say, only a file name
    artist: str | None = None
    artists: tuple[str, ...] = ()  # the display artist split into names
    album: str | None = None
    year: int | None = None
    genre: str | None = None


@dataclass(frozen=True)
class ShowFacts:
    """A show a promo talks about."""

    name: str
    hosts: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()  # "mon".."sun"
    start_hour: int | None = None  # station-local


@dataclass(frozen=True)
class Facts:
    """Everything a segment may say, and (``upcoming``) what it must not."""

    station_name: str
    call_letters: str
    community: str  # of license, said right after the call letters (47 CFR 73.1201)
    persona: Persona
    language: str
    local_time: datetime  # when the segment airs, in the station's zone
    previous: TrackFacts | None = None  # just played: may be back-announced
    upcoming: tuple[TrackFacts, ...] = ()  # never to be named before they play
    unspoken: tuple[str, ...] = ()  # file-name titles and unknown artists: never said
    show: ShowFacts | None = None
    weather: str | None = None  # e.g. "light rain, 12 degrees"
    headlines: tuple[str, ...] = ()
    feed_name: str | None = None


@dataclass(frozen=True)
class ScriptRequest:
    """One script to write: its kind, its facts, and how long it may run."""

    kind: SegmentKind
    facts: Facts
    max_words: int  # from the time the slot allows and the voice's speaking rate
    # A slot a first script left far from full asks for at least this many (0: no floor).
    min_words: int = 0
    attempt: int = 0  # a retry after a script came out too long or was refused
    seed: int = 0  # picks among variations, so the same hour writes the same scripts
    avoid: tuple[str, ...] = field(default=())  # the checker's reasons a previous try failed


@dataclass(frozen=True)
class Script:
    text: str
    generator: str  # "rules" or "llm:<model>"
    tokens: int = 0  # LLM tokens spent on it


class ScriptGenerator(Protocol):
    """Writes a script for a request (rules-based templates or an LLM)."""

    name: str

    def write(self, request: ScriptRequest) -> Script:
        """A script within ``max_words``; raises ``GenerationFailed`` when none comes out."""
        ...
