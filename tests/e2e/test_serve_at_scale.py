"""``onair serve`` on the real services: PostgreSQL, S3 and NATS JetStream."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from onair.storage.s3_store import S3ObjectStore
from tests.e2e.cli import closed_port, onair, running_server
from tests.fixtures.nats import NatsServer
from tests.fixtures.s3 import S3_KEY_ID, S3_SECRET


def _env(postgres_url: str, s3_endpoint_url: str, bucket: str, nats_url: str) -> dict[str, str]:
    return {
        "ONAIR_DATABASE_URL": postgres_url,
        "ONAIR_OBJECT_STORE": "s3",
        "ONAIR_S3_ENDPOINT_URL": s3_endpoint_url,
        "ONAIR_S3_BUCKET": bucket,
        "ONAIR_S3_ACCESS_KEY_ID": S3_KEY_ID,
        "ONAIR_S3_SECRET_ACCESS_KEY": S3_SECRET,
        "ONAIR_BUS": "nats",
        "ONAIR_NATS_URL": nats_url,
        "ONAIR_NATS_CONNECT_TIMEOUT_S": "2",
    }


def test_serve_on_real_services_reports_a_dependency_going_down(
    postgres_url: str,
    s3_endpoint_url: str,
    s3_store: S3ObjectStore,
    nats_server: NatsServer,
    tmp_path: Path,
) -> None:
    env = _env(postgres_url, s3_endpoint_url, s3_store.bucket, nats_server.url)
    upgraded = onair("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    with running_server("serve", "--role", "playout", "--data-dir", str(tmp_path), env=env) as (
        base,
        _,
    ):
        health = httpx.get(f"{base}/healthz")
        assert health.status_code == 200, health.text
        assert {c["status"] for c in health.json()["checks"].values()} == {"ok"}
        nats_server.stop()
        deadline = time.monotonic() + 10
        while (down := httpx.get(f"{base}/healthz")).status_code == 200:
            assert time.monotonic() < deadline, "healthz never noticed NATS stopping"
            time.sleep(0.2)
        assert down.status_code == 503
        checks = down.json()["checks"]
        assert checks["bus"]["status"] == "down"
        assert "NATS" in checks["bus"]["error"]
        assert checks["database"]["status"] == "ok"


def test_serve_refuses_a_shared_database_that_is_behind(
    postgres_url: str, s3_endpoint_url: str, s3_store: S3ObjectStore, nats_server: NatsServer
) -> None:
    env = _env(postgres_url, s3_endpoint_url, s3_store.bucket, nats_server.url)
    result = onair("serve", "--port", str(closed_port()), env=env)
    assert result.returncode == 1
    assert "run 'onair db upgrade'" in result.stderr
    assert "Traceback" not in result.stderr
