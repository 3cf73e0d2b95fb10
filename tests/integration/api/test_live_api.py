"""The live WebSocket over a real server (uvicorn on loopback) and a real bus, as clients see it.

A real playout engine airs a small station into the bus; real WebSocket clients
(the ``websockets`` package) connect with a token, a session cookie, or nothing.
"""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from onair.api.live.hub import TOO_SLOW, LiveHub
from onair.bus.nats_bus import NatsJetStreamBus
from onair.domain.access import Role
from onair.domain.events import new_envelope
from onair.domain.playout import AsRunEntry, OnAirState, OperatorAction
from onair.domain.programming import ItemKind
from onair.playout.engine import EngineRecords, PlayoutEngine
from onair.playout.lineup import AirRules
from onair.playout.timeline import Timeline, TimelineSettings
from tests.fixtures.nats import NatsServer
from tests.integration.api.conftest import PASSWORD
from tests.integration.api.live_server import LiveServer, live_server, receive
from tests.integration.playout.world import STATION, World

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


class _Records:
    """Where the engine writes its as-run, state and actions: kept in memory here."""

    def __init__(self) -> None:
        self.kept: list[AsRunEntry | OperatorAction | OnAirState] = []

    def record(self, entry: AsRunEntry | OperatorAction) -> None:
        self.kept.append(entry)

    def save(self, state: OnAirState) -> None:
        self.kept.append(state)

    def load(self, station: str) -> OnAirState | None:
        return None


def _engine(world: World, server: LiveServer) -> PlayoutEngine:
    settings, rules = TimelineSettings(silence_s=3.0), AirRules(window=timedelta(seconds=20))

    def open_timeline(t0: datetime, resume: object) -> Timeline:
        return world.timeline(settings, rules, t0=t0)

    records = _Records()
    book = EngineRecords(records, records, records)  # type: ignore[arg-type]
    bus = server.station.bus
    return PlayoutEngine(STATION, open_timeline, [], bus.publish, book, broadcast=bus.broadcast)


async def _now_playing(server: LiveServer, title: str) -> None:
    """What playout says when it starts an item, on the station's bus."""
    await server.station.bus.publish(new_envelope("playout.item_started", STATION,
                                                  {"title": title, "artist": "A"}))  # fmt: skip


async def test_a_client_hears_now_playing_when_playout_starts_an_item(tmp_path: Path) -> None:
    world = World(tmp_path, t0=datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1))
    for n in range(3):
        world.asset(f"s{n}", 300 + 40 * n, 4.0, tail_s=1.0, intro_s=1.0)
    world.plan(("s0", ItemKind.MUSIC), ("s1", ItemKind.MUSIC), ("s2", ItemKind.MUSIC))
    async with live_server(tmp_path) as server, server.connect(token=server.token()) as ws:
        hello = await receive(ws, "hello")
        assert hello["data"]["who"] == "token:viewer"
        assert hello["data"]["resumed"] is False
        snapshot = await receive(ws, "snapshot")
        assert snapshot["data"]["now_playing"] is None  # nothing has aired yet
        engine = _engine(world, server)
        await engine.start()
        try:
            state = await receive(ws, "state")
            playing = await receive(ws, "now_playing")
            coming = await receive(ws, "next")
            meters = [(await receive(ws, "meters"))["data"] for _ in range(5)]
        finally:
            await engine.stop()
    assert state["data"]["state"] == "on_air"
    assert playing["data"]["asset_id"] == "s0"
    assert playing["data"]["title"] == "Title s0"
    assert playing["seq"] > state["seq"] > snapshot["seq"]
    assert [(i["asset_id"], i["title"]) for i in coming["data"]["items"]] == [
        ("s1", "Title s1"), ("s2", "Title s2")]  # fmt: skip
    assert coming["data"]["hard_post"] is None  # no hard post within the look-ahead
    # A tone of amplitude 0.25 on both channels: -12 dBFS peaks, about -12 LUFS (its
    # frequency is low, so K-weighting takes a little off), read by playout.
    assert all(m["peak_dbfs"] == [-12.0, -12.0] for m in meters[1:]), meters
    assert all(-14.0 < m["momentary_lufs"] < -11.0 for m in meters[4:]), meters


async def test_a_client_that_reconnects_with_its_last_seq_gets_what_it_missed(
    tmp_path: Path,
) -> None:
    async with live_server(tmp_path, LiveHub(replay=4)) as server:
        token = server.token()
        async with server.connect(token=token) as ws:
            session = (await receive(ws, "hello"))["data"]["session"]
            await _now_playing(server, "one")
            last = (await receive(ws, "now_playing"))["seq"]
        for title in ("two", "three"):
            await _now_playing(server, title)
        await asyncio.sleep(0.2)  # the bus has handed them to the hub
        async with server.connect(f"?since={last}&session={session}", token=token) as ws:
            assert (await receive(ws, "hello"))["data"]["resumed"] is True
            missed = [json.loads(await ws.recv()) for _ in range(2)]
            assert [m["data"]["title"] for m in missed] == ["two", "three"]
            assert [m["seq"] for m in missed] == [last + 1, last + 2]
            await _now_playing(server, "four")  # and then live again
            four = await receive(ws, "now_playing")
            assert four["data"]["title"] == "four"
            last = four["seq"]
        for n in range(6):  # more than the replay buffer keeps
            await _now_playing(server, f"later {n}")
        await asyncio.sleep(0.2)
        async with server.connect(f"?since={last}&session={session}", token=token) as ws:
            assert (await receive(ws, "hello"))["data"]["resumed"] is False
            snapshot = await receive(ws, "snapshot")
            assert snapshot["data"]["now_playing"]["title"] == "later 5"
        # A sequence number of another run of the API (another session) is not ours either.
        async with server.connect(f"?since={last}&session=other", token=token) as ws:
            assert (await receive(ws, "hello"))["data"]["resumed"] is False


