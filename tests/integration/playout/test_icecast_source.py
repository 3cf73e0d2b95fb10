"""IcecastSource against the real icecast2: listeners hear it, faults are one line, it returns."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
from collections.abc import AsyncIterator

import av
import httpx
import pytest

from onair.playout.icecast.source import IcecastSource
from tests.fixtures.icecast import IcecastServer

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg missing")

_CHUNK = 4000  # a quarter second of 128 kbps MP3


@pytest.fixture(scope="module")
def tone_mp3(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("audio") / "tone.mp3"
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=30"),
            *("-ac", "2", "-ar", "44100", "-b:a", "128k", str(path)),
        ],
        check=True,
    )
    return path.read_bytes()


async def _feed(source: IcecastSource, data: bytes) -> None:
    """Send ``data`` at about its real-time rate, round and round."""
    while True:
        for start in range(0, len(data), _CHUNK):
            await source.send(data[start : start + _CHUNK])
            await asyncio.sleep(0.25)


async def _listen(url: str, size: int) -> bytes:
    got = bytearray()
    async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "audio/mpeg"
        async for block in reply.aiter_bytes():
            got += block
            if len(got) >= size:
                break
    return bytes(got)


def _decoded_seconds(mp3: bytes) -> float:
    with av.open(io.BytesIO(mp3), mode="r", format="mp3") as container:
        frames = [frame for frame in container.decode(audio=0)]
    assert frames, "the listener got no decodable MP3 frames"
    return sum(frame.samples for frame in frames) / frames[0].sample_rate


@pytest.fixture
async def feeding(
    icecast: IcecastServer, tone_mp3: bytes
) -> AsyncIterator[tuple[IcecastSource, list[str]]]:
    faults: list[str] = []
    source = IcecastSource(
        icecast.mount_url("/live.mp3"), icecast.source_password, on_fault=faults.append
    )
    async with source:
        feeder = asyncio.create_task(_feed(source, tone_mp3))
        assert await source.wait_connected(10)
        yield source, faults
        feeder.cancel()


async def test_a_listener_hears_the_streamed_mp3(
    icecast: IcecastServer, feeding: tuple[IcecastSource, list[str]]
) -> None:
    source, faults = feeding
    assert icecast.sources() == ["/live.mp3"]
    heard = await _listen(icecast.mount_url("/live.mp3"), 48_000)
    assert _decoded_seconds(heard) > 2.0
    assert await source.update_metadata("Tone: 440 Hz, é")
    assert faults == []


async def test_a_wrong_password_is_one_fault_line_and_no_exception(icecast: IcecastServer) -> None:
    faults: list[str] = []
    source = IcecastSource(
        icecast.mount_url("/refused.mp3"),
        "not-the-password",
        on_fault=faults.append,
        max_backoff_s=0.5,
    )
    async with source:
        for _ in range(20):
            await source.send(b"\xff" * 100)
            await asyncio.sleep(0.1)
        assert not source.connected
    assert faults == [
        f"icecast at 127.0.0.1:{icecast.port} refused the source password for /refused.mp3"
    ]
    assert "/refused.mp3" not in icecast.sources()


async def test_the_source_comes_back_after_icecast_restarts(
    icecast: IcecastServer, feeding: tuple[IcecastSource, list[str]]
) -> None:
    source, faults = feeding
    await asyncio.to_thread(icecast.restart)
    assert await source.wait_connected(15)
    assert any("dropped the source for /live.mp3" in fault for fault in faults)
    heard = await _listen(icecast.mount_url("/live.mp3"), 32_000)
    assert _decoded_seconds(heard) > 1.0
    assert icecast.sources() == ["/live.mp3"]
