"""Webhooks from a real station (SQLite, the in-process bus, a real playout engine) to a real
receiver on loopback that checks each signature, as a partner's server would."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onair.bootstrap.station import Station, open_station
from onair.config import load_settings
from onair.domain.events import Envelope, new_envelope
from onair.domain.programming import ItemKind
from onair.domain.webhooks import DeliveryState, Webhook, WebhookEvent
from onair.playout.engine import EngineRecords, PlayoutEngine
from onair.playout.lineup import AirRules
from onair.playout.timeline import Timeline, TimelineSettings
from onair.storage.repositories.webhook_outbox import SqlOutbox
from onair.webhooks import WebhookDesk
from onair.webhooks.http import HttpPoster
from tests.integration.playout.world import STATION, World
from tests.integration.webhooks.receiver import SECRET, Receiver, receiving

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


@asynccontextmanager
async def _station(folder: Path) -> AsyncIterator[Station]:
    settings = load_settings(None, data_dir=folder / "station", station=STATION)
    station = await open_station(settings, frozenset({"webhooks"}))
    try:
        yield station
    finally:
        await station.close()


@asynccontextmanager
async def _webhooks(
    station: Station,
    receiver: Receiver,
    *,
    timeout_s: float = 5.0,
    retry_base_s: float = 0.2,
    attempts: int = 5,
) -> AsyncIterator[SqlOutbox]:
    """The webhooks service on ``station``, posting now-playing to ``receiver``."""
    hook = Webhook(
        url=receiver.url,
        events=(WebhookEvent.NOW_PLAYING,),
        secret_env="TEST_HOOK_SECRET",
        timeout_s=timeout_s,
        attempts=attempts,
    )
    outbox, poster = SqlOutbox(station.stores.engine, station.stores.ledger), HttpPoster()
    desk = WebhookDesk(station.settings.station, outbox, poster, station.bus, lambda: (hook,),
                       {"TEST_HOOK_SECRET": SECRET}.get, station.stores.now,
                       retry_base_s=retry_base_s, poll_s=0.05)  # fmt: skip
    await desk.start()
    try:
        yield outbox
    finally:
        await desk.stop()
        await poster.close()


class _Records:
    def record(self, entry: object) -> None: ...

    def save(self, state: object) -> None: ...

    def load(self, station: str) -> None:
        return None


def _engine(world: World, station: Station) -> PlayoutEngine:
    settings, rules = TimelineSettings(silence_s=3.0), AirRules(window=timedelta(seconds=20))

    def open_timeline(t0: datetime, resume: object) -> Timeline:
        return world.timeline(settings, rules, t0=t0)

    records = _Records()
    book = EngineRecords(records, records, records)  # type: ignore[arg-type]
    return PlayoutEngine(STATION, open_timeline, [], station.bus.publish, book)


def _world(folder: Path) -> World:
    """Three items, the first one to two seconds from now (within playout's 3 s of silence)."""
    world = World(folder, t0=datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2))
    for n in range(3):
        world.asset(f"s{n}", 300 + 40 * n, 4.0, tail_s=1.0, intro_s=1.0)
    world.plan(("s0", ItemKind.MUSIC), ("s1", ItemKind.MUSIC), ("s2", ItemKind.MUSIC))
    return world


async def _now_playing(station: Station, title: str) -> Envelope:
    envelope = new_envelope("playout.item_started", STATION, {"title": title, "artist": "A"})
    await station.bus.publish(envelope)
    return envelope


async def _until(check: object, within_s: float = 10.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def test_a_receiver_gets_now_playing_signed_when_playout_starts_an_item(
    tmp_path: Path,
) -> None:
    async with receiving() as receiver, _station(tmp_path) as station, _webhooks(station, receiver):
        engine = _engine(_world(tmp_path), station)
        await engine.start()
        try:
            await _until(lambda: receiver.accepted)
        finally:
            await engine.stop()
    assert receiver.refused == []  # its signature and timestamp checked out
    got = receiver.accepted[0]
    assert got["headers"]["x-onair-event"] == "now_playing"
    assert got["body"]["event"] == "now_playing"
    assert got["body"]["station"] == STATION
    assert (got["body"]["data"]["asset_id"], got["body"]["data"]["title"]) == ("s0", "Title s0")


async def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_attempt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with (
        receiving(Receiver(answers=[500, 500])) as receiver,
        _station(tmp_path) as station,
        _webhooks(station, receiver) as outbox,
    ):
        sent = await _now_playing(station, "Third Time")
        await _until(lambda: receiver.accepted)
        await asyncio.sleep(0.5)  # nothing more is sent once it is delivered
        [delivery] = outbox.listing(STATION, None, 10)
    assert receiver.requests == 3
    assert [a["body"]["data"]["title"] for a in receiver.accepted] == ["Third Time"]
    assert receiver.accepted[0]["body"]["id"] == sent.id
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 3)
    failures = [line for line in capsys.readouterr().out.splitlines()
                if "webhook_attempt_failed" in line]  # fmt: skip
    assert len(failures) == 2
    assert all("answered 500" in line and sent.id in line for line in failures)


