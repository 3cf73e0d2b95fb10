"""Who may do what at a station: roles, the people and scripts that hold them, API tokens.

A role allows everything the roles below it allow: an ``operator`` can read what a
``viewer`` reads, an ``admin`` can do anything. ``voice`` sits between the viewer
and the operator: it records and approves links but does not run the air.

An API token reads ``onair_<prefix>_<secret>``: the prefix finds its row, and only
the SHA-256 of the whole token is stored, so a leaked database gives no token back.
Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from onair.domain.errors import DomainError

__all__ = [
    "AccessError",
    "AccessRefused",
    "ApiToken",
    "DuplicateName",
    "LastAdmin",
    "NoSuchName",
    "Principal",
    "Role",
    "UserAccount",
    "check_name",
    "check_password",
    "new_token",
    "parse_expiry",
    "token_digest",
    "token_prefix",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_TOKEN = re.compile(r"^onair_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$")
_EXPIRY = re.compile(r"^(\d{1,5})([hdw])$")
MIN_PASSWORD = 12  # characters; NIST SP 800-63B asks for at least 8, a station's air is worth more
MAX_PASSWORD = 1024  # argon2 hashes any length; a megabyte password would only cost CPU


class AccessError(DomainError):
    """A user, token or role that cannot be used as asked."""


class DuplicateName(AccessError):
    """A user name the station already has."""


class NoSuchName(AccessError):
    """A user or token the station does not have."""


class LastAdmin(AccessError):
    """A change that would leave the station with no admin to manage it."""


class AccessRefused(AccessError):
    """Credentials that do not open the station (wrong, expired, revoked)."""


class Role(StrEnum):
    """What a user or token may do at its station, weakest first."""

    VIEWER = "viewer"  # reads only
    VOICE = "voice"  # records and approves voice links
    OPERATOR = "operator"  # runs the air: triggers, inserts
    PROGRAM_DIRECTOR = "program_director"  # the programming: station file, schedule, rules
    ADMIN = "admin"  # users, tokens and settings

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """Whether a holder of this role may do what ``needed`` guards."""
        return self.rank >= needed.rank


@dataclass(frozen=True)
class Principal:
    """Who a request or a command acts as: a user, or a script's token."""

    name: str
    role: Role
    kind: str = "user"  # "user" or "token"

    @property
    def who(self) -> str:
        """The name the operator log and the ledger record (a token's is marked as one)."""
        return self.name if self.kind == "user" else f"token:{self.name}"


@dataclass(frozen=True)
class UserAccount:
    """A person who logs in; the password is kept as its argon2 hash only."""

    id: str
    station: str
    name: str
    role: Role
    password_hash: str
    created_at: datetime


@dataclass(frozen=True)
class ApiToken:
    """A script's credential: found by ``prefix``, checked against ``digest``."""

    id: str
    station: str
    name: str
    role: Role
    prefix: str
    digest: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def check_name(name: str, what: str = "user name") -> str:
    if not _NAME.match(name):
        raise AccessError(
            f"{what} {name[:70]!r} must be 1 to 64 lowercase letters, digits, '.', '_' or '-'"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccessError(f"a password has at most {MAX_PASSWORD} characters")
    return password


def new_token() -> tuple[str, str, str]:
    """A fresh token, its prefix and its digest; the token itself is shown once, never kept."""
    prefix = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
    token = f"onair_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, token_digest(token)


def token_prefix(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    found = _TOKEN.match(token)
    return found.group(1) if found else None


def token_digest(token: str) -> str:
    """SHA-256 of the token: it carries 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def parse_expiry(text: str) -> timedelta:
    """``90d``, ``12h`` or ``4w`` as a span."""
    found = _EXPIRY.match(text.strip())
    if not found or int(found.group(1)) == 0:
        raise AccessError(f"expiry {text[:40]!r} must be a number and h, d or w, such as 90d")
    count, unit = int(found.group(1)), found.group(2)
    return {"h": timedelta(hours=count), "d": timedelta(days=count),
            "w": timedelta(weeks=count)}[unit]  # fmt: skip
