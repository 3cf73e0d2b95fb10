from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from onair.bus import EventBus, InMemoryBus
from onair.bus.nats_bus import NatsJetStreamBus
from tests.fixtures.nats import NatsServer

BusFactory = Callable[[], EventBus]


@pytest.fixture(params=["memory", "nats"])
async def make_bus(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Callable[..., EventBus]]:
    """Build started buses of one kind; they all share one server (for NATS)."""
    made: list[EventBus] = []
    server: NatsServer | None = None
    if request.param == "nats":
        server = request.getfixturevalue("nats_server")
    shared_memory = InMemoryBus("demo", retry_base_s=0.01)

    async def factory(**kwargs: object) -> EventBus:
        if server is None:
            if kwargs:
                bus: EventBus = InMemoryBus("demo", retry_base_s=0.01, **kwargs)  # type: ignore[arg-type]
            else:
                bus = shared_memory
        else:
            bus = NatsJetStreamBus(
                server.url, "demo", spool_dir=tmp_path / f"spool{len(made)}",
                retry_base_s=0.01, **kwargs,  # type: ignore[arg-type]
            )  # fmt: skip
        await bus.start()
        made.append(bus)
        return bus

    yield factory  # type: ignore[misc]
    for bus in made:
        await bus.close()
