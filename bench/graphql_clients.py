"""The studio's current-hour GraphQL query, or a REST read of what is on air, sent at a
fixed rate to a running station.

``bench/api.py`` runs it in a process of its own through :func:`measure`
(``graphql_clients.py HOST PORT TOKEN RATE SECONDS [graphql|rest]`` by hand). Requests leave on a
fixed schedule (open loop: a slow answer does not hold back the next one) over a
pool of keep-alive connections, and each latency runs from when the request was due
to when its whole answer is read, so a server that falls behind shows it. Prints one
JSON line: the latencies in ms, and how many answers were not a 200 or carried
GraphQL errors.

The client speaks HTTP/1.1 on asyncio's streams itself: the request is the same bytes
each time, and an HTTP library's per-request work (httpx spends about 1 ms of CPU on
each) would take from the two cores the server has to answer on.
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import subprocess
import sys
import time

import numpy as np
import psutil

# What the studio's hour view asks (docs/api.md): the air, the hour, its voice links.
STUDIO_HOUR = (
    "{ station { onAir { item { id kind } asset { title artists rights { territories"
    " validUntil } } elapsed remaining } currentHour { underOverMs items { start duration"
    " kind asset { title artists } segment { script status } } } nextHardPost } }"
)
# What a studio or a website polls most over REST: what is on air now.
REST_READ = "/api/v1/playout/now"
CONNECTIONS = 64
_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)


class Studio:
    """Connections to one station, each sending the hour query and reading its answer."""

    def __init__(self, host: str, port: int, token: str, kind: str = "graphql") -> None:
        self.host, self.port, self.kind = host, port, kind
        auth = f"host: {host}:{port}\r\nauthorization: Bearer {token}\r\n"
        if kind == "rest":
            self.request = f"GET {REST_READ} HTTP/1.1\r\n{auth}\r\n".encode()
        else:
            body = json.dumps({"query": STUDIO_HOUR}).encode()
            self.request = (
                f"POST /graphql HTTP/1.1\r\n{auth}content-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n"
            ).encode() + body
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.connections = asyncio.Semaphore(CONNECTIONS)

    async def ask(self, due: float) -> None:
        async with self.connections:  # every connection busy: the request waits, late
            await self._ask(due)

    async def _ask(self, due: float) -> None:
        reused = self.idle.pop() if self.idle else None
        try:
            try:
                head, body = await self._exchange(reused)
            except (OSError, asyncio.IncompleteReadError):
                if reused is None:
                    raise
                head, body = await self._exchange(None)  # the server closed it while idle
            self.latencies.append((time.perf_counter() - due) * 1000)
            answer = json.loads(body)
            if not head.startswith(b"HTTP/1.1 200") or "errors" in answer:
                self.failures.append(f"{head[:12]!r} {body[:200]!r}")
            elif self.kind == "graphql" and answer["data"]["station"]["currentHour"] is None:
                self.failures.append("no current hour")
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.failures.append(f"{type(exc).__name__}: {exc}")

    async def _exchange(
        self, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None
    ) -> tuple[bytes, bytes]:
        if connection is None:
            connection = await asyncio.open_connection(self.host, self.port)
        reader, writer = connection
        writer.write(self.request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = _LENGTH.search(head)
        body = await reader.readexactly(int(length.group(1)) if length else 0)
        self.idle.append(connection)
        return head, body

    async def load(self, rate: float, seconds: float) -> None:
        await self.ask(time.perf_counter())  # the first reads and connection out of the way
        self.latencies.clear()
        start, tasks = time.perf_counter(), []
        for sent in range(int(rate * seconds)):
            wait = start + sent / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(self.ask(start + sent / rate)))
        await asyncio.gather(*tasks)


def measure(host: str, port: int, token: str, server: psutil.Process, rate: float = 200,
            seconds: float = 10, kind: str = "graphql",
            ) -> dict[str, float | int | str]:  # fmt: skip
    """Load the station from another process; the figures, with the CPU each side spent,
    named for ``kind`` (``graphql``: the studio's hour; ``rest``: ``GET`` of what is on air).

    The server's CPU a request is what it spent beyond its own idle share (the air,
    measured for 5 s first), over the requests sent.
    """
    idle_cpu = _cpu(server)
    time.sleep(5)
    idle_share = (_cpu(server) - idle_cpu) / 5
    began_cpu, began, children = _cpu(server), time.perf_counter(), _children_cpu()
    swarm = subprocess.run([sys.executable, __file__, host, str(port), token, str(rate),
                            str(seconds), kind],
                           capture_output=True, text=True, check=True)  # fmt: skip
    wall = time.perf_counter() - began
    server_cpu, swarm_cpu = _cpu(server) - began_cpu, _children_cpu() - children
    measured = json.loads(swarm.stdout)
    latencies = np.array(measured["latencies_ms"])
    asked = len(latencies) + measured["failures"]
    p95 = "graphql_current_hour_p95_ms" if kind == "graphql" else f"{kind}_p95_ms"
    return {
        p95: round(float(np.percentile(latencies, 95)), 1),
        f"{kind}_p50_ms": round(float(np.percentile(latencies, 50)), 1),
        f"{kind}_rate": rate,
        f"{kind}_requests": asked,
        f"{kind}_failures": measured["failures"],
        f"{kind}_server_cpu_ms_per_request": round(
            (server_cpu - idle_share * wall) / asked * 1000, 2
        ),
        f"{kind}_server_cpu_share": round(server_cpu / wall, 3),
        f"{kind}_server_idle_cpu_share": round(idle_share, 3),
        f"{kind}_clients_cpu_share": round(swarm_cpu / wall, 3),
        f"{kind}_first_failure": (measured["first_failures"] or [""])[0][:200],
    }


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _children_cpu() -> float:
    """CPU seconds of the children waited for so far (the swarm, once it has ended)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rate, seconds = float(sys.argv[4]), float(sys.argv[5])
    studio = Studio(host, port, token, sys.argv[6] if len(sys.argv) > 6 else "graphql")
    asyncio.run(studio.load(rate, seconds))
    print(json.dumps({"latencies_ms": studio.latencies, "failures": len(studio.failures),
                      "first_failures": studio.failures[:3]}))  # fmt: skip


if __name__ == "__main__":
    main()
