"""The Liquidsoap backend with the real liquidsoap 2.1 streaming to the real icecast2."""

from __future__ import annotations

import asyncio
import io
import itertools
import os
import shutil
import signal
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from onair.domain.playout import AirItem
from onair.domain.programming import ItemKind
from onair.playout.liquidsoap.backend import LiquidsoapBackend
from onair.playout.liquidsoap.requests import annotate_uri
from onair.playout.liquidsoap.script import (
    LiveScript,
    live_script,
    render_script,
    render_with_liquidsoap,
)
from tests.fixtures.icecast import IcecastServer

pytestmark = pytest.mark.skipif(
    shutil.which("liquidsoap") is None or shutil.which("ffmpeg") is None,
    reason="liquidsoap or ffmpeg missing: apt-get install liquidsoap ffmpeg",
)

MOUNT = "/onair.mp3"
CROSS_S = 2.0


def _ffmpeg(source: str, path: Path) -> Path:
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-f", "lavfi", "-i", source),
            *("-ac", "2", "-ar", "44100", "-b:a", "128k", str(path)),
        ],
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """8 s tones, 12 s of silence, and a fallback folder of pink noise."""
    folder = tmp_path_factory.mktemp("liq-audio")
    made = {
        f"tone{hz}": _ffmpeg(f"sine=frequency={hz}:duration=8", folder / f"tone{hz}.mp3")
        for hz in (440, 660, 880)
    }
    made["silence"] = _ffmpeg("anullsrc=r=44100:cl=stereo:d=12", folder / "silence.mp3")
    fallback = folder / "fallback"
    fallback.mkdir()
    _ffmpeg("anoisesrc=color=pink:amplitude=0.3:duration=30", fallback / "noise.mp3")
    made["fallback"] = fallback
    return made


def _item(n: int, *, cue_in: float = 0.5, cue_out: float = 7.5) -> AirItem:
    return AirItem(
        play_id=f"play-{n}",
        asset_id=f"asset-{n}",
        kind=ItemKind.MUSIC,
        category="A",
        title=f'Tone "{n}"',
        artist="Test, Signals",
        master_key=f"masters/{n}.mp3",
        cue_in_s=cue_in,
        cue_out_s=cue_out,
        intro_s=cue_in,
        segue_s=cue_out - CROSS_S,
        gain_db=-3.2,
    )


async def _until(check: Callable[[], bool], within_s: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not check():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def _listen_db(url: str, size: int = 96_000) -> float:
    """Listen to the mount and return the RMS level of the last second heard, in dBFS.

    Icecast first bursts about 4 s of what it already relayed; the end is live.
    """
    got = bytearray()
    async with httpx.AsyncClient(timeout=15) as client, client.stream("GET", url) as reply:
        assert reply.status_code == 200
        async for block in reply.aiter_bytes():
            got += block
            if len(got) >= size:
                break
    with av.open(io.BytesIO(bytes(got)), mode="r", format="mp3") as container:
        samples = np.concatenate(
            [frame.to_ndarray().astype(np.float64).ravel() for frame in container.decode(audio=0)]
        )[-2 * 44_100 :]
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12))


class Recorder:
    def __init__(self) -> None:
        self.started: list[tuple[str, datetime]] = []
        self.faults: list[str] = []
        self.recovered: list[str] = []

    @property
    def play_ids(self) -> list[str]:
        return [play_id for play_id, _ in self.started]


MakeBackend = Callable[..., Awaitable[tuple[LiquidsoapBackend, Recorder]]]


@pytest.fixture
async def make_backend(
    icecast: IcecastServer, audio: dict[str, Path], tmp_path: Path
) -> AsyncIterator[MakeBackend]:
    made: list[LiquidsoapBackend] = []

    async def factory(password: str | None = None) -> tuple[LiquidsoapBackend, Recorder]:
        seen = Recorder()
        backend = LiquidsoapBackend(
            tmp_path / f"liq{len(made)}",
            icecast_url=icecast.mount_url(MOUNT),
            icecast_password=password or icecast.source_password,
            fallback_dir=audio["fallback"],
            max_backoff_s=1.0,
            on_started=lambda play_id, at: seen.started.append((play_id, at)),
            on_fault=seen.faults.append,
            on_recovered=seen.recovered.append,
        )
        made.append(backend)
        await backend.start()
        return backend, seen

    yield factory
    for backend in made:
        await backend.stop()


async def _push_tones(backend: LiquidsoapBackend, audio: dict[str, Path]) -> list[int | None]:
    return [
        await backend.push(_item(n), audio[f"tone{hz}"], CROSS_S, CROSS_S, CROSS_S)
        for n, hz in enumerate((440, 660, 880))
    ]


async def test_pushed_items_air_in_order_crossfaded_on_the_mount(
    make_backend: MakeBackend, icecast: IcecastServer, audio: dict[str, Path]
) -> None:
    backend, seen = await make_backend()
    rids = await _push_tones(backend, audio)
    assert rids[2] is not None
    held = await backend.telnet.metadata(rids[2])
    assert (held["onair_play_id"], held["title"], held["liq_amplify"]) == (
        "play-2",
        'Tone "2"',
        "-3.20 dB",
    )
    await _until(lambda: len(seen.started) == 3, 30)
    assert seen.play_ids == ["play-0", "play-1", "play-2"]
    starts = [at for _, at in seen.started]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    # Each airs 7 s (cue 0.5 to 7.5) and the next starts 2 s before its end.
    assert gaps == pytest.approx([5.0, 5.0], abs=0.5)
    assert backend.on_air is not None
    assert backend.on_air.play_id == "play-2"
    assert backend.pending == []
    assert MOUNT in icecast.sources()
    assert await _listen_db(icecast.mount_url(MOUNT)) > -30
    assert seen.faults == []


