from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from onair.bus import InMemoryBus
from onair.domain import Correlation, Envelope, new_envelope
from onair.observability import configure_logging, get_logger
from onair.observability.tracing import configure_tracing


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    configure_logging("info", service="playout", stream=buffer)
    yield buffer
    logging.getLogger().handlers.clear()
    structlog.reset_defaults()


async def test_a_handler_logs_with_the_events_correlation_ids(log_lines: io.StringIO) -> None:
    bus = InMemoryBus("demo")
    done = asyncio.Event()
    log = get_logger("onair.playout")

    async def handle(env: Envelope) -> None:
        log.info("item_prepared", cache="hit")
        done.set()

    await bus.subscribe("schedule.*", handle, durable="playout")
    correlation = Correlation(
        show_id="morning-drive", hour="2026-11-24T07", asset_id="A1", playout_event_id="P9"
    )
    event = new_envelope("schedule.published", "demo", correlation=correlation)
    await bus.publish(event)
    await asyncio.wait_for(done.wait(), 5)
    await bus.close()
    log.info("after_the_handler")
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    inside = next(line for line in lines if line["event"] == "item_prepared")
    assert inside["show_id"] == "morning-drive"
    assert inside["hour"] == "2026-11-24T07"
    assert inside["asset_id"] == "A1"
    assert inside["playout_event_id"] == "P9"
    assert inside["event_id"] == event.id
    assert inside["service"] == "playout"
    assert inside["level"] == "info"
    outside = next(line for line in lines if line["event"] == "after_the_handler")
    assert "show_id" not in outside


def test_tracing_exporters() -> None:
    none = configure_tracing("none", "onair-test", "http://127.0.0.1:4318/v1/traces")
    with none.get_tracer("t").start_as_current_span("quiet") as span:
        assert not span.is_recording()
        assert span.get_span_context().is_valid  # ids still travel in traceparent
    for exporter in ("console", "otlp"):
        provider = configure_tracing(exporter, "onair-test", "http://127.0.0.1:4318/v1/traces")
        assert provider.resource.attributes["service.name"] == "onair-test"
        provider.shutdown()
    with pytest.raises(ValueError, match="jaeger"):
        configure_tracing("jaeger", "onair-test", "")