async def test_a_delivery_pending_at_a_restart_arrives_once_after_it(tmp_path: Path) -> None:
    async with receiving(Receiver(answers=[503])) as receiver:
        async with (
            _station(tmp_path) as station,
            _webhooks(station, receiver, retry_base_s=1.0) as outbox,
        ):
            await _now_playing(station, "Across a Restart")
            await _until(lambda: receiver.requests == 1)
            await _until(lambda: outbox.listing(STATION, None, 1)[0].attempts == 1)
        # The station is down: its outbox is in the database, its bus is gone.
        assert receiver.accepted == []
        async with _station(tmp_path) as station, _webhooks(station, receiver) as outbox:
            await _until(lambda: receiver.accepted)
            await asyncio.sleep(1.0)
            [delivery] = outbox.listing(STATION, None, 10)
    assert [a["body"]["data"]["title"] for a in receiver.accepted] == ["Across a Restart"]
    assert receiver.requests == 2
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)


async def test_a_receiver_that_hangs_does_not_hold_the_air(tmp_path: Path) -> None:
    started: list[tuple[Envelope, datetime]] = []

    async def heard(envelope: Envelope) -> None:
        started.append((envelope, datetime.now(UTC)))

    async with (
        receiving(Receiver(answers=[None])) as receiver,
        _station(tmp_path) as station,
        _webhooks(station, receiver, timeout_s=30.0),
    ):
        following = await station.bus.subscribe("playout.item_started", heard)
        # Scheduled from now: a station that waited for its first item would fail over.
        engine = _engine(_world(tmp_path), station)
        await engine.start()
        try:
            await _until(lambda: len(started) >= 2, within_s=20)
            await _until(lambda: receiver.accepted)
        finally:
            await engine.stop()
            await following.stop()
    # The first item's post still hangs; the next item started on time all the same, and its
    # own now-playing reached the receiver.
    assert receiver.requests >= 2
    assert [a["body"]["data"]["asset_id"] for a in receiver.accepted] == ["s1"]
    for envelope, heard_at in started[:2]:
        scheduled = datetime.fromisoformat(envelope.payload["scheduled_start"])
        actual = datetime.fromisoformat(envelope.payload["actual_start"])
        assert abs((actual - scheduled).total_seconds()) < 0.5, envelope.payload
        assert (heard_at - actual).total_seconds() < 1.0, envelope.payload


async def test_a_delivery_whose_attempts_are_spent_is_listed_dead(tmp_path: Path) -> None:
    receiver = Receiver(answers=[500, 502, 500])
    async with (
        receiving(receiver),
        _station(tmp_path) as station,
        _webhooks(station, receiver, attempts=2) as outbox,
    ):
        sent = await _now_playing(station, "Nobody Home")
        await _until(lambda: outbox.listing(STATION, DeliveryState.DEAD, 1))
        await asyncio.sleep(0.5)  # and it is not tried again
    assert receiver.requests == 2
    listed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "onair", "webhooks", "list", "--state", "dead", "--json",
         "--data-dir", str(tmp_path / "station"), "--station", STATION],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    [dead] = json.loads(listed.stdout)
    assert (dead["event"], dead["url"], dead["state"]) == ("now_playing", receiver.url, "dead")
    assert (dead["attempts"], dead["last_error"]) == (2, "answered 502")
    assert dead["correlation_id"] == sent.id


async def _retry(folder: Path, delivery_id: str) -> subprocess.CompletedProcess[str]:
    """``onair webhooks retry`` as an operator runs it, beside the serving station."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "onair", "webhooks", "retry", delivery_id,
         "--data-dir", str(folder / "station"), "--station", STATION],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


async def test_a_dead_delivery_sent_again_reaches_the_fixed_receiver_once(tmp_path: Path) -> None:
    receiver = Receiver(answers=[500, 500])  # down for two attempts, then fixed
    async with (
        receiving(receiver),
        _station(tmp_path) as station,
        _webhooks(station, receiver, attempts=2) as outbox,
    ):
        await _now_playing(station, "Second Chance")
        await _until(lambda: outbox.listing(STATION, DeliveryState.DEAD, 1))
        [dead] = outbox.listing(STATION, DeliveryState.DEAD, 1)
        retried = await _retry(tmp_path, dead.id)
        assert retried.returncode == 0, retried.stderr
        assert f"delivery {dead.id} to {receiver.url} is pending again" in retried.stdout
        await _until(lambda: receiver.accepted)
        await asyncio.sleep(0.5)  # and once only
        [delivered] = outbox.listing(STATION, None, 10)
        again = await _retry(tmp_path, dead.id)
    assert [a["body"]["data"]["title"] for a in receiver.accepted] == ["Second Chance"]
    assert receiver.requests == 3
    assert (delivered.state, delivered.attempts) == (DeliveryState.DELIVERED, 1)
    assert (again.returncode, again.stderr.strip()) == (
        1, f"error: delivery {dead.id} is delivered: only a dead one is sent again"
    )  # fmt: skip
    actions = [e.body for e in station.stores.ledger.entries(STATION)
               if e.body.get("action") == "webhooks.retry"]  # fmt: skip
    assert len(actions) == 1
    assert actions[0]["before"] == {"state": "dead", "attempts": 2, "last_error": "answered 500"}
    assert actions[0]["who"].startswith("shell:")
