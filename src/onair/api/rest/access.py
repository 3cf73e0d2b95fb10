"""The station's users and API tokens, for its admins: ``/api/v1/users``, ``/api/v1/tokens``.

What ``onair user`` and ``onair token`` do, through the same service: each change
is an operator action in the ledger naming the admin who made it. A password an
admin does not give, and every token, is in the answer this once and never again:
only its hash is kept. Anyone logged in changes their own password at
``/api/v1/auth/password`` (see ``auth``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from onair.access import Access
from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import refused
from onair.api.state import StateDep
from onair.domain.access import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    AccessError,
    ApiToken,
    DuplicateName,
    LastAdmin,
    NoSuchName,
    Role,
    UserAccount,
    parse_expiry,
)

__all__ = ["router"]

router = APIRouter(tags=["access"])
T = TypeVar("T")

_STATUS: dict[type[Exception], int] = {
    NoSuchName: 404, DuplicateName: 409, LastAdmin: 409, AccessError: 422,
}  # fmt: skip


class UserView(BaseModel):
    name: str
    role: Role
    created_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="Lowercase, as they log in.")
    role: Role
    password: str | None = Field(
        default=None, min_length=MIN_PASSWORD, max_length=MAX_PASSWORD,
        description="Their password; left out, the station makes one and answers it once.",
    )  # fmt: skip


class UserCreated(UserView):
    password: str | None = Field(description="The password the station made; shown this once.")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(
        default=None, min_length=MIN_PASSWORD, max_length=MAX_PASSWORD,
        description="The new password; left out, the station makes one and answers it once.",
    )  # fmt: skip


class PasswordChanged(BaseModel):
    password: str | None = Field(description="The password the station made; shown this once.")


class TokenView(BaseModel):
    name: str
    role: Role
    prefix: str = Field(description="The token's first part after 'onair_': which token it is.")
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="What it is for: a script's name.")
    role: Role
    expires: str | None = Field(
        default=None,
        max_length=8,
        description="Lifetime such as 90d, 12h or 4w; never if left out.",
    )


class TokenCreated(TokenView):
    token: str = Field(description="The token itself; shown this once, never kept.")


class Revoked(BaseModel):
    revoked: list[str] = Field(description="The prefixes of the tokens revoked.")


def _access(state: Any) -> Access:
    if state.access is None:
        raise HTTPException(503, "this process has no database of users")
    access: Access = state.access
    return access


async def _run(call: Callable[..., T], *args: Any) -> T:
    try:
        return await run_in_threadpool(call, *args)
    except tuple(_STATUS) as exc:
        raise refused(exc, _STATUS) from None


def _user(user: UserAccount) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "created_at": user.created_at}


def _token(token: ApiToken) -> dict[str, Any]:
    return {"name": token.name, "role": token.role, "prefix": token.prefix,
            "created_at": token.created_at, "created_by": token.created_by,
            "expires_at": token.expires_at, "revoked_at": token.revoked_at}  # fmt: skip


def _password(given: str | None) -> tuple[str, str | None]:
    """The password to set, and the one to answer: only one the station made is shown."""
    if given is not None:
        return given, None
    made = secrets.token_urlsafe(15)
    return made, made


@router.get("/users", operation_id="list_users", **requires(Role.ADMIN))
async def list_users(state: StateDep) -> list[UserView]:
    """The station's users and their roles."""
    users = await _run(_access(state).users)
    return [UserView.model_validate(_user(u)) for u in users]


@router.post("/users", operation_id="add_user", status_code=201, **requires(Role.ADMIN))
async def add_user(given: UserCreate, state: StateDep, who: CurrentPrincipal) -> UserCreated:
    """Add a user; 409 when the station has one of that name."""
    password, shown = _password(given.password)
    user = await _run(_access(state).add_user, given.name, given.role, password, who.who)
    return UserCreated.model_validate(_user(user) | {"password": shown})


@router.delete("/users/{name}", operation_id="remove_user", status_code=204,
               **requires(Role.ADMIN))  # fmt: skip
async def remove_user(name: str, state: StateDep, who: CurrentPrincipal) -> Response:
    """Remove a user; their sessions end at once. The last admin stays (409)."""
    await _run(_access(state).remove_user, name, who.who)
    return Response(status_code=204)


@router.put("/users/{name}/password", operation_id="set_user_password", **requires(Role.ADMIN))
async def set_user_password(name: str, given: PasswordChange, state: StateDep,
                            who: CurrentPrincipal) -> PasswordChanged:  # fmt: skip
    """Give a user a new password; their sessions end."""
    password, shown = _password(given.password)
    await _run(_access(state).set_password, name, password, who.who)
    return PasswordChanged(password=shown)


@router.get("/tokens", operation_id="list_tokens", **requires(Role.ADMIN))
async def list_tokens(state: StateDep) -> list[TokenView]:
    """The station's API tokens, revoked and expired ones too (never the tokens themselves)."""
    tokens = await _run(_access(state).tokens)
    return [TokenView.model_validate(_token(t)) for t in tokens]


@router.post("/tokens", operation_id="create_token", status_code=201, **requires(Role.ADMIN))
async def create_token(given: TokenCreate, state: StateDep,
                       who: CurrentPrincipal) -> TokenCreated:  # fmt: skip
    """A new token for a script; the answer is the only time it is shown."""
    try:
        lasts = parse_expiry(given.expires) if given.expires is not None else None
    except AccessError as exc:
        raise HTTPException(422, f"expires: {exc}") from None
    text, token = await _run(_access(state).create_token, given.name, given.role, lasts, who.who)
    return TokenCreated.model_validate(_token(token) | {"token": text})


@router.delete("/tokens/{name_or_prefix}", operation_id="revoke_token", **requires(Role.ADMIN))
async def revoke_token(name_or_prefix: str, state: StateDep, who: CurrentPrincipal) -> Revoked:
    """Revoke the live tokens of that name, or the one of that prefix; 404 when none is."""
    return Revoked(revoked=await _run(_access(state).revoke_token, name_or_prefix, who.who))
