"""The station's weather and headlines for one hour, from its configured sources."""

from __future__ import annotations

from onair.agents.errors import FeedFailed
from onair.agents.web.http_feeds import read_headlines, read_weather
from onair.domain.programming import StationProgram

__all__ = ["station_headlines", "station_weather"]


def station_weather(program: StationProgram, timeout_s: float) -> str | None:
    """The weather line, or None when the station configures none."""
    source = program.voice.weather
    return read_weather(source, timeout_s) if source is not None else None


def station_headlines(
    program: StationProgram, timeout_s: float
) -> tuple[str | None, tuple[str, ...]]:
    """The first configured feed that answers: its name and headlines.

    Raises ``FeedFailed`` naming every feed's failure when none answers.
    """
    failures: list[str] = []
    for feed in program.voice.feeds:
        try:
            return feed.name, read_headlines(feed, timeout_s)
        except FeedFailed as exc:
            failures.append(str(exc))
    if failures:
        raise FeedFailed("; ".join(failures))
    return None, ()
