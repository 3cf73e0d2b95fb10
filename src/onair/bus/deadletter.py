"""What a consumer gave up on, and why."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from pydantic import BaseModel, Field

__all__ = ["DeadLetter"]


class DeadLetter(BaseModel):
    """One message on ``onair.<station>.deadletter``, with the original bytes kept."""

    consumer: str
    subject: str
    reason: str
    attempts: int
    raw_base64: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of(cls, consumer: str, subject: str, reason: str, attempts: int, raw: bytes) -> DeadLetter:
        return cls(
            consumer=consumer,
            subject=subject,
            reason=reason.splitlines()[0][:500] if reason else "unknown",
            attempts=attempts,
            raw_base64=base64.b64encode(raw).decode(),
        )

    @property
    def raw(self) -> bytes:
        return base64.b64decode(self.raw_base64)