async def test_a_slow_client_is_dropped_while_a_fast_one_keeps_receiving(tmp_path: Path) -> None:
    async with live_server(tmp_path, LiveHub(replay=4, client_queue=24)) as server:
        token = server.token()
        # A client that stops reading: a small socket buffer, and a client library that
        # stops taking frames after two, so the server's writes back up quickly.
        slow_sock = socket.socket()
        slow_sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow_sock.connect(("127.0.0.1", server.port))
        async with (
            server.connect(token=token, sock=slow_sock, max_queue=2) as slow,
            server.connect(token=token, max_size=None) as fast,
        ):
            await receive(slow, "snapshot")
            await receive(fast, "snapshot")
            note = "x" * 32_000  # 400 of these are more than every buffer on the way holds
            got: list[dict[str, Any]] = []

            async def read_fast() -> None:
                while len(got) < 400:
                    message = json.loads(await fast.recv())
                    if message["type"] == "error":
                        got.append(message)

            reading = asyncio.create_task(read_fast())
            for n in range(400):
                await server.station.bus.publish(new_envelope(
                    "playout.error", STATION, {"reason": f"{n}", "note": note}))  # fmt: skip
            async with asyncio.timeout(30):
                await reading
            assert [m["data"]["reason"] for m in got] == [str(n) for n in range(400)]
            assert server.hub.clients() == 1  # the slow one is gone, its queue with it
            with pytest.raises(ConnectionClosed) as closed:
                await _read_to_the_end(slow)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == TOO_SLOW
            assert closed.value.rcvd.reason.startswith("too slow: 24 messages waiting")


async def _read_to_the_end(ws: Any) -> None:
    async with asyncio.timeout(20):
        while True:
            await ws.recv()


async def test_anonymous_and_bad_tokens_are_refused(tmp_path: Path) -> None:
    async with live_server(tmp_path) as server:
        async with server.connect() as ws:
            await ws.send(json.dumps({"hello": "no token"}))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401
        assert "anonymous live connections are refused" in closed.value.rcvd.reason
        async with server.connect() as ws:
            await ws.send(json.dumps({"token": "onair_nothing_known"}))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401
        # A token in the first message opens it, as a page holding a token does.
        async with server.connect() as ws:
            await ws.send(json.dumps({"token": server.token(Role.OPERATOR, "cart-wall")}))
            hello = await receive(ws, "hello")
        assert hello["data"]["who"] == "token:cart-wall"
        assert hello["data"]["role"] == "operator"


async def test_a_browser_session_opens_it_from_this_origin_and_no_other(tmp_path: Path) -> None:
    async with live_server(tmp_path) as server:
        server.access.add_user("ann", Role.OPERATOR, PASSWORD, "shell:test")
        async with httpx.AsyncClient(base_url=server.base) as http:
            given = {"name": "ann", "password": PASSWORD}
            login = await http.post("/api/v1/auth/login", json=given)
            assert login.status_code == 200, login.text
        cookie = f"onair_session={login.cookies['onair_session']}"
        ours = {"Cookie": cookie, "Origin": server.base}
        async with server.connect(headers=ours) as ws:
            assert (await receive(ws, "hello"))["data"]["who"] == "ann"
        for origin in ("https://evil.example", "http://127.0.0.1.evil.example"):
            with pytest.raises(InvalidStatus) as refused:
                async with server.connect(headers={"Cookie": cookie, "Origin": origin}):
                    pass
            assert refused.value.response.status_code == 403
            detail = json.loads(refused.value.response.body or b"{}")["detail"]
            assert detail.startswith(f"a live connection from {origin} is refused")


async def test_a_client_may_ask_for_some_types_only(tmp_path: Path) -> None:
    async with live_server(tmp_path) as server:
        token = server.token()
        async with server.connect("?types=now_playing,bogus", token=token) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4400
        assert closed.value.rcvd.reason.startswith("no live message type 'bogus': use action,")
        async with server.connect("?types=now_playing", token=token) as ws:
            await receive(ws, "snapshot")
            await server.station.bus.publish(new_envelope("playout.error", STATION, {}))
            await _now_playing(server, "only this")
            message = json.loads(await ws.recv())
        assert (message["type"], message["data"]["title"]) == ("now_playing", "only this")


async def test_over_nats_a_client_gets_what_a_playout_process_publishes(
    tmp_path: Path, nats_server: NatsServer
) -> None:
    """The station run as services: playout in its own process, the API following NATS."""
    async with live_server(tmp_path, bus="nats", nats_url=nats_server.url) as server:
        playout = NatsJetStreamBus(nats_server.url, STATION, spool_dir=tmp_path / "spool")
        await playout.start()
        try:
            async with server.connect(token=server.token()) as ws:
                await receive(ws, "snapshot")
                await playout.publish(new_envelope("playout.item_started", STATION,
                                                   {"title": "over nats"}))  # fmt: skip
                playing = await receive(ws, "now_playing")
                reading = {"peak_dbfs": [-3.0, -3.5], "momentary_lufs": -16.2}
                await playout.broadcast(new_envelope("playout.program_metered", STATION, reading))
                meters = await receive(ws, "meters")
        finally:
            await playout.close()
    assert playing["data"]["title"] == "over nats"
    assert meters["data"] == reading
    assert meters["seq"] == playing["seq"] + 1
