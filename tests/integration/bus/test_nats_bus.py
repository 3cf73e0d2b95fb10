"""What only the NATS bus does: survive an outage, refuse to start blind, carry traces."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from onair.bus import BusUnavailable
from onair.bus.nats_bus import NatsJetStreamBus
from onair.domain import Envelope, new_envelope
from tests.fixtures.nats import NatsServer
from tests.integration.bus.test_bus_behaviour import until


async def test_events_published_during_an_outage_arrive_once_in_order(
    nats_server: NatsServer, tmp_path: Path
) -> None:
    publisher = NatsJetStreamBus(nats_server.url, "demo", spool_dir=tmp_path / "spool")
    consumer = NatsJetStreamBus(nats_server.url, "demo", spool_dir=tmp_path / "spool-c")
    await publisher.start()
    await consumer.start()
    got: list[int] = []

    async def handle(env: Envelope) -> None:
        got.append(env.payload["n"])

    await consumer.subscribe("playout.*", handle, durable="compliance")
    await asyncio.sleep(0.3)
    nats_server.stop()
    await until(lambda: not publisher._connected())
    for n in range(100):
        await publisher.publish(new_envelope("playout.item_started", "demo", {"n": n}))
    assert len(publisher.spool) == 100
    with pytest.raises(BusUnavailable):
        await publisher.check()
    nats_server.start()
    await until(lambda: len(got) == 100, timeout=30)
    await asyncio.sleep(1)
    assert got == list(range(100))
    assert not publisher.spool
    await publisher.close()
    await consumer.close()


async def test_a_full_spool_is_refused_loudly(nats_server: NatsServer, tmp_path: Path) -> None:
    bus = NatsJetStreamBus(
        nats_server.url, "demo", spool_dir=tmp_path / "spool", spool_max_bytes=2000
    )
    await bus.start()
    nats_server.stop()
    await until(lambda: not bus._connected())
    refused = None
    for n in range(100):
        try:
            await bus.publish(new_envelope("playout.item_started", "demo", {"n": n}))
        except BusUnavailable as exc:
            refused = (n, str(exc))
            break
    assert refused is not None
    assert "spool" in refused[1]
    held = len(bus.spool)
    assert held == refused[0]
    assert 0 < held < 100
    nats_server.start()
    await until(lambda: not bus.spool, timeout=20)
    await bus.close()


async def test_start_against_a_closed_port_fails_fast_naming_the_server(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"nats://onair:hunter2@127.0.0.1:{port}"
    bus = NatsJetStreamBus(url, "demo", spool_dir=tmp_path, connect_timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(BusUnavailable) as caught:
        await bus.start()
    assert time.monotonic() - started < 5
    assert f"onair:***@127.0.0.1:{port}" in str(caught.value)
    assert "hunter2" not in str(caught.value)


async def test_consumer_span_is_the_child_of_the_publisher_span_across_nats(
    nats_server: NatsServer, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    publisher = NatsJetStreamBus(
        nats_server.url, "demo", spool_dir=tmp_path / "a", tracer_provider=provider
    )
    consumer = NatsJetStreamBus(
        nats_server.url, "demo", spool_dir=tmp_path / "b", tracer_provider=provider
    )
    await publisher.start()
    await consumer.start()
    received: list[Envelope] = []

    async def handle(env: Envelope) -> None:
        received.append(env)

    await consumer.subscribe("schedule.*", handle, durable="playout")
    await asyncio.sleep(0.3)
    await publisher.publish(new_envelope("schedule.published", "demo"))
    await until(lambda: len(received) == 1)
    await publisher.close()
    await consumer.close()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    publish, consume = spans["publish schedule.published"], spans["consume schedule.published"]
    assert consume.parent is not None
    assert consume.parent.span_id == publish.context.span_id
    assert consume.context.trace_id == publish.context.trace_id
    assert received[0].traceparent is not None
    assert f"{publish.context.trace_id:032x}" in received[0].traceparent


@pytest.mark.parametrize("url", ["nats://[::1", "nats://u:s3cret@host:99999"])
async def test_a_url_nats_cannot_read_is_one_line_without_its_password(
    url: str, tmp_path: Path
) -> None:
    bus = NatsJetStreamBus(url, "demo", spool_dir=tmp_path / "spool", connect_timeout_s=1)
    with pytest.raises(BusUnavailable, match="cannot be used") as refused:
        await bus.start()
    assert "s3cret" not in str(refused.value)
