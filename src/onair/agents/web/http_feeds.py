"""Headlines and weather from the station's configured feeds, as plain text for a script.

The bytes are fetched with httpx so the deadline is ours (feedparser's own
fetching has none we control); feedparser then reads RSS and Atom. Anything
that is not a usable feed (down, slow, non-2xx, an HTML page, no items)
raises ``FeedFailed`` with one line naming the url and why.
"""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from typing import Any

import feedparser
import httpx

from onair.agents.errors import FeedFailed
from onair.domain.segments import FeedSource, WeatherSource

__all__ = ["read_headlines", "read_weather"]

_MAX_BYTES = 2_000_000  # a headlines feed is kilobytes; more is not a feed we should read
_ACCEPT = "application/rss+xml, application/atom+xml, application/json, application/xml;q=0.9"


def read_headlines(source: FeedSource, timeout_s: float) -> tuple[str, ...]:
    """Up to ``source.max_items`` headlines from an RSS/Atom or JSON feed, cleaned for speech."""
    url = str(source.url)
    body = _fetch(url, timeout_s)
    titles = _json_titles(url, body) if source.format == "json" else _feed_titles(url, body)
    headlines = tuple(t for t in map(_plain_text, titles) if t)[: source.max_items]
    if not headlines:
        raise FeedFailed(f"feed {url}: it has no items with a title")
    return headlines


def read_weather(source: WeatherSource, timeout_s: float) -> str:
    """The weather line: from a JSON document (``summary``, ``temperature_c``) or the fixed summary.

    ``{"summary": "light rain", "temperature_c": 12}`` reads "light rain, 12 degrees".
    """
    if source.url is None:
        if source.summary and _plain_text(source.summary):
            return _plain_text(source.summary)
        raise FeedFailed("weather: the source has neither a url nor a summary")
    url = str(source.url)
    document = _json(url, _fetch(url, timeout_s, what="weather"), what="weather")
    if not isinstance(document, dict):
        raise FeedFailed(f"weather {url}: the answer is not a JSON object")
    parts: list[str] = []
    summary = document.get("summary")
    if isinstance(summary, str) and _plain_text(summary):
        parts.append(_plain_text(summary))
    temperature = document.get("temperature_c")
    if isinstance(temperature, int | float) and not isinstance(temperature, bool):
        parts.append(f"{round(temperature)} degrees")
    if not parts:
        raise FeedFailed(f"weather {url}: the document has neither summary nor temperature_c")
    return ", ".join(parts)


def _plain_text(text: str) -> str:
    """``text`` without HTML tags or entities, its whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")  # "<br>" and "<p>" separate words


def _fetch(url: str, timeout_s: float, what: str = "feed") -> bytes:
    """The body, within ``timeout_s`` overall (a server trickling bytes is cut off too)."""
    deadline = time.monotonic() + timeout_s
    try:
        with (
            httpx.Client(timeout=timeout_s, follow_redirects=True) as client,
            client.stream("GET", url, headers={"Accept": _ACCEPT}) as response,
        ):
            if not response.is_success:
                raise FeedFailed(f"{what} {url}: answered HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > _MAX_BYTES:
                    raise FeedFailed(f"{what} {url}: the answer is over {_MAX_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("deadline passed")
            content_type = response.headers.get("content-type", "")
    except httpx.TimeoutException:
        raise FeedFailed(f"{what} {url}: no answer within {timeout_s:g} s") from None
    except httpx.HTTPError as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FeedFailed(f"{what} {url}: cannot be read ({why})") from None
    if _is_html(content_type, bytes(body)):
        raise FeedFailed(f"{what} {url}: answered an HTML page, not a feed")
    return bytes(body)


def _is_html(content_type: str, body: bytes) -> bool:
    start = body.lstrip()[:64].lower()
    return content_type.startswith("text/html") or start.startswith((b"<!doctype html", b"<html"))


def _feed_titles(url: str, body: bytes) -> list[str]:
    parsed = feedparser.parse(body)
    if not parsed.get("version"):
        raise FeedFailed(f"feed {url}: the answer is not an RSS or Atom feed")
    if not parsed.entries:
        raise FeedFailed(f"feed {url}: it has no items")
    return [str(entry.get("title", "")) for entry in parsed.entries]


def _json(url: str, body: bytes, what: str = "feed") -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedFailed(f"{what} {url}: the answer is not JSON ({exc})") from None


def _json_titles(url: str, body: bytes) -> list[str]:
    """Titles of a JSON feed: a list of items, or ``{"items": [...]}`` (as JSON Feed has)."""
    document = _json(url, body)
    items = document.get("items") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise FeedFailed(f"feed {url}: the JSON has no list of items")
    if not items:
        raise FeedFailed(f"feed {url}: it has no items")
    return [
        item["title"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("title"), str)
    ]
