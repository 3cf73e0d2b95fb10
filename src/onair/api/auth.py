"""Who is calling, and whether their role lets them: every route goes through :func:`authorize`.

A route declares the role it needs with ``**requires(Role.OPERATOR)`` (or
``**requires(None)`` for a public one); the declaration is the route's
``x-onair-role`` in the OpenAPI document, which is where :func:`authorize`
reads it and where the tests walk every route. A route that declares nothing
is refused to everyone.

Two credentials open a route:

- ``Authorization: Bearer onair_...``, an API token, for scripts;
- the ``onair_session`` cookie a login sets (HttpOnly, SameSite=Strict, signed
  with the settings' ``secret_key``), for browsers. An unsafe method (POST, PUT,
  PATCH, DELETE) with a cookie must also carry ``X-CSRF-Token``: the token the
  login answered with, an HMAC of the session under the same key (a signed
  double submit; the studio reads it from the ``onair_csrf`` cookie).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from onair.api.state import ApiState, StateDep
from onair.domain.access import AccessRefused, Principal, Role

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "ROLE_KEY",
    "SESSION_COOKIE",
    "CurrentPrincipal",
    "authorize",
    "csrf_token",
    "requires",
    "session_cookie",
    "session_secret",
]

ROLE_KEY = "x-onair-role"
PUBLIC = "public"
SESSION_COOKIE = "onair_session"
CSRF_COOKIE = "onair_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="onair"'}


def requires(role: Role | None) -> dict[str, Any]:
    """A route's declaration of the role it needs (None: public), for its decorator."""
    return {"openapi_extra": {ROLE_KEY: role.value if role else PUBLIC}}


def _signer(state: ApiState) -> Signer:
    return Signer(state.session_key, salt="onair.session")


def session_cookie(state: ApiState, secret: str) -> str:
    """The cookie's value: the session's secret, signed."""
    return _signer(state).sign(secret).decode()


def csrf_token(state: ApiState, secret: str) -> str:
    """The CSRF token bound to a session: a page without the key cannot make one."""
    return hmac.new(state.session_key, b"csrf:" + secret.encode(), hashlib.sha256).hexdigest()


def session_secret(state: ApiState, request: HTTPConnection) -> str | None:
    """The secret of the session cookie (of a request or a WebSocket), if its signature holds."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return _signer(state).unsign(cookie).decode()
    except BadSignature:
        return None


def _refused(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers=_CHALLENGE)


async def _principal(request: Request, state: ApiState) -> Principal:
    access = state.access
    if access is None:
        raise HTTPException(503, "this process has no database to check credentials against")
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        try:
            return await run_in_threadpool(access.token_principal, credential.strip())
        except AccessRefused as exc:
            raise _refused(str(exc)) from None
    secret = session_secret(state, request)
    if secret is None:
        raise _refused("log in (POST /api/v1/auth/login) or send an API token as a Bearer token")
    found = await run_in_threadpool(access.session_principal, secret)
    if found is None:
        raise _refused("the session has ended: log in again")
    if request.method not in _SAFE:
        given = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(given.encode(), csrf_token(state, secret).encode()):
            raise HTTPException(403, f"a session's {request.method} needs its {CSRF_HEADER} header")
    return found


async def authorize(request: Request, state: StateDep) -> Principal | None:
    """The caller, once their credential and role are checked against what the route needs.

    None on a public route. 401 without a credential that holds, 403 when the
    role is too weak (or the route declares none).
    """
    route = request.scope.get("route")
    needed = (getattr(route, "openapi_extra", None) or {}).get(ROLE_KEY)
    if needed == PUBLIC:
        return None
    principal = await _principal(request, state)
    if needed is None:
        raise HTTPException(403, "this route declares no role, so no one may use it")
    if not principal.role.allows(Role(needed)):
        raise HTTPException(403, f"{principal.who} is {principal.role.value}; this needs {needed}")
    return principal


async def _known(principal: Annotated[Principal | None, Depends(authorize)]) -> Principal:
    if principal is None:  # a public route asked for who is calling: a mistake in the route
        raise HTTPException(500, "a public route cannot name its caller")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(_known)]