async def test_a_killed_liquidsoap_is_restarted_and_the_unaired_items_air(
    make_backend: MakeBackend, icecast: IcecastServer, audio: dict[str, Path]
) -> None:
    backend, seen = await make_backend()
    await _push_tones(backend, audio)
    await _until(lambda: len(seen.started) == 1, 20)
    first_pid = backend.pid
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)
    await _until(lambda: len(seen.started) == 3, 40)
    assert seen.play_ids == ["play-0", "play-1", "play-2"]
    assert backend.pid not in (None, first_pid)
    assert any("liquidsoap exited with code -9" in fault for fault in seen.faults)
    assert any("pushed 2 requests again" in line for line in seen.recovered)
    await _until(lambda: MOUNT in icecast.sources(), 10)
    assert await _listen_db(icecast.mount_url(MOUNT)) > -30


async def test_the_fallback_plays_when_the_queue_is_empty_and_silence_is_skipped(
    make_backend: MakeBackend, icecast: IcecastServer, audio: dict[str, Path]
) -> None:
    backend, seen = await make_backend()
    await _until(lambda: MOUNT in icecast.sources(), 10)
    assert await _listen_db(icecast.mount_url(MOUNT)) > -30  # pink noise, not silence
    await backend.push(_item(9, cue_in=0.0, cue_out=12.0), audio["silence"], 0.0, 0.0, 0.0)
    await _until(lambda: seen.play_ids == ["play-9"], 10)
    await _until(lambda: any("silence under -50 dB" in fault for fault in seen.faults), 15)
    # The alarm and the fallback's track are posted from two threads, in either order.
    await _until(lambda: backend.on_air is None, 5)
    assert await _listen_db(icecast.mount_url(MOUNT)) > -30


async def test_a_refused_icecast_password_is_one_fault_line(
    make_backend: MakeBackend, icecast: IcecastServer
) -> None:
    _, seen = await make_backend(password="wrong")
    await _until(lambda: bool(seen.faults), 15)
    await asyncio.sleep(4)  # liquidsoap retries every 3 s: still one line
    assert len(seen.faults) == 1
    assert seen.faults[0].startswith(
        f"liquidsoap cannot stream to icecast at 127.0.0.1:{icecast.port}{MOUNT}"
    )


@pytest.mark.parametrize("cross_s", [CROSS_S, 0.0])
async def test_the_render_script_renders_the_items_crossfaded(
    audio: dict[str, Path], tmp_path: Path, cross_s: float
) -> None:
    requests = [
        annotate_uri(_item(n), audio[f"tone{hz}"], cross_s=cross_s, fade_in_s=1, fade_out_s=cross_s)
        for n, hz in enumerate((440, 660, 880))
    ]
    output = tmp_path / "render.mp3"
    await asyncio.to_thread(render_with_liquidsoap, requests, output, work_dir=tmp_path / "work")
    with av.open(str(output), mode="r") as container:
        seconds = sum(frame.samples for frame in container.decode(audio=0)) / 44_100
    assert seconds == pytest.approx(3 * 7.0 - 2 * cross_s, abs=0.5)


def test_a_render_that_skips_a_missing_file_fails(audio: dict[str, Path], tmp_path: Path) -> None:
    requests = [
        annotate_uri(_item(n), path, cross_s=CROSS_S, fade_in_s=1, fade_out_s=CROSS_S)
        for n, path in enumerate((audio["tone440"], tmp_path / "missing.mp3"))
    ]
    with pytest.raises(RuntimeError, match="liquidsoap skipped 1 requests"):
        render_with_liquidsoap(requests, tmp_path / "out.mp3", work_dir=tmp_path / "work")


def test_liquidsoap_accepts_both_scripts(tmp_path: Path) -> None:
    live = tmp_path / "live.liq"
    config = LiveScript(
        telnet_port=1234,
        callback_url="http://127.0.0.1:5000/liquidsoap/t",
        icecast_host="127.0.0.1",
        icecast_port=8000,
        icecast_password='se"cret#{x}\\',
        mount="/onair.mp3",
        fallback_dir=tmp_path / "folder with 'quotes'",
    )
    live.write_text(live_script(config))
    uri = annotate_uri(_item(0), tmp_path / "a.mp3", cross_s=1, fade_in_s=1, fade_out_s=1)
    render = tmp_path / "render.liq"
    render.write_text(render_script([uri, uri], tmp_path / "out.mp3"))
    for script in (live, render):
        done = subprocess.run(
            ["liquidsoap", "--check", str(script)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr


async def test_liquidsoap_streams_again_after_icecast_restarts(
    make_backend: MakeBackend, icecast: IcecastServer
) -> None:
    _, seen = await make_backend()
    await _until(lambda: MOUNT in icecast.sources(), 10)
    await asyncio.to_thread(icecast.restart)
    await _until(lambda: MOUNT in icecast.sources(), 20)
    await _until(lambda: bool(seen.recovered), 5)
    assert len(seen.faults) == 1
    assert "liquidsoap cannot stream to icecast" in seen.faults[0]
    assert seen.recovered == [f"liquidsoap streams to {MOUNT} again"]
    assert await _listen_db(icecast.mount_url(MOUNT)) > -30
