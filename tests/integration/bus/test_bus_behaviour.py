"""One behaviour suite, run against the in-process bus and real NATS JetStream."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest

from onair.bus import CommandFailed, DeadLetter, EventBus, NoResponders, RequestTimeout
from onair.domain import Envelope, new_envelope

MakeBus = Callable[..., "asyncio.Future[EventBus]"]


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_pattern_subscriptions(make_bus: MakeBus) -> None:
    bus = await make_bus()
    playout: list[str] = []
    everything: list[str] = []

    async def on_playout(env: Envelope) -> None:
        playout.append(env.type)

    async def on_all(env: Envelope) -> None:
        everything.append(env.type)

    await bus.subscribe("playout.*", on_playout, durable="ui")
    await bus.subscribe(">", on_all, durable="audit")
    await asyncio.sleep(0.2)  # consumers exist before the events
    await bus.publish(new_envelope("playout.item_started", "demo"))
    await bus.publish(new_envelope("schedule.published", "demo"))
    await until(lambda: len(everything) == 2)
    assert sorted(everything) == ["playout.item_started", "schedule.published"]
    assert playout == ["playout.item_started"]


async def test_durable_consumer_resumes_without_loss(make_bus: MakeBus) -> None:
    bus = await make_bus()
    got: list[int] = []

    async def handle(env: Envelope) -> None:
        got.append(env.payload["n"])

    sub = await bus.subscribe("schedule.*", handle, durable="compliance")
    await asyncio.sleep(0.2)
    for n in range(5):
        await bus.publish(new_envelope("schedule.published", "demo", {"n": n}))
    await until(lambda: len(got) == 5)
    await sub.stop()
    for n in range(5, 10):
        await bus.publish(new_envelope("schedule.published", "demo", {"n": n}))
    again = await make_bus()
    await again.subscribe("schedule.*", handle, durable="compliance")
    await until(lambda: len(got) == 10)
    assert got == list(range(10))


async def test_queue_group_splits_work_each_event_once(make_bus: MakeBus) -> None:
    handled: Counter[str] = Counter()
    workers_used: set[int] = set()

    def worker(n: int) -> Callable[[Envelope], asyncio.Future[None]]:
        async def handle(env: Envelope) -> None:
            handled[env.id] += 1
            workers_used.add(n)
            await asyncio.sleep(0.001)

        return handle  # type: ignore[return-value]

    for n in range(3):
        bus = await make_bus()
        await bus.subscribe("ingest.*", worker(n), queue="ingest-workers")
    await asyncio.sleep(0.2)
    publisher = await make_bus()
    for i in range(300):
        await publisher.publish(new_envelope("ingest.file_found", "demo", {"n": i}))
    await until(lambda: len(handled) == 300, timeout=30)
    await asyncio.sleep(0.2)
    assert set(handled.values()) == {1}
    assert len(workers_used) >= 2


async def test_failing_handler_is_redelivered_then_handled_once(make_bus: MakeBus) -> None:
    bus = await make_bus()
    attempts: list[str] = []
    done: list[str] = []

    async def flaky(env: Envelope) -> None:
        attempts.append(env.id)
        if len(attempts) < 3:
            raise ConnectionError("object store busy")
        done.append(env.id)

    await bus.subscribe("agents.*", flaky, durable="playout")
    await asyncio.sleep(0.2)
    env = new_envelope("agents.segment_ready", "demo")
    await bus.publish(env)
    await until(lambda: len(done) == 1)
    await bus.publish_raw("agents.segment_ready", env.to_json())  # a duplicate delivery
    await asyncio.sleep(0.5)
    assert attempts == [env.id] * 3
    assert done == [env.id]


async def test_poison_and_malformed_messages_go_to_the_dead_letter(make_bus: MakeBus) -> None:
    bus = await make_bus()
    letters: list[DeadLetter] = []
    good: list[str] = []

    async def collect(letter: DeadLetter) -> None:
        letters.append(letter)

    async def handle(env: Envelope) -> None:
        if env.payload.get("poison"):
            raise ValueError("cue point beyond the end of the file")
        good.append(env.id)

    await bus.subscribe_dead_letters(collect)
    await bus.subscribe("ingest.*", handle, durable="ingest")
    await asyncio.sleep(0.2)
    await bus.publish(new_envelope("ingest.asset_ingested", "demo", {"poison": True}))
    await bus.publish_raw("ingest.asset_ingested", b"{not json")
    last = new_envelope("ingest.asset_ingested", "demo")
    await bus.publish(last)
    await until(lambda: len(letters) == 2 and good == [last.id], timeout=20)
    reasons = sorted(letter.reason for letter in letters)
    assert reasons[0] == "ValueError: cue point beyond the end of the file"
    assert reasons[1].startswith("malformed envelope")
    assert {letter.consumer for letter in letters} == {"ingest"}
    assert b"{not json" in [letter.raw for letter in letters]


async def test_request_reply_and_its_failures(make_bus: MakeBus) -> None:
    server, client = await make_bus(), await make_bus()

    async def skip(cmd: Envelope) -> dict[str, object]:
        return {"skipped": cmd.payload["item"]}

    async def slow(cmd: Envelope) -> dict[str, object]:
        await asyncio.sleep(3)
        return {}

    async def broken(cmd: Envelope) -> dict[str, object]:
        raise RuntimeError("no hour to rebuild")

    await server.serve("playout.skip", skip)
    await server.serve("playout.hold", slow)
    await server.serve("scheduler.rebuild_hour", broken)
    await asyncio.sleep(0.1)
    reply = await client.request(new_envelope("playout.skip", "demo", {"item": "x1"}))
    assert (reply.type, reply.payload) == ("playout.skip_reply", {"skipped": "x1"})
    with pytest.raises(RequestTimeout):
        await client.request(new_envelope("playout.hold", "demo"), timeout_s=0.2)
    with pytest.raises(CommandFailed, match="no hour to rebuild"):
        await client.request(new_envelope("scheduler.rebuild_hour", "demo"))
    with pytest.raises(NoResponders):
        await client.request(new_envelope("playout.resume", "demo"), timeout_s=1)


async def test_broadcasts_reach_listeners_now_and_are_never_stored(make_bus: MakeBus) -> None:
    bus, other = await make_bus(), await make_bus()
    heard: list[int] = []
    stored: list[str] = []

    async def on_meters(env: Envelope) -> None:
        heard.append(env.payload["n"])

    async def on_durable(env: Envelope) -> None:
        stored.append(env.type)

    await other.subscribe("playout.*", on_durable, durable="meters-kept")
    listening = await other.listen("playout.*", on_meters)
    await asyncio.sleep(0.2)
    for n in range(5):
        await bus.broadcast(new_envelope("playout.program_metered", "demo", {"n": n}))
    await bus.publish(new_envelope("playout.item_started", "demo"))
    await until(lambda: len(heard) == 5 and stored == ["playout.item_started"])
    assert heard == [0, 1, 2, 3, 4]
    await listening.stop()
    await bus.broadcast(new_envelope("playout.program_metered", "demo", {"n": 5}))
    await asyncio.sleep(0.2)  # it has gone by before the next listener comes
    late: list[int] = []

    async def on_late(env: Envelope) -> None:
        late.append(env.payload["n"])

    await other.listen("playout.*", on_late)  # a broadcast before it is not kept for it
    await asyncio.sleep(0.2)
    await bus.broadcast(new_envelope("playout.program_metered", "demo", {"n": 6}))
    await until(lambda: late == [6])
    assert heard == [0, 1, 2, 3, 4]
    assert stored == ["playout.item_started"]  # the durable consumer never saw a reading
