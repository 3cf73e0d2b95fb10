"""``/metrics`` and ``/api/v1/status`` answer a viewer; every response is timed and traceable."""

from __future__ import annotations

import pytest

from onair.domain.access import Role
from tests.integration.api.conftest import Served

pytestmark = pytest.mark.integration


async def test_metrics_answer_a_viewer_token_only(served: Served) -> None:
    assert (await served.client.get("/metrics")).status_code == 401
    viewer = {"Authorization": f"Bearer {served.token(Role.VIEWER)}"}
    metrics = await served.client.get("/metrics", headers=viewer)
    assert metrics.status_code == 200
    assert "onair_bus" in metrics.text


async def test_every_response_carries_a_request_id_and_is_timed(served: Served) -> None:
    viewer = {"Authorization": f"Bearer {served.token(Role.VIEWER)}"}
    given = await served.client.get("/healthz", headers={"X-Request-Id": "op-console-42"})
    fresh = await served.client.get("/api/v1/status", headers=viewer)
    metrics = await served.client.get("/metrics", headers=viewer)
    assert given.headers["x-request-id"] == "op-console-42"
    assert fresh.json()["station"] == "demo"
    assert len(fresh.headers["x-request-id"]) == 26
    assert 'route="/healthz",status="200"' in metrics.text
