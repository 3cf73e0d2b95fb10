from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from onair.bus import (
    CommandFailed,
    DeadLetter,
    InMemoryBus,
    NoResponders,
    RequestTimeout,
)
from onair.bus.patterns import type_matches
from onair.domain import Correlation, Envelope, new_envelope
from onair.observability.metrics import BusMetrics, render


@pytest.fixture
async def bus() -> AsyncIterator[InMemoryBus]:
    bus = InMemoryBus("demo", retry_base_s=0.001)
    await bus.start()
    yield bus
    await bus.close()


async def until(condition: object, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.005)


@pytest.mark.parametrize(
    ("pattern", "message_type", "matches"),
    [
        ("playout.*", "playout.item_started", True),
        ("playout.*", "scheduler.hour_published", False),
        (">", "playout.item_started", True),
        ("playout.>", "playout.item_started", True),
        ("playout.item_started", "playout.item_started", True),
        ("*.item_started", "playout.item_started", True),
        ("playout.item_started", "playout.item_stopped", False),
    ],
)
def test_type_patterns(pattern: str, message_type: str, matches: bool) -> None:
    assert type_matches(pattern, message_type) is matches


async def test_subscribers_get_the_types_they_asked_for(bus: InMemoryBus) -> None:
    playout: list[str] = []
    everything: list[str] = []

    async def on_playout(env: Envelope) -> None:
        playout.append(env.type)

    async def on_all(env: Envelope) -> None:
        everything.append(env.type)

    await bus.subscribe("playout.*", on_playout)
    await bus.subscribe(">", on_all)
    await bus.publish(new_envelope("playout.item_started", "demo"))
    await bus.publish(new_envelope("schedule.published", "demo"))
    await until(lambda: len(everything) == 2)
    assert playout == ["playout.item_started"]


async def test_queue_group_shares_work_each_event_once(bus: InMemoryBus) -> None:
    handled: Counter[str] = Counter()
    by_worker: Counter[int] = Counter()

    def worker(n: int) -> object:
        async def handle(env: Envelope) -> None:
            handled[env.id] += 1
            by_worker[n] += 1
            await asyncio.sleep(0.001)  # busy on I/O, so the next event goes to another

        return handle

    for n in range(3):
        await bus.subscribe("ingest.*", worker(n), queue="ingest-workers")  # type: ignore[arg-type]
    for i in range(300):
        await bus.publish(new_envelope("ingest.file_found", "demo", {"n": i}))
    await until(lambda: sum(handled.values()) == 300)
    assert set(handled.values()) == {1}
    assert len(by_worker) == 3


async def test_durable_consumer_resumes_after_restart(bus: InMemoryBus) -> None:
    got: list[int] = []

    async def handle(env: Envelope) -> None:
        got.append(env.payload["n"])

    sub = await bus.subscribe("schedule.*", handle, durable="compliance")
    await bus.publish(new_envelope("schedule.published", "demo", {"n": 1}))
    await until(lambda: got == [1])
    await sub.stop()
    await bus.publish(new_envelope("schedule.published", "demo", {"n": 2}))
    await bus.subscribe("schedule.*", handle, durable="compliance")
    await until(lambda: got == [1, 2])


async def test_failing_handler_is_retried_then_succeeds(bus: InMemoryBus) -> None:
    attempts: list[str] = []

    async def flaky(env: Envelope) -> None:
        attempts.append(env.id)
        if len(attempts) < 3:
            raise ConnectionError("object store busy")

    await bus.subscribe("agents.*", flaky, durable="playout")
    env = new_envelope("agents.segment_ready", "demo")
    await bus.publish(env)
    await until(lambda: len(attempts) == 3)
    await bus.publish(env)  # a redelivery of the same event is skipped
    await asyncio.sleep(0.05)
    assert attempts == [env.id] * 3


async def test_poison_event_is_dead_lettered_with_the_reason(bus: InMemoryBus) -> None:
    letters: list[DeadLetter] = []
    good: list[str] = []

    async def collect(letter: DeadLetter) -> None:
        letters.append(letter)

    async def poison(env: Envelope) -> None:
        if env.payload.get("poison"):
            raise ValueError("cue point beyond the end of the file")
        good.append(env.id)

    await bus.subscribe_dead_letters(collect)
    await bus.subscribe("ingest.*", poison, durable="ingest")
    bad = new_envelope("ingest.asset_ingested", "demo", {"poison": True})
    await bus.publish(bad)
    await bus.publish(new_envelope("ingest.asset_ingested", "demo"))
    await until(lambda: len(letters) == 1 and len(good) == 1)
    letter = letters[0]
    assert letter.attempts == bus.max_deliver
    assert letter.reason == "ValueError: cue point beyond the end of the file"
    assert Envelope.from_json(letter.raw).id == bad.id


