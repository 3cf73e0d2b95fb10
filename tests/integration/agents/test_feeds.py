"""Headlines and weather read over real HTTP from a loopback feed server, and every way it fails."""

from __future__ import annotations

import time

import pytest

from onair.agents.errors import FeedFailed
from onair.agents.web.http_feeds import read_headlines, read_weather
from onair.domain.segments import FeedSource, WeatherSource
from tests.fixtures.feed_server import FeedServer, feed_server, unused_url

__all__ = ["feed_server"]  # the fixture, imported so pytest finds it here


def feed(url: str, format: str = "rss", max_items: int = 3) -> FeedSource:
    return FeedSource(name="City News", url=url, format=format, max_items=max_items)


def test_rss_headlines_come_cleaned_and_at_most_max_items(feed_server: FeedServer) -> None:
    assert read_headlines(feed(feed_server.url("/rss")), timeout_s=5) == (
        "Council approves the new park",
        "Bridge reopens & traffic flows",
        "Library extends its hours",
    )
    assert read_headlines(feed(feed_server.url("/rss"), max_items=1), timeout_s=5) == (
        "Council approves the new park",
    )


def test_atom_entries_are_headlines_too(feed_server: FeedServer) -> None:
    assert read_headlines(feed(feed_server.url("/atom")), timeout_s=5) == (
        "Jazz in the park tonight",
        "Food trucks on Main Street",
    )


def test_json_feeds_as_a_list_or_under_items(feed_server: FeedServer) -> None:
    assert read_headlines(feed(feed_server.url("/json"), "json"), timeout_s=5) == (
        "Road works on Elm Street",
        "Snow",
    )
    assert read_headlines(feed(feed_server.url("/json-feed"), "json"), timeout_s=5) == (
        "Concert at 8",
    )


@pytest.mark.parametrize(
    ("path", "format", "why"),
    [
        ("/error", "rss", "answered HTTP 500"),
        ("/missing", "json", "answered HTTP 404"),
        ("/html", "rss", "answered an HTML page, not a feed"),
        ("/html-as-xml", "rss", "answered an HTML page, not a feed"),
        ("/html", "json", "answered an HTML page, not a feed"),
        ("/empty", "rss", "it has no items"),
        ("/not-json", "json", "the answer is not JSON"),
        ("/weather", "rss", "not an RSS or Atom feed"),
        ("/weather-list", "json", "it has no items"),
    ],
)
def test_a_feed_that_is_no_feed_fails_with_one_clear_line(
    feed_server: FeedServer, path: str, format: str, why: str
) -> None:
    url = feed_server.url(path)
    with pytest.raises(FeedFailed) as failed:
        read_headlines(feed(url, format), timeout_s=5)
    message = str(failed.value)
    assert message.startswith(f"feed {url}: ")
    assert why in message
    assert "\n" not in message


def test_a_feed_that_hangs_fails_within_the_timeout(feed_server: FeedServer) -> None:
    started = time.monotonic()
    with pytest.raises(FeedFailed, match=r"/hang: no answer within 0\.5 s"):
        read_headlines(feed(feed_server.url("/hang")), timeout_s=0.5)
    assert time.monotonic() - started < 2


def test_a_feed_that_trickles_fails_at_the_deadline_not_per_read(feed_server: FeedServer) -> None:
    started = time.monotonic()
    with pytest.raises(FeedFailed, match=r"/trickle: no answer within 1 s"):
        read_headlines(feed(feed_server.url("/trickle")), timeout_s=1)
    assert time.monotonic() - started < 2


def test_a_feed_that_is_down_fails_clearly() -> None:
    url = unused_url()
    with pytest.raises(FeedFailed, match=rf"^feed {url}: cannot be read \(.+\)$"):
        read_headlines(feed(url), timeout_s=2)


def test_weather_from_a_json_document(feed_server: FeedServer) -> None:
    source = WeatherSource(url=feed_server.url("/weather"))
    assert read_weather(source, timeout_s=5) == "light rain, 12 degrees"


def test_weather_from_the_fixed_summary_without_a_url() -> None:
    assert read_weather(WeatherSource(summary="sunny, 20 degrees"), timeout_s=5) == (
        "sunny, 20 degrees"
    )
    with pytest.raises(FeedFailed, match="neither a url nor a summary"):
        read_weather(WeatherSource(), timeout_s=5)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/weather-list", "is not a JSON object"),
        ("/html", "answered an HTML page"),
        ("/error", "answered HTTP 500"),
        ("/hang", "no answer within 0.5 s"),
    ],
)
def test_weather_that_cannot_be_read_fails_clearly(
    feed_server: FeedServer, path: str, why: str
) -> None:
    source = WeatherSource(url=feed_server.url(path))
    with pytest.raises(FeedFailed, match=why) as failed:
        read_weather(source, timeout_s=0.5)
    assert str(failed.value).startswith(f"weather {feed_server.url(path)}: ")
