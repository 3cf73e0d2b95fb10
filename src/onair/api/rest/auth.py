"""Logging in and out of the studio: ``/api/v1/auth/login``, ``/logout``, ``/me``, and
changing one's own password (``/password``).

A login sets two cookies: ``onair_session`` (HttpOnly, SameSite=Strict, the
session's secret signed with the settings' ``secret_key``) and ``onair_csrf``
(readable by the page, the token its unsafe requests echo in ``X-CSRF-Token``).
Wrong passwords are limited per name and per address: over the limit, 429 with
``Retry-After``. A login whose ``Origin`` is another site is refused.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from onair.access.service import SESSION_LENGTH
from onair.api.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    CurrentPrincipal,
    csrf_token,
    requires,
    session_cookie,
    session_secret,
)
from onair.api.state import ApiState, StateDep
from onair.domain.access import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    AccessError,
    AccessRefused,
    Role,
    UserAccount,
)

__all__ = ["LoginCreate", "OwnPasswordChange", "SessionPublic", "router"]

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class OwnPasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD)
    new_password: str = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


class SessionPublic(BaseModel):
    name: str
    role: Role
    csrf_token: str | None = None
    expires_at: datetime | None = None


@router.post("/login", operation_id="login", **requires(None))
async def login(given: LoginCreate, request: Request, response: Response,
                state: StateDep) -> SessionPublic:  # fmt: skip
    """Open a browser session; 401 for a wrong name or password, 429 after too many."""
    access = state.access
    if access is None:
        raise HTTPException(503, "this process has no database to check passwords against")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        # A page of another site must not log this browser in (to the attacker's account).
        raise HTTPException(403, f"a login from another site ({origin[:100]}) is refused")
    address = request.client.host if request.client else "unknown"
    user = await _checked(state, address, given.name, given.password, 401)
    return await _open_session(state, user, request, response)


@router.post("/password", operation_id="change_own_password", **requires(Role.VIEWER))
async def change_own_password(given: OwnPasswordChange, request: Request, response: Response,
                              state: StateDep, who: CurrentPrincipal) -> SessionPublic:  # fmt: skip
    """Change the password you logged in with, giving the current one (limited as a login
    is). Every session of yours ends; this browser gets a new one in the answer."""
    access = state.access
    if access is None:
        raise HTTPException(503, "this process has no database to check passwords against")
    if who.kind != "user":
        raise HTTPException(403, f"{who.who} is a token: only a user has a password")
    address = request.client.host if request.client else "unknown"
    user = await _checked(state, address, who.name, given.current_password, 403)
    try:
        await run_in_threadpool(access.set_password, who.name, given.new_password, who.who)
    except AccessError as exc:
        raise HTTPException(422, f"new_password: {exc}") from None
    return await _open_session(state, user, request, response)


async def _checked(state: ApiState, address: str, name: str, password: str,
                   status: int) -> UserAccount:  # fmt: skip
    """The user whose password this is, or ``status``; 429 after too many wrong ones."""
    assert state.access is not None
    wait = state.login_limits.wait_s(name, address)
    if wait:
        raise HTTPException(429, f"too many wrong passwords: try again in {wait} s",
                            headers={"Retry-After": str(wait)})  # fmt: skip
    try:
        user = await run_in_threadpool(state.access.login, name, password)
    except AccessRefused as exc:
        state.login_limits.failed(name, address)
        raise HTTPException(status, str(exc)) from None
    state.login_limits.succeeded(name)
    return user


async def _open_session(state: ApiState, user: UserAccount, request: Request,
                        response: Response) -> SessionPublic:  # fmt: skip
    assert state.access is not None
    secret, expires_at = await run_in_threadpool(state.access.open_session, user)
    csrf = csrf_token(state, secret)
    secure = request.url.scheme == "https"
    age = int(SESSION_LENGTH.total_seconds())
    response.set_cookie(SESSION_COOKIE, session_cookie(state, secret), max_age=age,
                        httponly=True, samesite="strict", secure=secure)  # fmt: skip
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, samesite="strict", secure=secure)
    return SessionPublic(name=user.name, role=user.role, csrf_token=csrf, expires_at=expires_at)


@router.post("/logout", operation_id="logout", status_code=204, **requires(Role.VIEWER))
async def logout(request: Request, response: Response, state: StateDep,
                 who: CurrentPrincipal) -> None:  # fmt: skip
    """End the browser session (a token is revoked with 'onair token revoke' instead)."""
    secret = session_secret(state, request)
    if secret is not None and state.access is not None:
        await run_in_threadpool(state.access.end_session, secret)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, samesite="strict")


@router.get("/me", operation_id="read_me", **requires(Role.VIEWER))
async def read_me(who: CurrentPrincipal) -> SessionPublic:
    """Who the credential sent acts as, and their role."""
    return SessionPublic(name=who.who, role=who.role)
