"""The built-in stream over HTTP: a raw ASGI app serving each mount of a :class:`StreamHub`.

``GET /stream.mp3``, ``GET /stream.opus`` and ``GET /stream.aac`` (and HEAD) answer like Icecast:
``icy-name``, ``icy-br``, and for a client that sends ``Icy-MetaData: 1`` the
``icy-metaint`` header with StreamTitle blocks interleaved. It works standalone
under uvicorn and mounted in a larger app (paths are taken relative to
``root_path``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from onair.playout.icy import DEFAULT_METAINT, IcyInterleaver
from onair.playout.mounts import Listener, Mount, StreamHub

__all__ = ["StreamApp"]

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class StreamApp:
    """ASGI app of the built-in stream: one path per mount of ``hub``."""

    def __init__(
        self, hub: StreamHub, *, station_name: str = "onair", metaint: int = DEFAULT_METAINT
    ) -> None:
        self.hub = hub
        self.station_name = station_name
        self.metaint = metaint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        mount = self.hub.mounts.get(path.strip("/"))
        if mount is None:
            await _plain(send, 404, f"no stream at {path}: try /{' or /'.join(self.hub.mounts)}")
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, "only GET and HEAD", [(b"allow", b"GET, HEAD")])
            return
        reason = self.hub.unavailable_reason
        if reason is not None:
            await _plain(send, 503, reason, [(b"retry-after", b"10")])
            return
        wants_icy = (b"icy-metadata", b"1") in [
            (k.lower(), v.strip()) for k, v in scope["headers"]
        ]  # fmt: skip
        start = {"type": "http.response.start", "status": 200}
        start["headers"] = self._headers(mount, wants_icy)
        if scope["method"] == "HEAD":
            await send(start)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        async with self.hub.listen(mount.name) as listener:
            await send(start)
            icy = IcyInterleaver(self.metaint, listener.title) if wants_icy else None
            await _serve(listener, icy, receive, send)

    def _headers(self, mount: Mount, wants_icy: bool) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-type", mount.content_type.encode()),
            (b"cache-control", b"no-cache, no-store"),
            (b"icy-name", self.station_name.encode("utf-8", errors="replace")),
            (b"icy-br", str(mount.bitrate // 1000).encode()),
            (b"icy-pub", b"0"),
        ]
        if wants_icy:
            headers.append((b"icy-metaint", str(self.metaint).encode()))
        return headers


async def _serve(
    listener: Listener, icy: IcyInterleaver | None, receive: Receive, send: Send
) -> None:
    """Send the listener's batches until it leaves, is dropped, or the hub stops."""

    async def pump() -> None:
        while (batch := await listener.next_batch()) is not None:
            if icy is None:
                body = batch[0].data if len(batch) == 1 else b"".join([s.data for s in batch])
            else:
                body = b"".join(icy.wrap(segment.data, segment.title) for segment in batch)
            await send({"type": "http.response.body", "body": body, "more_body": True})

    async def gone() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    sending = asyncio.create_task(pump())
    leaving = asyncio.create_task(gone())
    # A dropped listener may be stuck in send() on a full socket: closed wakes us anyway.
    dropped = asyncio.create_task(listener.closed.wait())
    await asyncio.wait({sending, leaving, dropped}, return_when=asyncio.FIRST_COMPLETED)
    if dropped.done() and not leaving.done():
        await asyncio.wait({sending}, timeout=1.0)  # ends at once unless its send() is stuck
    left = leaving.done()
    finished = sending.done() and not sending.cancelled() and sending.exception() is None
    for task in (sending, leaving, dropped):
        task.cancel()
    for task in (sending, leaving, dropped):
        with contextlib.suppress(asyncio.CancelledError, OSError):
            await task
    if finished and not left:
        # The hub stopped or dropped it between sends: end the body cleanly. A listener
        # stuck on a full socket gets no end; the server closes its connection.
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _plain(
    send: Send, status: int, line: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = (line + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *(extra or [])]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
