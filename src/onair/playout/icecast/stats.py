"""Icecast 2.4's listener count for one mount, polled on a thread of its own.

Icecast counts the listeners of the mounts it serves; onair only feeds them.
The count is read from the public ``/status-json.xsl`` (``icestats.source``,
one dict or a list of them, matched by the ``listenurl`` ending in the mount),
or, when that is not served or is not valid JSON (Icecast 2.4.4 emits broken
JSON for some titles), from the admin ``/admin/stats`` XML. Reading never
touches the air's clock: a thread polls every few seconds and keeps the last
count, which callers read at no cost. A stats page that is down or garbled
leaves the last known count and is logged once per outage, as one line.

The counts feed the as-run (the most listeners during each airing) and, for
the SoundExchange report of use, each recording's actual total performances
(37 CFR 370.4).
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import httpx
from defusedxml import ElementTree

from onair.observability import get_logger
from onair.playout.ports import ListenerGauge

__all__ = ["IcecastListeners", "StatsUnreadable"]

log = get_logger("onair.playout")


class StatsUnreadable(RuntimeError):
    """Icecast's statistics could not be read or understood (the message says why)."""


class IcecastListeners:
    """The listeners Icecast counts on the mount of ``mount_url`` (``http://host:port/mount``).

    ``start`` begins polling every ``every_s`` seconds on its own thread;
    ``count`` is the last count read (None until one is). With
    ``admin_password`` the admin XML is read when the public JSON is not
    usable. Each count read is reported to ``metrics`` (in a station, the
    ``onair_icecast_listeners{mount}`` gauge).
    """

    def __init__(
        self,
        mount_url: str,
        *,
        admin_password: str | None = None,
        every_s: float = 5.0,
        timeout_s: float = 2.0,
        metrics: ListenerGauge | None = None,
    ) -> None:
        parts = urlsplit(mount_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or not parts.path.strip("/"):
            raise ValueError(f"icecast mount URL must be http://host:port/mount, not {mount_url!r}")
        self.server = f"{parts.scheme}://{parts.netloc}"
        self.mount = parts.path
        self._admin_password = admin_password
        self._every_s = every_s
        self._timeout_s = timeout_s
        self._metrics = metrics
        self._count: int | None = None
        self._fault: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def count(self) -> int | None:
        """The last count read, kept while the stats page is away; None before the first."""
        return self._count

    @property
    def fault(self) -> str | None:
        """Why the last poll failed (one line), or None when it succeeded."""
        return self._fault

    def start(self) -> None:
        """Start polling in the background (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._poll_loop, name=f"icecast-stats{self.mount}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop polling; the last count stays readable."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._timeout_s * 2 + 1)
            self._thread = None

    def _poll_loop(self) -> None:
        with httpx.Client(timeout=self._timeout_s) as client:
            while not self._stop.is_set():
                self.poll(client)
                self._stop.wait(self._every_s)

    def poll(self, client: httpx.Client) -> int | None:
        """Read the count once; on a failure keep the last one and log the outage once."""
        try:
            count = self.read(client)
        except StatsUnreadable as exc:
            if self._fault is None:
                log.warning("icecast_stats_unreadable", mount=self.mount, error=str(exc),
                            keeping=self._count)  # fmt: skip
            self._fault = str(exc)
            return self._count
        if self._fault is not None:
            log.info("icecast_stats_readable", mount=self.mount, listeners=count)
        self._fault = None
        self._count = count
        if self._metrics is not None:
            self._metrics.listeners(self.mount, count)
        return count

    def read(self, client: httpx.Client) -> int:
        """The mount's listeners now, from the JSON or else the admin XML (or StatsUnreadable)."""
        try:
            return self._from_json(client)
        except StatsUnreadable as exc:
            if self._admin_password is None or isinstance(exc.__cause__, httpx.TransportError):
                raise
            try:
                return self._from_admin_xml(client, self._admin_password)
            except StatsUnreadable as admin:
                raise StatsUnreadable(f"{exc}; {admin}") from admin

    def _get(self, client: httpx.Client, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{self.server}{path}"
        try:
            reply = client.get(url, **kwargs)
        except httpx.HTTPError as exc:
            raise StatsUnreadable(f"icecast stats {url} unreachable: {exc!r}") from exc
        if reply.status_code != 200:
            raise StatsUnreadable(f"icecast stats {url} answered HTTP {reply.status_code}")
        return reply

    def _from_json(self, client: httpx.Client) -> int:
        reply = self._get(client, "/status-json.xsl")
        try:
            stats = json.loads(reply.content)
            sources = stats["icestats"].get("source", [])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StatsUnreadable(f"icecast {reply.url} is not Icecast's JSON: {exc}") from exc
        for source in sources if isinstance(sources, list) else [sources]:
            if isinstance(source, dict) and str(source.get("listenurl", "")).endswith(self.mount):
                return _listeners(source.get("listeners"), str(reply.url))
        return 0  # no source on the mount: Icecast serves it to nobody

    def _from_admin_xml(self, client: httpx.Client, password: str) -> int:
        reply = self._get(client, "/admin/stats", auth=("admin", password))
        try:
            root = ElementTree.fromstring(reply.content)
        except (ParseError, ValueError) as exc:  # ValueError: defusedxml refused it
            raise StatsUnreadable(f"icecast {reply.url} is not XML: {exc}") from exc
        for source in root.iter("source"):
            if source.get("mount") == self.mount:
                return _listeners(source.findtext("listeners"), str(reply.url))
        return 0


def _listeners(value: object, where: str) -> int:
    try:
        count = int(str(value))
    except (TypeError, ValueError) as exc:
        raise StatsUnreadable(f"icecast {where} gives listeners {value!r}, not a count") from exc
    if count < 0:
        raise StatsUnreadable(f"icecast {where} gives listeners {count}, not a count")
    return count
