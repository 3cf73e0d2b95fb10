"""The station file's ``traffic`` section: how the station's spot breaks are made up."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["TrafficSettings"]


class TrafficSettings(BaseModel):
    """The station file's ``traffic`` section: the spot categories traffic fills, what
    opens and closes each pod, and what makes up the rest of a break. Categories by
    name; None: no bookends, and the station's first promo and fill categories."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The spot categories traffic fills: the scheduler plans their breaks at their
    # planned length and never draws a spot asset for them itself.
    breaks: tuple[str, ...] = ()
    open: str | None = None  # a bookend before the spots (a jingle, "Stay tuned...")
    close: str | None = None  # a bookend after them
    promo: str | None = None
    fill: str | None = None
