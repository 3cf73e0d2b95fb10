"""Icecast's listener counts from the real icecast2: read off the air's clock, kept on faults."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from structlog.testing import capture_logs

from onair.domain.events import Envelope
from onair.observability.listener_metrics import IcecastListenerMetrics
from onair.playout.icecast.output import IcecastOutput
from onair.playout.icecast.source import IcecastSource
from onair.playout.icecast.stats import IcecastListeners
from tests.fixtures.icecast import IcecastServer, icecast_binary

from .test_engine import MUSIC, Records, run
from .world import World

OnAir = tuple[World, Records, list[Envelope]]

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg missing"),
]
_CHUNK = 4000  # a quarter second of 128 kbps MP3


@pytest.fixture(scope="module")
def tone_mp3(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("audio") / "tone.mp3"
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=20"),
            *("-ac", "2", "-ar", "44100", "-b:a", "128k", str(path)),
        ],
        check=True,
    )
    return path.read_bytes()


@contextlib.asynccontextmanager
async def feeding(server: IcecastServer, mount: str, mp3: bytes) -> AsyncIterator[IcecastSource]:
    """A source on ``mount`` sending ``mp3`` round and round at about its real-time rate."""

    async def feed() -> None:
        while True:
            for start in range(0, len(mp3), _CHUNK):
                await source.send(mp3[start : start + _CHUNK])
                await asyncio.sleep(0.25)

    source = IcecastSource(server.mount_url(mount), server.source_password)
    async with source:
        feeder = asyncio.create_task(feed())
        assert await source.wait_connected(10)
        try:
            yield source
        finally:
            feeder.cancel()
            await asyncio.wait([feeder])


@contextlib.asynccontextmanager
async def listening(url: str, count: int) -> AsyncIterator[None]:
    """``count`` players connected to ``url`` and reading it, until the block ends."""
    connected = asyncio.Semaphore(0)

    async def player() -> None:
        async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url) as reply:
            assert reply.status_code == 200
            connected.release()
            with contextlib.suppress(httpx.HTTPError):  # the server went away: the player stops
                async for _ in reply.aiter_bytes():
                    pass

    players = [asyncio.create_task(player()) for _ in range(count)]
    try:
        for _ in range(count):
            async with asyncio.timeout(10):
                await connected.acquire()
        yield
    finally:
        for task in players:
            task.cancel()
        await asyncio.wait(players)


async def until(check: Callable[[], bool], within_s: float) -> float:
    """Wait for ``check``; how long it took."""
    began = time.monotonic()
    while not check():
        assert time.monotonic() - began < within_s, f"not within {within_s} s"
        await asyncio.sleep(0.1)
    return time.monotonic() - began


@contextlib.contextmanager
def polling(stats: IcecastListeners) -> Iterator[IcecastListeners]:
    stats.start()
    try:
        yield stats
    finally:
        stats.stop()


@pytest.fixture
def on_air(tmp_path: Path) -> OnAir:
    world = World(tmp_path, t0=datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1))
    return world, Records(), []


def songs(world: World, count: int, seconds: float = 6.0) -> list[str]:
    for n in range(count):
        world.asset(f"s{n}", 300 + 40 * n, seconds, tail_s=1.0, intro_s=1.0)
    return [f"s{n}" for n in range(count)]


def _server(tmp_path: Path, *, json_served: bool = True) -> IcecastServer:
    """An icecast2 of its own, its web pages in ``server.logs / "web"`` for a test to change.

    They sit beside its logs, where icecast2 run as root (as ``nobody``) can read them.
    """
    binary = icecast_binary()
    assert binary is not None, "icecast2 missing: apt-get install icecast2"
    server = IcecastServer(binary, tmp_path)
    web = server.logs / "web"
    shutil.copytree("/usr/share/icecast2/web", web)
    web.chmod(0o755)
    if not json_served:
        (web / "status-json.xsl").unlink()
    config = server.config.read_text().replace("/usr/share/icecast2/web", str(web))
    server.config.write_text(config)
    return server


async def test_the_reader_counts_its_mounts_listeners_within_seconds_and_none_after_they_leave(
    icecast: IcecastServer, tone_mp3: bytes
) -> None:
    registry = CollectorRegistry()
    mount = "/counted.mp3"
    stats = IcecastListeners(
        icecast.mount_url(mount), every_s=0.5, metrics=IcecastListenerMetrics(registry)
    )
    async with (
        feeding(icecast, "/counted.mp3", tone_mp3),
        feeding(icecast, "/other.mp3", tone_mp3),  # two sources: Icecast lists them
        listening(icecast.mount_url("/other.mp3"), 2),
    ):
        with polling(stats):
            await until(lambda: stats.count == 0, 5)
            async with listening(icecast.mount_url("/counted.mp3"), 3):
                seen_in = await until(lambda: stats.count == 3, 10)
                metric = registry.get_sample_value(
                    "onair_icecast_listeners", {"mount": "/counted.mp3"}
                )
            left_in = await until(lambda: stats.count == 0, 10)
    assert seen_in < 3.0
    assert left_in < 3.0
    assert metric == 3
    assert stats.fault is None


async def test_without_the_json_the_admin_xml_gives_the_count(
    tmp_path: Path, tone_mp3: bytes
) -> None:
    server = _server(tmp_path, json_served=False)
    try:
        server.start()
        public_only = IcecastListeners(server.mount_url("/live.mp3"), every_s=0.5)
        admin = IcecastListeners(
            server.mount_url("/live.mp3"), admin_password=server.admin_password, every_s=0.5
        )
        async with (
            feeding(server, "/live.mp3", tone_mp3),
            listening(server.mount_url("/live.mp3"), 2),
        ):
            with polling(public_only), polling(admin):
                await until(lambda: admin.count == 2, 10)
                await until(lambda: public_only.fault is not None, 5)
    finally:
        server.stop()
        server.remove_logs()
    assert public_only.count is None
    assert "answered HTTP 404" in str(public_only.fault)


_GARBLED = """<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">
<xsl:output omit-xml-declaration="yes" method="text" encoding="UTF-8"/>
<xsl:template match="/icestats">{"icestats":{"source":{"listeners":<xsl:value-of
select="source/listeners"/>,"title":"</xsl:template></xsl:stylesheet>
"""


async def test_a_garbled_stats_page_keeps_the_last_count_and_is_logged_once(
    tmp_path: Path, tone_mp3: bytes
) -> None:
    server = _server(tmp_path)
    try:
        server.start()
        stats = IcecastListeners(server.mount_url("/live.mp3"), every_s=0.2)
        async with (
            feeding(server, "/live.mp3", tone_mp3),
            listening(server.mount_url("/live.mp3"), 2),
        ):
            with polling(stats):
                await until(lambda: stats.count == 2 and stats.fault is None, 10)
                with capture_logs() as logs:
                    (server.logs / "web" / "status-json.xsl").write_text(_GARBLED)
                    await until(lambda: stats.fault is not None, 10)
                    await asyncio.sleep(1.0)  # several polls read the garbled page
    finally:
        server.stop()
        server.remove_logs()
    assert stats.count == 2
    assert "is not Icecast's JSON" in str(stats.fault)
    unreadable = [e for e in logs if e["event"] == "icecast_stats_unreadable"]
    assert len(unreadable) == 1
    assert unreadable[0]["keeping"] == 2


async def test_icecast_going_away_keeps_the_last_count_and_it_is_read_again_when_back(
    tmp_path: Path, tone_mp3: bytes
) -> None:
    server = _server(tmp_path)
    try:
        server.start()
        stats = IcecastListeners(server.mount_url("/live.mp3"), every_s=0.2, timeout_s=0.5)
        async with (
            feeding(server, "/live.mp3", tone_mp3),
            listening(server.mount_url("/live.mp3"), 2),
        ):
            with polling(stats):
                await until(lambda: stats.count == 2 and stats.fault is None, 10)
                with capture_logs() as logs:
                    server.stop()
                    await until(lambda: stats.fault is not None, 5)
                    await asyncio.sleep(1.0)  # several polls fail
                    kept = stats.count
                    server.start()
                    await until(lambda: stats.fault is None, 10)
    finally:
        server.stop()
        server.remove_logs()
    assert kept == 2
    assert stats.count == 0  # their connections went with the server
    events = [e["event"] for e in logs if e["event"].startswith("icecast_stats")]
    assert events == ["icecast_stats_unreadable", "icecast_stats_readable"]


async def test_the_engine_keeps_icecasts_listeners_in_the_as_run_of_what_aired_to_them(
    on_air: OnAir, icecast: IcecastServer
) -> None:
    world, records, events = on_air
    world.plan(*[(i, MUSIC) for i in songs(world, 3)])
    mount = icecast.mount_url("/engine-stats.mp3")
    source = IcecastSource(mount, icecast.source_password)
    stats = IcecastListeners(mount, every_s=0.5)
    await source.start()
    engine, hub = await run(world, records, events, extra=[IcecastOutput(source, listeners=stats)])
    try:
        with polling(stats):
            assert await source.wait_connected(10)
            async with listening(mount, 2):
                await until(lambda: stats.count == 2, 10)
                await until(lambda: len(records.entries) >= 2, 20)
    finally:
        await engine.stop()
        hub.close()
        await source.aclose()
    counted = [e.listeners for e in records.entries]
    assert (counted[1] or 0) >= 2, counted  # s1 aired wholly while they listened


async def test_a_stats_page_that_is_away_leaves_the_air_alone(
    on_air: OnAir, icecast: IcecastServer
) -> None:
    world, records, events = on_air
    ids = songs(world, 2)
    world.plan(*[(i, MUSIC) for i in ids])
    source = IcecastSource(icecast.mount_url("/no-stats.mp3"), icecast.source_password)
    with socket.socket() as sock:  # a port nothing listens on once it is closed
        sock.bind(("127.0.0.1", 0))
        nowhere = sock.getsockname()[1]
    stats = IcecastListeners(f"http://127.0.0.1:{nowhere}/no-stats.mp3", every_s=0.2)
    await source.start()
    engine, hub = await run(world, records, events, extra=[IcecastOutput(source, listeners=stats)])
    try:
        with polling(stats):
            await until(lambda: len(records.entries) >= 2, 20)
    finally:
        await engine.stop()
        hub.close()
        await source.aclose()
    assert [e.asset_id for e in records.entries[:2]] == ids
    assert "unreachable" in str(stats.fault)
    assert not [e for e in events if e.type in ("playout.error", "playout.failover")]
