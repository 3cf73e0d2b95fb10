"""What goes wrong making a segment; the runtime turns each into a fallback and an event."""

from __future__ import annotations

from onair.domain.errors import DomainError

__all__ = [
    "AgentError",
    "FeedFailed",
    "GenerationFailed",
    "ModelFailed",
    "PlanNotCorrected",
    "ScriptRejected",
    "SynthesisFailed",
    "UnknownVoice",
    "UnspeakableText",
]


class AgentError(DomainError):
    """A segment could not be made as asked."""


class UnknownVoice(AgentError):
    """The synthesizer has no such voice or language."""


class UnspeakableText(AgentError):
    """The text is in a writing system the voice cannot speak."""


class SynthesisFailed(AgentError):
    """The synthesizer failed (provider down, no audio, bad audio)."""


class ModelFailed(AgentError):
    """The language model timed out, erred, or answered with something unusable."""


class GenerationFailed(AgentError):
    """No usable script came out (a refusal, garbage, too long after every try).

    ``tokens`` are the LLM tokens the unusable answer still cost, for the hour's budget.
    """

    def __init__(self, message: str, *, tokens: int = 0) -> None:
        super().__init__(message)
        self.tokens = tokens


class ScriptRejected(AgentError):
    """The legality checker refused a script; ``violations`` says why."""

    def __init__(self, violations: list[str]) -> None:
        super().__init__("; ".join(violations))
        self.violations = violations


class FeedFailed(AgentError):
    """A weather or content feed was down or answered with something unreadable."""


class PlanNotCorrected(AgentError):
    """The scheduler would not plan an item for the length that airs (or could not be asked)."""
