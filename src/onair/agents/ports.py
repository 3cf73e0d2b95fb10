"""What the agents need from the outside: a voice, a language model, the schedule, storage.

The ports are synchronous: the runtime runs each slot's work on a worker
thread with its own deadline, so no port call ever blocks the event loop.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
import numpy.typing as npt

from onair.domain.programming import StationProgram
from onair.domain.schedule import Playable, ScheduledItem
from onair.domain.segments import Segment

__all__ = [
    "AgentLibrary",
    "AgentSchedule",
    "ChatMessage",
    "Completion",
    "LanguageModel",
    "PlanCorrections",
    "SegmentStore",
    "Speech",
    "SpeechSynthesizer",
    "StationPrograms",
]


@dataclass(frozen=True)
class Speech:
    """Mono speech as float32 samples in [-1, 1]."""

    samples: npt.NDArray[np.float32]
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


class SpeechSynthesizer(Protocol):
    """Turns a script into speech in a named voice (eSpeak NG, Piper, an HTTP provider)."""

    name: str

    def voices(self) -> dict[str, str]:
        """The language tags this synthesizer speaks, each with its default voice name."""
        ...

    def synthesize(self, text: str, *, language: str, voice: str | None = None) -> Speech:
        """``text`` spoken in ``voice`` (or the language's default).

        Raises ``UnknownVoice`` for a voice or language it does not have,
        ``UnspeakableText`` for text in a script the voice cannot speak, and
        ``SynthesisFailed`` for anything else (a provider down, bad audio).
        """
        ...


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system", "user" or "assistant"
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class LanguageModel(Protocol):
    """A chat model behind the OpenAI-compatible chat completions API."""

    model: str

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int, timeout_s: float
    ) -> Completion:
        """The model's answer; raises ``ModelFailed`` on a timeout, an HTTP error or garbage."""
        ...


class AgentSchedule(Protocol):
    """The published schedule as the agents read it."""

    def history(self, station: str, start: datetime, end: datetime) -> list[ScheduledItem]:
        """The items starting in ``[start, end)``, in air order."""
        ...


class PlanCorrections(Protocol):
    """The scheduler, asked to plan an item for the length that really airs for it."""

    def correct(
        self, station: str, item_id: str, length_ms: int, *, straight: bool, reason: str
    ) -> str:
        """Give the item ``length_ms`` and re-time its hour to the post; what changed, as a note.

        ``straight``: the item airs before the next one (not over a song's intro).
        Raises ``PlanNotCorrected`` when the scheduler refuses (a post it cannot
        land, a rule it would break, a locked hour) or cannot be reached.
        """
        ...


class AgentLibrary(Protocol):
    """The library: the songs around a link, and the imaging that stands in on failure."""

    def playables(self, station: str, ids: Collection[str]) -> list[Playable]:
        """The assets of ``ids`` (the songs around the hour's links)."""
        ...

    def imaging(self, station: str) -> list[Playable]:
        """Recorded liners, station IDs and sweepers with audio."""
        ...


class StationPrograms(Protocol):
    def program(self, station: str) -> StationProgram:
        """The station's programming in force; raises ``NoProgram`` when none is applied."""
        ...


class SegmentStore(Protocol):
    """Produced segments: the audio in the object store, the record in the database."""

    def save(self, segment: Segment, audio: bytes | None) -> None:
        """Store the audio (FLAC) under ``segment.master_key``, then the record.

        The record replaces any earlier segment for the same schedule item, so
        playout airs the newest; a failure stores nothing.
        """
        ...

    def for_hour(self, station: str, hour: datetime) -> list[Segment]:
        """The segments of the hour starting at ``hour``, newest per schedule item."""
        ...

    def between(self, station: str, start: datetime, end: datetime) -> list[Segment]:
        """The segments of the hours starting in ``[start, end)``."""
        ...
