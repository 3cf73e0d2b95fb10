"""A webhook receiver on loopback (uvicorn), as a station's partner would run one.

It checks each request's signature and timestamp the way docs/api.md tells
receivers to, keeps what it accepted, and answers as the test scripts it:
a status, or a hang that never answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn

SECRET = "a shared secret for the test receiver"
Scope = dict[str, Any]


@dataclass
class Receiver:
    answers: list[int | None] = field(default_factory=list)  # None: hang; then 200 for good
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    requests: int = 0
    port: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.requests += 1
        answer = self.answers.pop(0) if self.answers else 200
        if answer is None:
            await asyncio.sleep(3600)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        why = _refusal(headers, body)
        if why is not None:
            self.refused.append(why)
            answer = 401
        elif answer == 200:
            self.accepted.append({"headers": headers, "body": json.loads(body)})
            self.arrived.set()
        await send({"type": "http.response.start", "status": answer, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _refusal(headers: dict[str, str], body: bytes) -> str | None:
    """Why a receiver refuses this request, or None: the check docs/api.md describes."""
    timestamp = headers.get("x-onair-timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return f"stale or missing timestamp {timestamp!r}"
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    if not hmac.compare_digest(headers.get("x-onair-signature", ""),
                               "sha256=" + expected.hexdigest()):  # fmt: skip
        return "bad signature"
    return None


@asynccontextmanager
async def receiving(receiver: Receiver | None = None) -> AsyncIterator[Receiver]:
    receiver = receiver or Receiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    receiver.port = sock.getsockname()[1]
    config = uvicorn.Config(receiver, log_level="critical", lifespan="off",
                            timeout_graceful_shutdown=1)  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        yield receiver
    finally:
        server.should_exit = True
        server.force_exit = True
        await task