async def test_malformed_message_is_dead_lettered_and_consumer_goes_on(
    bus: InMemoryBus,
) -> None:
    letters: list[DeadLetter] = []
    good: list[str] = []

    async def collect(letter: DeadLetter) -> None:
        letters.append(letter)

    async def handle(env: Envelope) -> None:
        good.append(env.id)

    await bus.subscribe_dead_letters(collect)
    await bus.subscribe("playout.*", handle)
    await bus.publish_raw("playout.item_started", b'{"type": "playout.item_started"}')
    await bus.publish_raw("playout.item_started", b"\xff\xfe not even text")
    await bus.publish(new_envelope("playout.item_started", "demo"))
    await until(lambda: len(letters) == 2 and len(good) == 1)
    assert letters[0].reason.startswith("malformed envelope: id")
    assert letters[1].raw == b"\xff\xfe not even text"
    assert letters[0].subject == "onair.demo.playout.item_started"


async def test_request_reply(bus: InMemoryBus) -> None:
    async def skip(cmd: Envelope) -> dict[str, object]:
        return {"skipped": cmd.payload["item"]}

    await bus.serve("playout.skip", skip)
    cmd = new_envelope("playout.skip", "demo", {"item": "x1"}, correlation=Correlation(hour="h"))
    reply = await bus.request(cmd)
    assert reply.type == "playout.skip_reply"
    assert reply.payload == {"skipped": "x1"}
    assert reply.correlation == cmd.correlation


async def test_request_errors(bus: InMemoryBus) -> None:
    async def slow(cmd: Envelope) -> dict[str, object]:
        await asyncio.sleep(5)
        return {}

    async def broken(cmd: Envelope) -> dict[str, object]:
        raise RuntimeError("no hour to rebuild")

    with pytest.raises(NoResponders, match=r"playout\.hold"):
        await bus.request(new_envelope("playout.hold", "demo"))
    await bus.serve("playout.hold", slow)
    with pytest.raises(RequestTimeout, match=r"0\.05 s"):
        await bus.request(new_envelope("playout.hold", "demo"), timeout_s=0.05)
    await bus.serve("scheduler.rebuild_hour", broken)
    with pytest.raises(CommandFailed, match="no hour to rebuild"):
        await bus.request(new_envelope("scheduler.rebuild_hour", "demo"))


async def test_consumer_span_is_a_child_of_the_publish_span() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    bus = InMemoryBus("demo", tracer_provider=provider)
    done = asyncio.Event()

    async def handle(env: Envelope) -> None:
        done.set()

    await bus.subscribe("playout.*", handle)
    await bus.publish(new_envelope("playout.item_started", "demo"))
    await asyncio.wait_for(done.wait(), 5)
    await bus.close()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    publish, consume = spans["publish playout.item_started"], spans["consume playout.item_started"]
    assert consume.parent is not None
    assert consume.parent.span_id == publish.context.span_id
    assert consume.context.trace_id == publish.context.trace_id


async def test_metrics_count_what_the_bus_did() -> None:
    metrics = BusMetrics(service="playout")
    bus = InMemoryBus("demo", metrics=metrics, retry_base_s=0.001, max_deliver=2)
    seen: list[str] = []

    async def handle(env: Envelope) -> None:
        seen.append(env.id)
        raise RuntimeError("boom")

    await bus.subscribe("playout.*", handle, durable="p")
    await bus.publish(new_envelope("playout.item_started", "demo"))
    await until(lambda: len(seen) == 2)
    await asyncio.sleep(0.01)
    await bus.close()
    body = render(metrics.registry)[0].decode()
    assert (
        'onair_bus_published_total{bus="memory",service="playout",type="playout.item_started"} 1.0'
        in body
    )
    assert (
        'onair_bus_handler_errors_total{consumer="p",service="playout",'
        'type="playout.item_started"} 2.0' in body
    )
    assert (
        'onair_bus_dead_lettered_total{consumer="p",reason="handler_failed",service="playout"} 1.0'
        in body
    )
