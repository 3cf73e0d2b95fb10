"""``/healthz`` for load balancers and operators, ``/metrics`` for Prometheus.

``/healthz`` is public: a load balancer has no credential, and it tells only
whether each dependency answers. ``/metrics`` needs a viewer (Prometheus sends
a token: ``authorization: {credentials: ...}`` in its scrape config).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from onair.api.auth import requires
from onair.api.state import StateDep
from onair.domain.access import Role

__all__ = ["router"]

router = APIRouter()

# A dependency that has not answered by then counts as down: a hung
# database must not hang the load balancer's probe with it.
CHECK_TIMEOUT_S = 3.0


async def _probe(check: Callable[[], Awaitable[None]]) -> dict[str, object]:
    started = time.perf_counter()
    error: str | None = None
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except TimeoutError:
        error = f"no answer within {CHECK_TIMEOUT_S:g} s"
    except Exception as exc:
        error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    result: dict[str, object] = {
        "status": "down" if error else "ok",
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    if error:
        result["error"] = error
    return result


@router.get("/healthz", operation_id="read_health", **requires(None))
async def healthz(state: StateDep) -> JSONResponse:
    """200 when every dependency answers, 503 naming the ones that do not."""
    names = list(state.checks)
    results = await asyncio.gather(*(_probe(state.checks[n]) for n in names))
    checks = dict(zip(names, results, strict=True))
    healthy = all(r["status"] == "ok" for r in results)
    body = {
        "status": "ok" if healthy else "down",
        "station": state.station,
        "roles": sorted(state.roles),
        "checks": checks,
    }
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get("/metrics", operation_id="read_metrics", **requires(Role.VIEWER))
async def metrics(state: StateDep) -> Response:
    return Response(generate_latest(state.registry), media_type=CONTENT_TYPE_LATEST)
