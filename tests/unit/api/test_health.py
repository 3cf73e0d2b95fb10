from __future__ import annotations

import asyncio

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter

from onair.api import create_app
from onair.api.rest import health


async def _ok() -> None:
    return None


async def _refused() -> None:
    raise ConnectionError("nats://127.0.0.1:4222 refused the connection")


async def _hangs() -> None:
    await asyncio.sleep(60)


def _client(**checks: object) -> httpx.AsyncClient:
    registry = CollectorRegistry()
    Counter("onair_test_total", "a test counter", registry=registry).inc()
    app = create_app(station="demo", roles=frozenset({"api"}), checks=checks, registry=registry)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_healthy_when_every_dependency_answers() -> None:
    async with _client(database=_ok, bus=_ok) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["bus"]["status"] == "ok"


async def test_names_the_dependency_that_is_down() -> None:
    async with _client(database=_ok, bus=_refused) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["bus"] == {
        "status": "down",
        "latency_ms": body["checks"]["bus"]["latency_ms"],
        "error": "nats://127.0.0.1:4222 refused the connection",
    }


async def test_a_hung_dependency_is_down_not_a_hung_probe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(health, "CHECK_TIMEOUT_S", 0.2)
    async with _client(database=_hangs) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert "no answer within 0.2 s" in response.json()["checks"]["database"]["error"]


async def test_metrics_expose_the_registry() -> None:
    async with _client() as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert "onair_test_total 1.0" in response.text


async def test_every_response_carries_a_request_id_and_is_timed() -> None:
    async with _client(database=_ok) as client:
        given = await client.get("/healthz", headers={"X-Request-Id": "op-console-42"})
        fresh = await client.get("/api/v1/status")
        metrics = await client.get("/metrics")
    assert given.headers["x-request-id"] == "op-console-42"
    assert len(fresh.headers["x-request-id"]) == 26
    assert 'route="/healthz",status="200"' in metrics.text
