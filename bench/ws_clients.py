"""Loopback live-update clients for the API benchmark: ``ws_clients.py URL N TOKEN [TYPES]``.

Opens ``N`` WebSocket clients on the live updates (the token sent as the first
message, as a page holding one does; ``TYPES``, e.g. ``now_playing,next``, the
message types they ask for, every type without it), prints ``ready`` once every one has its
``hello``, then notes for each ``now_playing`` how long after playout published
it (the message's ``time``) it arrived. On SIGTERM it prints one JSON line of
what it measured and exits. It runs in its own process so its CPU is not the
server's; it still takes from the same cores, so it parses only what it measures
(``hello`` and ``now_playing``: every message starts ``{"seq":N,"type":"...``) and
counts the rest unread: the meters, ten a second to each client, cost it
little more than taking them off the socket.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from datetime import datetime

from websockets.asyncio.client import connect


class Swarm:
    def __init__(self) -> None:
        self.latencies_ms: list[float] = []
        self.now_playing: list[int] = []  # per client
        self.other = 0  # messages of other types (meters, next, ...)
        self.closed: list[str] = []
        self.connected = 0
        self.refused = 0  # clients that never got their hello


async def _client(url: str, token: str, n: int, swarm: Swarm, ready: asyncio.Event) -> None:
    hello = False
    try:
        async with connect(url, proxy=None, open_timeout=60, max_size=None,
                           compression=None) as ws:  # fmt: skip
            await ws.send(json.dumps({"token": token}))
            async for text in ws:
                head = text[:48]
                if '"type":"now_playing"' not in head and '"type":"hello"' not in head:
                    swarm.other += 1
                    continue
                message = json.loads(text)
                kind = message["type"]
                if kind == "now_playing":
                    sent = datetime.fromisoformat(message["time"]).timestamp()
                    swarm.latencies_ms.append((time.time() - sent) * 1000)
                    swarm.now_playing[n] += 1
                elif kind == "hello":
                    hello = True
                    swarm.connected += 1
                    _settled(swarm, ready)
                else:
                    swarm.other += 1
    except Exception as exc:
        swarm.closed.append(f"{type(exc).__name__}: {exc}"[:200])
    else:
        if not hello:  # a clean close raises nothing
            swarm.closed.append("closed before its hello")
    if not hello:  # told as the start, not waited for forever
        swarm.refused += 1
        _settled(swarm, ready)


def _settled(swarm: Swarm, ready: asyncio.Event) -> None:
    """Every client has its hello or has failed to get one: the start can be told."""
    if swarm.connected + swarm.refused == len(swarm.now_playing):
        ready.set()


async def main(url: str, count: int, token: str, types: str | None) -> None:
    if types:
        url += f"?types={types}"
    swarm = Swarm()
    swarm.now_playing = [0] * count
    ready, stop = asyncio.Event(), asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    clients = []
    for n in range(count):
        clients.append(asyncio.create_task(_client(url, token, n, swarm, ready)))
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # no thundering herd on the listen backlog
    await ready.wait()
    if swarm.refused:  # told, not waited for forever: the benchmark stops on it
        print(f"{swarm.refused} clients did not connect: {swarm.closed[0]}", flush=True)
        return
    print("ready", flush=True)
    await stop.wait()
    for task in clients:
        task.cancel()
    await asyncio.gather(*clients, return_exceptions=True)
    print(json.dumps({"latencies_ms": [round(x, 3) for x in swarm.latencies_ms],
                      "now_playing_min": min(swarm.now_playing),
                      "now_playing_max": max(swarm.now_playing), "other": swarm.other,
                      "closed": swarm.closed[:5], "closed_count": len(swarm.closed)}),
          flush=True)  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], (sys.argv[4:] or [None])[0]))
