"""The built-in stream over real HTTP (uvicorn on loopback), as listeners' players see it."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import av
import httpx
import numpy as np
import numpy.typing as npt
import pytest
import uvicorn
from prometheus_client import CollectorRegistry

from onair.api.app import create_app
from onair.domain.playout import SAMPLE_RATE
from onair.observability.listener_metrics import StreamListenerMetrics
from onair.playout.mounts import StreamHub, default_mounts
from onair.playout.stream_app import StreamApp

Pcm = npt.NDArray[np.float32]
BLOCK = SAMPLE_RATE // 10


def tone(seconds: float, hz: float = 440.0, amplitude: float = 0.5) -> Pcm:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    return np.stack([wave, wave], axis=1)


def silence(seconds: float) -> Pcm:
    return np.zeros((round(seconds * SAMPLE_RATE), 2), np.float32)


async def play(hub: StreamHub, pcm: Pcm, title: str | None = None, pace: float = 0.0) -> None:
    """Feed ``pcm`` in 100 ms blocks as the engine does, track ``title`` starting with it."""
    for start in range(0, len(pcm), BLOCK):
        titles = [(0, title)] if title is not None and start == 0 else []
        await hub.feed_async(pcm[start : start + BLOCK], titles)
        await asyncio.sleep(pace)


@contextlib.asynccontextmanager
async def serving(app: Callable[..., Any]) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="critical", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def hub(registry: CollectorRegistry) -> Iterator[StreamHub]:
    hub = StreamHub(default_mounts(), StreamListenerMetrics(registry), queue_seconds=1.0)
    yield hub
    hub.close()


async def listen(
    client: httpx.AsyncClient, url: str, size: int, headers: dict[str, str] | None = None
) -> tuple[httpx.Headers, bytes]:
    got = bytearray()
    async with client.stream("GET", url, headers=headers) as reply:
        assert reply.status_code == 200
        async for block in reply.aiter_raw():
            got += block
            if len(got) >= size:
                break
    return reply.headers, bytes(got)


async def stopped_encoding(hub: StreamHub) -> None:
    while hub.encoding():
        await asyncio.sleep(0.01)


def strip_icy(body: bytes, metaint: int) -> tuple[bytes, list[tuple[int, str]]]:
    """Audio bytes, and (audio offset, title) of each StreamTitle block."""
    audio, titles, at = bytearray(), [], 0
    while at < len(body):
        audio += body[at : at + metaint]
        at += metaint
        if at >= len(body):
            break
        size = body[at] * 16
        if found := re.search(rb"StreamTitle='(.*)';", body[at + 1 : at + 1 + size]):
            titles.append((len(audio), found[1].decode()))
        at += 1 + size
    return bytes(audio), titles


def decode(data: bytes, fmt: str) -> Pcm:
    with av.open(io.BytesIO(data), "r", format={"opus": "ogg"}.get(fmt, fmt)) as container:
        frames = [f.to_ndarray() for f in container.decode(audio=0)]
    return np.concatenate([f[0, ::2] if f.shape[0] == 1 else f[0] for f in frames])


def pitch(signal: Pcm) -> float:
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return float(np.argmax(spectrum) * SAMPLE_RATE / len(signal))


def first_audible_byte_end(mp3: bytes) -> int:
    """The byte just after the first MP3 frame whose sound is loud (track B's start)."""
    with av.open(io.BytesIO(mp3), "r", format="mp3") as container:
        for packet in container.demux(audio=0):
            for frame in packet.decode():
                if np.abs(frame.to_ndarray()).max() > 0.2:
                    assert packet.pos is not None
                    return packet.pos + packet.size
    raise AssertionError("track B never sounds")


async def test_a_title_goes_out_only_after_the_bytes_of_its_first_sample(hub: StreamHub) -> None:
    metaint = 300  # under one MP3 frame (384 bytes): one frame early would show
    await play(hub, silence(1.0), "A - One")
    async with serving(StreamApp(hub, metaint=metaint)) as url, httpx.AsyncClient() as client:
        icy = listen(client, f"{url}/stream.mp3", 80_000, {"Icy-MetaData": "1"})
        plain = listen(client, f"{url}/stream.mp3", 70_000)
        listeners = asyncio.gather(icy, plain)
        while sum(hub.listeners().values()) < 2:
            await asyncio.sleep(0.01)
        await play(hub, silence(1.3))
        await play(hub, tone(3.0), "B - Two")
        await play(hub, silence(1.0))  # the stream goes on: the last batch goes out
        (icy_headers, icy_body), (plain_headers, plain_body) = await listeners
    assert icy_headers["icy-metaint"] == str(metaint)
    assert "icy-metaint" not in plain_headers
    assert b"StreamTitle" not in plain_body
    audio, titles = strip_icy(icy_body, metaint)
    assert audio[: len(plain_body)] == plain_body[: len(audio)]
    assert [t for _, t in titles] == ["A - One", "B - Two"]
    b_sounds = first_audible_byte_end(audio)
    announced = titles[1][0]
    assert b_sounds <= announced < b_sounds + metaint


async def test_a_late_listener_gets_a_burst_it_can_play_from_its_first_byte(
    hub: StreamHub,
) -> None:
    await play(hub, tone(8.0), "A - One")
    async with serving(StreamApp(hub)) as url, httpx.AsyncClient() as client:
        for fmt in ("mp3", "opus"):
            headers, body = await asyncio.wait_for(listen(client, f"{url}/stream.{fmt}", 60_000), 2)
            assert headers["content-type"] == ("audio/mpeg" if fmt == "mp3" else "audio/ogg")
            assert body.startswith(b"OggS") if fmt == "opus" else body[0] == 0xFF
            decoded = decode(body, fmt)
            assert len(decoded) > 3 * SAMPLE_RATE
            assert pitch(decoded[:SAMPLE_RATE]) == pytest.approx(440, abs=3)


async def test_an_aac_listener_hears_the_station_from_a_mount_encoded_only_while_listened_to(
    registry: CollectorRegistry,
) -> None:
    hub = StreamHub(default_mounts(), StreamListenerMetrics(registry), idle_seconds=2.0)
    try:
        await play(hub, tone(6.0), "A - One")
        assert hub.encoding() == []  # nobody listens: nothing is encoded
        async with serving(StreamApp(hub, metaint=4000)) as url, httpx.AsyncClient() as client:
            aac = listen(client, f"{url}/stream.aac", 100_000, {"Icy-MetaData": "1"})
            listening = asyncio.create_task(aac)
            while hub.listeners()["stream.aac"] < 1:
                await asyncio.sleep(0.01)
            await play(hub, tone(4.0, hz=880.0), "B - Two")
            headers, body = await asyncio.wait_for(listening, 10)
        assert hub.encoding() == ["stream.aac"]
        await play(hub, silence(4.0))  # the idle time after the last listener left
        await asyncio.wait_for(stopped_encoding(hub), 5)
    finally:
        hub.close()
    assert headers["content-type"] == "audio/aac"
    audio, titles = strip_icy(body, 4000)
    decoded = decode(audio, "aac")
    # The burst is the last seconds played before the listener came, then the live stream.
    assert pitch(decoded[: SAMPLE_RATE // 2]) == pytest.approx(440, abs=3)
    assert pitch(decoded[-SAMPLE_RATE:]) == pytest.approx(880, abs=3)
    assert [t for _, t in titles] == ["A - One", "B - Two"]


async def test_fifty_listeners_play_while_a_stalled_one_is_dropped(
    hub: StreamHub, registry: CollectorRegistry
) -> None:
    def count(mount: str) -> float | None:
        return registry.get_sample_value("onair_stream_listeners", {"mount": mount})

    await play(hub, tone(1.0))
    async with serving(StreamApp(hub)) as url, httpx.AsyncClient(timeout=10) as client:
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(("127.0.0.1", int(url.rsplit(":", 1)[1])))
        stalled.sendall(b"GET /stream.mp3 HTTP/1.1\r\nHost: x\r\n\r\n")
        urls = [f"{url}/stream.{fmt}" for fmt in ("mp3", "opus") for _ in range(25)]
        reading = asyncio.gather(*(listen(client, u, 100_000) for u in urls))
        while sum(hub.listeners().values()) < 51:
            await asyncio.sleep(0.01)
        assert (count("stream.mp3"), count("stream.opus")) == (26, 25)
        # Faster than real time: the stalled socket fills while the others keep up.
        bodies = await asyncio.wait_for(asyncio.gather(reading, play(hub, tone(8.0))), 15)
        for fmt, (_, body) in zip(["mp3"] * 25 + ["opus"] * 25, bodies[0], strict=True):
            assert pitch(decode(body, fmt)[:SAMPLE_RATE]) == pytest.approx(440, abs=3)
        assert hub.listener_peak() == {"stream.mp3": 26, "stream.opus": 25, "stream.aac": 0}
        # Loopback's kernel buffers take megabytes before the stalled one's queue fills.
        for _ in range(300):
            if hub.listeners()["stream.mp3"] == 0:
                break
            await hub.feed_async(tone(1.0))
        await asyncio.sleep(0.05)
        stalled.close()
    dropped = registry.get_sample_value(
        "onair_stream_listeners_dropped_total", {"mount": "stream.mp3"}
    )
    assert dropped == 1
    assert (count("stream.mp3"), count("stream.opus")) == (0, 0)


async def test_an_unknown_mount_is_404_and_a_stopped_playout_503(hub: StreamHub) -> None:
    async with serving(StreamApp(hub)) as url, httpx.AsyncClient() as client:
        before = await client.get(f"{url}/stream.mp3")
        await play(hub, tone(1.0))
        missing = await client.get(f"{url}/stream.flac")
        head = await client.head(f"{url}/stream.opus", headers={"Icy-MetaData": "1"})
        hub.stop("playout stopped by the operator")
        await asyncio.sleep(0.05)
        after = await client.get(f"{url}/stream.mp3")
    assert (before.status_code, before.text) == (503, "playout is not running\n")
    assert missing.status_code == 404
    assert head.status_code == 200
    assert head.headers["content-type"] == "audio/ogg"
    assert (head.headers["icy-br"], head.headers["icy-metaint"]) == ("128", "16000")
    assert head.headers["cache-control"].startswith("no-cache")
    assert head.content == b""
    assert (after.status_code, after.text) == (503, "playout stopped by the operator\n")


async def test_stopping_playout_ends_the_listeners_streams(hub: StreamHub) -> None:
    await play(hub, tone(2.0))
    async with serving(StreamApp(hub)) as url, httpx.AsyncClient() as client:

        async def whole(path: str) -> bytes:
            async with client.stream("GET", url + path) as reply:
                return await reply.aread()

        bodies = asyncio.gather(whole("/stream.mp3"), whole("/stream.opus"))
        while sum(hub.listeners().values()) < 2:
            await asyncio.sleep(0.01)
        hub.stop()
        mp3, opus = await asyncio.wait_for(bodies, 5)
    assert len(decode(mp3, "mp3")) > SAMPLE_RATE
    assert len(decode(opus, "opus")) > SAMPLE_RATE


@pytest.mark.parametrize(("prefix", "mounted_at"), [("", "/"), ("/radio", "/radio")])
async def test_mounted_in_the_api_app_the_stream_flows_unbuffered(
    hub: StreamHub, prefix: str, mounted_at: str
) -> None:
    api = create_app(station="demo", roles=frozenset(), checks={}, registry=CollectorRegistry())
    api.mount(mounted_at, StreamApp(hub))
    await play(hub, tone(2.0))  # a batch: what the hub sends at once
    async with serving(api) as url, httpx.AsyncClient() as client:
        # The stream never ends: any buffering middleware would make this time out.
        live = listen(client, f"{url}{prefix}/stream.mp3", 10_000)
        headers, body = await asyncio.wait_for(live, 3)
        health = await client.get(f"{url}/healthz")
    assert "x-request-id" in headers
    assert body[0] == 0xFF
    assert health.status_code != 404
