"""The live engine in real time, heard through the built-in stream while things go wrong."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from onair.bus.nats_bus import NatsJetStreamBus
from onair.domain.events import Envelope
from onair.domain.playout import AsRunEntry, OnAirState, OperatorAction, Trigger
from onair.domain.programming import ItemKind
from onair.playout.engine import EngineRecords, PcmOutput, PlayoutEngine
from onair.playout.icecast.output import IcecastOutput
from onair.playout.icecast.source import IcecastSource
from onair.playout.lineup import AirRules
from onair.playout.mounts import StreamHub, default_mounts
from onair.playout.stream_app import StreamApp
from onair.playout.timeline import Timeline, TimelineSettings
from tests.fixtures.icecast import IcecastServer
from tests.fixtures.nats import NatsServer

from .test_stream import serving
from .world import STATION, World, longest_silence_s

pytestmark = pytest.mark.timeout(120)
MUSIC = ItemKind.MUSIC


class Records:
    """In-memory as-run, state and operator log that can be made to fail like a database."""

    def __init__(self) -> None:
        self.entries: list[AsRunEntry] = []
        self.states: list[OnAirState] = []
        self.actions: list[OperatorAction] = []
        self.down = False

    def record(self, entry: AsRunEntry | OperatorAction) -> None:
        if self.down:
            raise ConnectionError("database is away")
        if isinstance(entry, AsRunEntry):
            self.entries.append(entry)
        else:
            self.actions.append(entry)

    def between(self, station: str, start: datetime, end: datetime) -> list[AsRunEntry]:
        return list(self.entries)

    def save(self, state: OnAirState) -> None:
        if self.down:
            raise ConnectionError("database is away")
        self.states.append(state)

    def load(self, station: str) -> OnAirState | None:
        return self.states[-1] if self.states else None


async def listen(url: str, seconds: float) -> np.ndarray:
    """Decode ``seconds`` of the live MP3 mount with ffmpeg, as a player would hear it."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg is not None
    proc = await asyncio.create_subprocess_exec(
        ffmpeg, "-loglevel", "error", "-i", url, "-t", str(seconds), "-f", "f32le", "-ac", "2",
        "-ar", "48000", "-", stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    data, _ = await proc.communicate()
    return np.frombuffer(data, np.float32).reshape(-1, 2)


@pytest.fixture
def on_air(tmp_path: Path) -> tuple[World, Records, list[Envelope]]:
    world = World(tmp_path, t0=datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1))
    return world, Records(), []


async def run(
    world: World,
    records: Records,
    events: list[Envelope],
    *,
    bus_down: bool = False,
    extra: list[PcmOutput] | None = None,
) -> tuple[PlayoutEngine, StreamHub]:
    settings = TimelineSettings(silence_s=3.0)
    rules = AirRules(window=timedelta(seconds=20))

    def open_timeline(
        t0: datetime, resume: object
    ) -> Timeline:  # the engine passes how to resume; a fresh world has nothing to resume
        return world.timeline(settings, rules, t0=t0)

    async def publish(envelope: Envelope) -> None:
        if bus_down:
            raise ConnectionError("nats is away")
        events.append(envelope)

    hub = StreamHub(default_mounts(), queue_seconds=5.0)
    book = EngineRecords(records, records, records)  # type: ignore[arg-type]
    engine = PlayoutEngine(STATION, open_timeline, [hub, *(extra or [])], publish, book)
    await engine.start()
    await asyncio.sleep(0.3)  # the first blocks are on the stream before a listener comes
    return engine, hub


def _songs(world: World, count: int, seconds: float = 6.0) -> list[str]:
    ids = []
    for n in range(count):
        world.asset(f"s{n}", 300 + 40 * n, seconds, tail_s=1.0, intro_s=1.0)
        ids.append(f"s{n}")
    return ids


async def test_the_engine_airs_the_schedule_on_time_into_the_stream(
    on_air: tuple[World, Records, list[Envelope]],
) -> None:
    world, records, events = on_air
    ids = _songs(world, 4)
    world.plan(*[(i, MUSIC) for i in ids])
    engine, hub = await run(world, records, events)
    try:
        async with serving(StreamApp(hub)) as url:
            heard = await listen(f"{url}/stream.mp3", 17)
    finally:
        await engine.stop()
        hub.close()
    aired = [e for e in records.entries if e.schedule_item_id]
    assert [e.asset_id for e in aired][:3] == ids[:3]
    errors = [abs(e.start_error_ms or 0) for e in aired]
    # Each item goes out on its scheduled instant; the margin is for a loaded test machine
    # (bench/playout.py measures the real figure).
    assert max(errors) < 500
    assert longest_silence_s(heard) < 2.0
    assert aired[1].listeners == 1  # the one listener, counted into the as-run
    started = [e for e in events if e.type == "playout.item_started"]
    assert started[0].correlation.asset_id == ids[0]
    assert started[0].payload["scheduled_start"] == world.items[0].start.isoformat()


