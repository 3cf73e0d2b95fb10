"""``/api/v1/live``: the WebSocket a studio or a script keeps open for live updates.

Credentials, in the order they are looked for: ``Authorization: Bearer`` on the
handshake (scripts), the ``onair_session`` cookie (browsers), or a first message
``{"token": "onair_..."}`` within 5 s (a browser page holding a token). A
handshake whose ``Origin`` is neither this server nor in the allow-list is
refused with 403 before anything else: a page elsewhere must not ride on a
logged-in browser's cookie (cross-site WebSocket hijacking).

``?since=SEQ&session=ID`` resumes: the messages after ``SEQ`` come first, from
the replay buffer, or a fresh snapshot when they are no longer kept.
``?types=now_playing,next`` asks for only those types.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Collection
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from onair.api.auth import session_secret
from onair.api.live.hub import TOO_SLOW, LiveClient, LiveHub
from onair.api.live.messages import LIVE_TYPES
from onair.api.state import ApiState
from onair.domain.access import AccessRefused, Principal

__all__ = ["BAD_REQUEST", "LIVE_PATH", "UNAUTHORIZED", "live_route"]

LIVE_PATH = "/api/v1/live"
UNAUTHORIZED = 4401  # no credential that holds
BAD_REQUEST = 4400  # a resume parameter or first message that cannot be read
FIRST_MESSAGE_S = 5.0
LIVE_MESSAGE_TYPES = frozenset(LIVE_TYPES.values())
# How long a dropped client's close frame may wait for its connection to take it.
CLOSE_WAIT_S = 10.0


def live_route(hub: LiveHub, origins: Collection[str] = ()) -> WebSocketRoute:
    """The WebSocket route over ``hub``; ``origins`` are other sites' pages allowed in."""
    allowed = frozenset(o.rstrip("/").lower() for o in origins)

    async def live(websocket: WebSocket) -> None:
        await _serve(websocket, hub, allowed)

    return WebSocketRoute(LIVE_PATH, live, name="live")


async def _serve(websocket: WebSocket, hub: LiveHub, allowed: frozenset[str]) -> None:
    state: ApiState = websocket.app.state.onair
    origin = websocket.headers.get("origin")
    if origin is not None and not _allowed_origin(origin, websocket, allowed):
        await _deny(websocket, f"a live connection from {origin[:100]} is refused: "
                               "that origin is not allowed")  # fmt: skip
        return
    await websocket.accept()
    try:
        since, session = _resume(websocket)
        types = _types(websocket)
    except ValueError as exc:
        await _close(websocket, BAD_REQUEST, str(exc))
        return
    principal = await _principal(websocket, state)
    if isinstance(principal, str):
        await _close(websocket, UNAUTHORIZED, principal)
        return
    hello = {"who": principal.who, "role": principal.role.value}
    client = hub.join(since, session, hello, types)
    try:
        await _pump(websocket, client)
    finally:
        hub.leave(client)


def _allowed_origin(origin: str, websocket: WebSocket, allowed: frozenset[str]) -> bool:
    if urlsplit(origin).netloc == websocket.headers.get("host"):
        return True
    return origin.rstrip("/").lower() in allowed


async def _deny(websocket: WebSocket, detail: str) -> None:
    """403 on the handshake, as problem JSON where the server lets us say why."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        body = {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": detail}
        await websocket.send_denial_response(
            JSONResponse(body, status_code=403, media_type="application/problem+json")
        )
    else:
        await websocket.close(1008, detail)


def _resume(websocket: WebSocket) -> tuple[int | None, str | None]:
    given = websocket.query_params
    since, session = given.get("since"), given.get("session")
    if since is None:
        return None, session
    if not since.isdigit() or len(since) > 18:
        raise ValueError("since must be the seq of the last message received (an integer)")
    return int(since), session


def _types(websocket: WebSocket) -> frozenset[str] | None:
    """``?types=now_playing,next``: only these (a now-playing widget needs no meters)."""
    given = websocket.query_params.get("types")
    if given is None:
        return None
    types = frozenset(t.strip() for t in given.split(",") if t.strip())
    unknown = sorted(types - LIVE_MESSAGE_TYPES)
    if unknown:
        raise ValueError(f"no live message type {unknown[0][:40]!r}: use "
                         + ",".join(sorted(LIVE_MESSAGE_TYPES)))  # fmt: skip
    return types


async def _principal(websocket: WebSocket, state: ApiState) -> Principal | str:
    """Who is connecting, or why they are refused (one line)."""
    access = state.access
    if access is None:
        return "this process has no database to check credentials against"
    scheme, _, bearer = websocket.headers.get("authorization", "").partition(" ")
    token = bearer.strip() if scheme.lower() == "bearer" else ""
    if not token:
        secret = session_secret(state, websocket)
        if secret is not None:
            found = await run_in_threadpool(access.session_principal, secret)
            return found or "the session has ended: log in again"
        token = await _first_message_token(websocket)
        if not token:
            return ("anonymous live connections are refused: log in, or send"
                    ' {"token": "onair_..."} first')  # fmt: skip
    try:
        return await run_in_threadpool(access.token_principal, token)
    except AccessRefused as exc:
        return str(exc)


async def _first_message_token(websocket: WebSocket) -> str:
    try:
        async with asyncio.timeout(FIRST_MESSAGE_S):
            text = await websocket.receive_text()
        given = json.loads(text)
    except (TimeoutError, ValueError, KeyError, WebSocketDisconnect, RuntimeError):
        return ""
    token = given.get("token") if isinstance(given, dict) else None
    return token.strip() if isinstance(token, str) else ""


async def _pump(websocket: WebSocket, client: LiveClient) -> None:
    """Write the client's queue until it leaves or the hub drops it for being slow."""
    writer = asyncio.create_task(_write(websocket, client))
    reader = asyncio.create_task(_read_until_gone(websocket))
    try:
        await asyncio.wait([writer, reader], return_when=asyncio.FIRST_COMPLETED)
        gone = reader.done()
    finally:
        for task in (writer, reader):
            task.cancel()
        await asyncio.wait([writer, reader])
    if client.dropped is not None and not gone:
        # The frame waits for room on the connection: a client that reads again sees why.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_WAIT_S):
                await _close(websocket, TOO_SLOW, client.dropped)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    """Close with ``reason`` cut to the 123 bytes a close frame holds."""
    cut = reason.encode()[:123].decode(errors="ignore")
    with contextlib.suppress(WebSocketDisconnect, OSError, RuntimeError):
        await websocket.close(code, cut)


async def _write(websocket: WebSocket, client: LiveClient) -> None:
    with contextlib.suppress(WebSocketDisconnect, OSError):
        while (text := await client.next()) is not None:
            await websocket.send({"type": "websocket.send", "text": text})


async def _read_until_gone(websocket: WebSocket) -> None:
    """Wait for the client to leave; what it says after connecting is not read."""
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass
