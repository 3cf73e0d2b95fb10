"""Loopback listeners for the playout benchmark: ``listeners.py URL N``.

Half listen to ``/stream.mp3`` with ICY metadata, half to ``/stream.opus``;
each reads as fast as the stream comes and reconnects if it is dropped. Runs
until terminated, in its own process so its CPU is not the server's.
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


async def main(url: str, count: int) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    await asyncio.gather(*(
        _listen(host, port, "/stream.mp3" if n % 2 == 0 else "/stream.opus", n % 4 == 0)
        for n in range(count)
    ))  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
