from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx

from tests.e2e.cli import closed_port, onair, running_server


def test_serve_answers_health_and_metrics_on_embedded_defaults(tmp_path: Path) -> None:
    with running_server("serve", "--data-dir", str(tmp_path)) as (base, proc):
        health = httpx.get(f"{base}/healthz")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "object_store", "bus"}
        assert httpx.get(f"{base}/metrics").status_code == 401  # a viewer's, not everyone's
        viewer = {"Authorization": f"Bearer {_token(tmp_path, 'viewer')}"}
        metrics = httpx.get(f"{base}/metrics", headers=viewer)
        assert metrics.status_code == 200
        assert "onair_bus" in metrics.text
        status = httpx.get(f"{base}/api/v1/status", headers=viewer).json()
        assert status["station"] == "demo"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 130  # interrupted, as a shell expects after Ctrl-C
    assert "Traceback" not in err
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    events = [line["event"] for line in lines]
    assert events.index("station_serving") < events.index("station_stopped")
    assert all("timestamp" in line and "level" in line for line in lines)


def _token(data: Path, role: str) -> str:
    made = onair("token", "create", "--name", role, "--role", role, "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    return made.stdout.splitlines()[-1]


def test_serve_with_roles(tmp_path: Path) -> None:
    args = ("serve", "--data-dir", str(tmp_path), "--role", "scheduler", "--role", "playout")
    with running_server(*args) as (base, _):
        viewer = {"Authorization": f"Bearer {_token(tmp_path, 'viewer')}"}
        status = httpx.get(f"{base}/api/v1/status", headers=viewer).json()
        assert status["roles"] == ["playout", "scheduler"]


def test_serving_beyond_loopback_needs_an_admin_first(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path))
    refused = onair("serve", "--host", "0.0.0.0", "--port", str(closed_port()), *data)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1] == (
        "error: station demo has no admin user, so it serves on loopback only (not --host"
        " 0.0.0.0): add one with 'onair user add NAME --role admin'"
    )
    assert onair("user", "add", "root", "--role", "admin", *data).returncode == 0
    with running_server("serve", "--host", "0.0.0.0", *data) as (base, _):
        assert httpx.get(f"{base}/healthz").status_code == 200


def test_demo_serves_and_prints_its_urls(tmp_path: Path) -> None:
    with running_server("demo", "--tracks", "0", "--data-dir", str(tmp_path / "d")) as (
        base,
        proc,
    ):
        assert httpx.get(f"{base}/healthz").status_code == 200
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert f"{base}/healthz" in err


def test_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    with running_server("serve", "--data-dir", str(tmp_path)) as (base, _):
        port = base.rsplit(":", 1)[1]
        result = onair("serve", "--data-dir", str(tmp_path), "--port", port)
    assert result.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_nats_fails_with_its_url(tmp_path: Path) -> None:
    env = {
        "ONAIR_BUS": "nats",
        "ONAIR_NATS_URL": f"nats://bus:hunter2@127.0.0.1:{closed_port()}",
        "ONAIR_NATS_CONNECT_TIMEOUT_S": "1",
    }
    result = onair("serve", "--data-dir", str(tmp_path), "--port", str(closed_port()), env=env)
    assert result.returncode == 1
    assert "bus:***@127.0.0.1" in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_s3_fails_with_its_endpoint(tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    env = {
        "ONAIR_OBJECT_STORE": "s3",
        "ONAIR_S3_ENDPOINT_URL": endpoint,
        "ONAIR_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "ONAIR_S3_SECRET_ACCESS_KEY": "hunter2",
    }
    result = onair("serve", "--data-dir", str(tmp_path), "--port", str(closed_port()), env=env)
    assert result.returncode == 1
    assert endpoint in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr
