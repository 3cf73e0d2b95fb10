"""Loopback listeners for the playout benchmark: ``listeners.py URL N [MOUNT ...]``.

The listeners are spread over the mounts (by default ``stream.mp3`` and
``stream.opus``); half of those on a mount other than Opus ask for ICY
metadata. Each reads as fast as the stream comes and reconnects if it is
dropped. Runs until terminated, in its own process so its CPU is not the server's.
"""

from __future__ import annotations

import asyncio
import sys
from urllib.parse import urlsplit


async def _listen(host: str, port: int, path: str, icy: bool) -> None:
    while True:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            extra = "Icy-MetaData: 1\r\n" if icy else ""
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode())
            await writer.drain()
            while await reader.read(65536):
                pass
        except OSError:
            pass
        await asyncio.sleep(0.5)


async def main(url: str, count: int, mounts: list[str]) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    listeners = []
    for n in range(count):
        mount = mounts[n % len(mounts)]
        icy = not mount.endswith(".opus") and (n // len(mounts)) % 2 == 0
        listeners.append(_listen(host, port, f"/{mount}", icy))
    await asyncio.gather(*listeners)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3:] or ["stream.mp3", "stream.opus"]))
