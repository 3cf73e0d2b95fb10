"""Usage rights: where, when and how a recording may be used.

A station may air a recording only inside its rights window, in a territory
the deal covers, for a use the deal allows; for a US webcaster the relevant
use is the statutory non-interactive webcast (17 U.S.C. 114(d)(2)).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = ["WORLDWIDE", "UsageRights", "Use"]

WORLDWIDE = "WORLD"
_TERRITORY = re.compile(r"^[A-Z]{2}$")


class Use(StrEnum):
    NON_INTERACTIVE_WEBCAST = "non_interactive_webcast"
    INTERACTIVE_STREAM = "interactive_stream"
    BROADCAST = "broadcast"
    PODCAST = "podcast"
    DOWNLOAD = "download"


class UsageRights(BaseModel):
    """One deal's terms; no dates means no limit on that side."""

    model_config = ConfigDict(frozen=True)

    territories: frozenset[str] = frozenset({WORLDWIDE})
    valid_from: date | None = None
    valid_until: date | None = None
    uses: frozenset[Use] = frozenset({Use.NON_INTERACTIVE_WEBCAST, Use.BROADCAST})

    @field_validator("territories")
    @classmethod
    def _codes(cls, value: frozenset[str]) -> frozenset[str]:
        bad = sorted(t for t in value if t != WORLDWIDE and not _TERRITORY.match(t))
        if bad:
            raise ValueError(f"territories {bad} are not ISO 3166-1 alpha-2 codes or WORLD")
        if not value:
            raise ValueError("a deal covers at least one territory")
        return value

    @model_validator(mode="after")
    def _window(self) -> UsageRights:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError(
                f"valid_until {self.valid_until} is before valid_from {self.valid_from}"
            )
        return self

    def allows(self, use: Use, territory: str, on: date) -> bool:
        """Whether airing for ``use`` in ``territory`` on day ``on`` is covered."""
        in_window = (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )
        in_territory = WORLDWIDE in self.territories or territory in self.territories
        return in_window and in_territory and use in self.uses
