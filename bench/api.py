"""API: live updates to 1,000 WebSocket clients, and the studio's GraphQL hour at 200
requests a second, while the station is on air.

Prints one JSON line: ``rest_p95_ms``, ``graphql_current_hour_p95_ms``, ``ws_clients``,
``ws_p99_ms``, ``ws_rss_mb``, then the
breakdown (median and worst latency, what each client received, the server's RSS
before the clients came, CPU shares, the machine's load), and the same again
(``*_now_playing_only``) for clients that ask only for now playing and the next
items (``?types=now_playing,next``: a website's widget, no meters).

- station: the demo station and library (``onair demo --no-serve``, its schedule
  built), served by ``onair serve --role api --role playout`` in its own process:
  the embedded defaults (SQLite, the in-process bus), the built-in engine airing
  the schedule to the stream, its program meters going out ten times a second.
- clients: ``--clients`` (default 1,000) live-update WebSocket clients on loopback
  (``bench/ws_clients.py``), all in one other process, so the two share the
  machine's cores the way the server and its clients would not in production
  (neither is pinned: the kernel spreads both, and whatever else runs, over the
  cores; ``ws_clients_cpu_share`` is the swarm's part); each takes every message
  (now playing, next, meters ten a second, ...), parsing only what it measures.
- changes: an operator token skips the item on air every ``--every`` seconds
  (default 2), ``--changes`` times (default 30): each skip fades what airs and
  playout starts the next item, publishing ``playout.item_started``.
- ``ws_p99_ms``: the 99th percentile, over every client and every change, of the
  time from playout publishing ``item_started`` (the message's ``time``, stamped
  as playout hands the event to the bus) to the client having the message parsed;
  both clocks are this machine's.
- ``ws_rss_mb``: the server's resident memory with every client connected, after
  the last change.
- ``ws_server_us_per_message``: the server's CPU time for each message it wrote
  to a client (every type), over what it spends airing with no client at all
  (measured for 10 s after they have gone): the fan-out's cost, steadier than
  the latencies on a machine other work also loads (``load_1m``).
- ``graphql_current_hour_p95_ms``: once the WebSocket clients have gone, the
  studio's hour query (``bench/graphql_clients.py``: the air, the current hour with
  each item's asset and voice link, the next hard post) sent at ``--graphql-rate``
  a second (default 200) for ``--graphql-seconds`` (10) by one other process on
  loopback, open loop over 64 keep-alive connections; the 95th percentile from when
  each request was due to its whole answer. ``graphql_server_cpu_ms_per_request``
  is the server's CPU for each beyond its idle share: the figure to read when the
  server cannot keep up (p95 then grows with the backlog, not with the query).
- ``rest_p95_ms``: the same load and measure for ``GET /api/v1/playout/now`` (what
  is on air: the read a studio or a website polls most), at ``--graphql-rate``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

from graphql_clients import measure as measure_graphql

HERE = Path(__file__).parent
ONAIR = [sys.executable, "-m", "onair"]


def _prepare(data_dir: Path) -> tuple[str, str]:
    """The demo station, made once; a viewer token for the clients, an operator's for skips."""
    if not (data_dir / "onair.sqlite3").exists():
        subprocess.run([*ONAIR, "demo", "--no-serve", "--data-dir", str(data_dir)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    tokens = []
    for role in ("viewer", "operator"):
        name = f"bench-{role}-{os.getpid()}"
        made = subprocess.run([*ONAIR, "token", "create", "--name", name, "--role", role,
                               "--data-dir", str(data_dir)], check=True, capture_output=True,
                              text=True)  # fmt: skip
        tokens.append(made.stdout.split()[-1])
    return tokens[0], tokens[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_station(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([*ONAIR, "serve", "--role", "api", "--role", "playout",
                               "--port", str(port), "--data-dir", str(data_dir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("onair serve did not answer /healthz within 120 s")


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _run(port: int, server: psutil.Process, args: argparse.Namespace, viewer: str,
         operator: str, types: str | None) -> dict[str, float | int | list[int]]:  # fmt: skip
    """Connect the clients, skip ``--changes`` times, and measure."""
    swarm = subprocess.Popen([sys.executable, str(HERE / "ws_clients.py"),
                              f"ws://127.0.0.1:{port}/api/v1/live", str(args.clients), viewer,
                              *([types] if types else [])],
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert swarm.stdout is not None
    said = swarm.stdout.readline().strip()
    if said != "ready":
        swarm.kill()
        raise SystemExit(f"the clients did not all connect: {said or 'the swarm ended'}")
    clients = psutil.Process(swarm.pid)
    cpu0, swarm_cpu0, wall0 = _cpu(server), _cpu(clients), time.perf_counter()
    skip = {"Authorization": f"Bearer {operator}"}
    url = f"http://127.0.0.1:{port}/api/v1/playout/skip"
    with httpx.Client(timeout=10) as http:
        for _ in range(args.changes):
            http.post(url, json={}, headers=skip).raise_for_status()
            time.sleep(args.every)
    wall = time.perf_counter() - wall0
    server_cpu, swarm_cpu = _cpu(server) - cpu0, _cpu(clients) - swarm_cpu0
    rss = server.memory_info().rss
    swarm.send_signal(signal.SIGTERM)
    measured = json.loads(swarm.stdout.readline())
    swarm.wait(timeout=60)
    latencies = measured["latencies_ms"]
    return {
        "p99_ms": round(float(np.percentile(latencies, 99)), 1),
        "rss_mb": round(rss / 2**20, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "now_playing_per_client": [measured["now_playing_min"], measured["now_playing_max"]],
        "other_messages": measured["other"],
        "clients_closed": measured["closed_count"],
        "server_cpu_share": round(server_cpu / wall, 3),
        "server_cpu_s": round(server_cpu, 2),
        "wall_s": round(wall, 2),
        "written": measured["other"] + len(latencies),
        "clients_cpu_share": round(swarm_cpu / wall, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="Reuse a prepared demo data dir.")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--graphql-rate", type=float, default=200.0)
    parser.add_argument("--graphql-seconds", type=float, default=10.0)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="onair-bench-api-")) / "data"
    viewer, operator = _prepare(data_dir)
    port = free_port()
    server = serve_station(data_dir, port)
    try:
        served = psutil.Process(server.pid)
        time.sleep(3)  # the air settles: the first item on
        idle_rss = served.memory_info().rss
        every = _run(port, served, args, viewer, operator, None)
        widgets = _run(port, served, args, viewer, operator, "now_playing,next")
        graphql = measure_graphql("127.0.0.1", port, viewer, served, args.graphql_rate,
                                  args.graphql_seconds)  # fmt: skip
        rest = measure_graphql("127.0.0.1", port, viewer, served, args.graphql_rate,
                               args.graphql_seconds, kind="rest")  # fmt: skip
        cpu0 = _cpu(served)
        time.sleep(10)
        idle_share = (_cpu(served) - cpu0) / 10
    finally:
        server.terminate()
        server.wait(timeout=60)
    for run in (every, widgets):
        cpu, wall, written = (float(run.pop(k)) for k in ("server_cpu_s", "wall_s", "written"))  # type: ignore[arg-type]
        run["server_us_per_message"] = round(max(0.0, cpu - idle_share * wall) / written * 1e6, 1)
    figures: dict[str, object] = {
        "rest_p95_ms": rest.pop("rest_p95_ms"),
        "graphql_current_hour_p95_ms": graphql.pop("graphql_current_hour_p95_ms"),
        "ws_clients": args.clients, "ws_p99_ms": every["p99_ms"], "ws_rss_mb": every["rss_mb"],
    }  # fmt: skip
    figures |= {f"ws_{k}": v for k, v in every.items() if k not in ("p99_ms", "rss_mb")}
    figures |= {f"ws_{k}_now_playing_only": v for k, v in widgets.items()}
    figures |= graphql | rest
    figures |= {"ws_changes": args.changes, "ws_rss_before_clients_mb": round(idle_rss / 2**20, 1),
                "server_cpu_share_no_clients": round(idle_share, 3),
                "cores": os.cpu_count(), "load_1m": round(os.getloadavg()[0], 2)}  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
