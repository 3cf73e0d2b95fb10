from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from onair.bus import (
    DeadLetter,
    InMemoryBus,
)
from onair.bus.patterns import type_matches
from onair.domain import Envelope, new_envelope
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
