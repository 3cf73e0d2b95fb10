from __future__ import annotations

import asyncio

import httpx
import pytest
from prometheus_client import CollectorRegistry

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