async def test_faults_mid_hour_never_leave_dead_air(
    on_air: tuple[World, Records, list[Envelope]],
) -> None:
    world, records, events = on_air
    ids = _songs(world, 6)
    world.plan(*[(i, MUSIC) for i in ids])
    (world.folder / "s2.wav").write_bytes(b"RIFF not really audio")  # corrupt
    world.without_audio("s3")  # deleted
    engine, hub = await run(world, records, events, bus_down=True)  # and the bus is away
    try:
        async with serving(StreamApp(hub)) as url:
            listening = asyncio.create_task(listen(f"{url}/stream.mp3", 30))
            await asyncio.sleep(14)
            world.schedule_down = records.down = True  # the database goes away
            await asyncio.sleep(8)
            records.down = world.schedule_down = False  # and comes back
            heard = await listening
    finally:
        await engine.stop()
        hub.close()
    assert longest_silence_s(heard) < 2.0
    assert len(heard) > 28 * 48_000
    swapped = [e for e in engine.aired if e.substitution_reason]
    assert any("s2" in (e.substitution_reason or "") or e.asset_id != "s2" for e in swapped)
    assert "s2" not in [e.asset_id for e in engine.aired]
    assert "s3" not in [e.asset_id for e in engine.aired]
    # What aired while the database was away was written when it came back.
    assert [e.play_id for e in records.entries] == [e.play_id for e in engine.aired]


async def test_skip_and_hold_are_operator_actions(
    on_air: tuple[World, Records, list[Envelope]],
) -> None:
    world, records, events = on_air
    ids = _songs(world, 3, seconds=20.0)
    world.plan(*[(i, MUSIC) for i in ids])
    engine, hub = await run(world, records, events)
    try:
        await asyncio.sleep(3)
        done = await engine.trigger(Trigger.SKIP, "ann", note="test")
        await asyncio.sleep(3)
    finally:
        await engine.stop()
        hub.close()
    assert done["done"] is True
    first = engine.aired[0]
    assert first.asset_id == "s0"
    assert first.ended_by.value == "skip"
    assert first.duration_s < 6
    assert [(a.trigger, a.who) for a in records.actions] == [(Trigger.SKIP, "ann")]
    action = next(e for e in events if e.type == "playout.action_taken")
    # The compliance ledger keeps what was on air before the skip, and what after.
    before, after = action.payload["before"]["on_air"], action.payload["after"]["on_air"]
    assert (before["asset_id"], before["ending"]) == ("s0", "natural")
    assert (after["asset_id"], after["ending"]) == ("s0", "skip")
    assert action.payload["note"] == "test"
    ended = [e for e in events if e.type == "playout.item_ended"]
    assert ended[0].payload["ended_by"] == "skip"
    assert "listeners" in ended[0].payload
    assert ended[0].payload["adjustments"] == list(first.adjustments)


async def test_the_engine_streams_to_icecast_as_its_source(
    on_air: tuple[World, Records, list[Envelope]], icecast: IcecastServer
) -> None:
    world, records, events = on_air
    ids = _songs(world, 3)
    world.plan(*[(i, MUSIC) for i in ids])
    faults: list[str] = []
    source = IcecastSource(icecast.mount_url("/onair.mp3"), icecast.source_password,
                           on_fault=faults.append)  # fmt: skip
    await source.start()
    engine, hub = await run(world, records, events, extra=[IcecastOutput(source)])
    try:
        assert await source.wait_connected(10)
        heard = await listen(icecast.mount_url("/onair.mp3"), 8)
    finally:
        await engine.stop()
        hub.close()
        await source.aclose()
    assert faults == []
    assert len(heard) > 7 * 48_000
    assert longest_silence_s(heard) < 2.0


async def test_a_refused_icecast_password_is_reported_and_the_air_goes_on(
    on_air: tuple[World, Records, list[Envelope]], icecast: IcecastServer
) -> None:
    world, records, events = on_air
    ids = _songs(world, 2)
    world.plan(*[(i, MUSIC) for i in ids])
    faults: list[str] = []
    source = IcecastSource(icecast.mount_url("/refused.mp3"), "wrong", on_fault=faults.append)
    await source.start()
    engine, hub = await run(world, records, events, extra=[IcecastOutput(source)])
    try:
        async with serving(StreamApp(hub)) as url:
            heard = await listen(f"{url}/stream.mp3", 4)
    finally:
        await engine.stop()
        hub.close()
        await source.aclose()
    assert any("refused the source password" in f for f in faults)
    assert longest_silence_s(heard) < 2.0  # the built-in stream never noticed


async def test_nats_stopping_mid_hour_leaves_the_air_alone(
    on_air: tuple[World, Records, list[Envelope]], nats_server: NatsServer, tmp_path: Path
) -> None:
    world, records, _ = on_air
    ids = _songs(world, 4)
    world.plan(*[(i, MUSIC) for i in ids])
    bus = NatsJetStreamBus(nats_server.url, STATION, spool_dir=tmp_path / "spool")
    await bus.start()
    settings = TimelineSettings(silence_s=3.0)

    def open_timeline(t0: datetime, resume: object) -> Timeline:
        return world.timeline(settings, AirRules(window=timedelta(seconds=20)), t0=t0)

    hub = StreamHub(default_mounts(), queue_seconds=5.0)
    book = EngineRecords(records, records, records)  # type: ignore[arg-type]
    engine = PlayoutEngine(STATION, open_timeline, [hub], bus.publish, book)
    await engine.start()
    await asyncio.sleep(0.3)
    try:
        async with serving(StreamApp(hub)) as url:
            listening = asyncio.create_task(listen(f"{url}/stream.mp3", 16))
            await asyncio.sleep(4)
            await asyncio.to_thread(nats_server.stop)  # mid-hour, while items start
            heard = await listening
    finally:
        await engine.stop()
        hub.close()
        await bus.close()
    assert longest_silence_s(heard) < 2.0
    starts = [abs(e.start_error_ms or 0) for e in engine.aired if e.schedule_item_id]
    assert len(starts) >= 2
    assert max(starts) < 500  # no item waited on the dead bus
    assert len(bus.spool) > 0  # the events it could not take wait on disk for NATS
