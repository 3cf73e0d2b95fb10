"""Request bodies over a limit are refused with 413 before a route reads them whole.

The routes that take a file (:data:`UPLOAD_PATHS`) have their own, larger limit.
"""

from __future__ import annotations

import json
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_BODY", "UPLOAD_PATHS", "BodyLimit"]

MAX_BODY = 1 << 20  # 1 MiB: a trigger or a login is a few hundred bytes
UPLOAD_PATHS = re.compile(r"^/api/v1/(uploads|segments/[^/]+/recording)$")


class _TooLarge(HTTPException):
    """Raised from the body's reading: the routes' error handling answers it as a 413."""


class BodyLimit:
    """ASGI middleware: a declared or streamed body over ``max_bytes`` gets a 413 problem."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY,
                 upload_bytes: int = MAX_BODY) -> None:  # fmt: skip
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if UPLOAD_PATHS.match(scope["path"]) else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(413, f"the body is over {limit} bytes")
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        detail = f"the body is over {limit} bytes"
        body = json.dumps({"type": "about:blank", "title": "Content Too Large", "status": 413,
                           "detail": detail}).encode()  # fmt: skip
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})
