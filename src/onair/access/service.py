"""One station's users, tokens and sessions, as the CLI and the API both reach them.

Every change to a user or a token is an operator action in the compliance
ledger, written in the change's own transaction, naming who made it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ulid import ULID

from onair.access.passwords import Passwords
from onair.access.ports import AccessStore
from onair.domain.access import (
    AccessRefused,
    ApiToken,
    LastAdmin,
    NoSuchName,
    Principal,
    Role,
    UserAccount,
    check_name,
    check_password,
    new_token,
    token_digest,
    token_prefix,
)
from onair.domain.ledger import EntryDraft, EntryKind

__all__ = ["SESSION_LENGTH", "Access"]

SESSION_LENGTH = timedelta(hours=12)  # a working shift; then the studio asks to log in again


class Access:
    """Users, tokens and sessions of ``station`` over ``store``; ``now`` is the clock."""

    def __init__(self, store: AccessStore, station: str, now: Callable[[], datetime],
                 passwords: Passwords | None = None) -> None:  # fmt: skip
        self.store = store
        self.station = station
        self.now = now
        self._passwords = passwords

    @property
    def passwords(self) -> Passwords:
        if self._passwords is None:  # hashing the decoy costs a few tens of milliseconds
            self._passwords = Passwords()
        return self._passwords

    def add_user(self, name: str, role: Role, password: str, by: str) -> UserAccount:
        """Add a user; :class:`DuplicateName` when the station has one of that name."""
        check_name(name)
        user = UserAccount(
            id=str(ULID()), station=self.station, name=name, role=role,
            password_hash=self.passwords.hash(check_password(password)), created_at=self.now(),
        )  # fmt: skip
        after = {"name": name, "role": role.value}
        self.store.add_user(user, self._action("access.user_add", by, after=after))
        return user

    def remove_user(self, name: str, by: str) -> None:
        """Remove ``name``; :class:`LastAdmin` if they are the station's only admin."""
        found = self._user(name)
        admins = [u for u in self.users() if u.role is Role.ADMIN]
        if admins == [found]:
            raise LastAdmin(f"{name} is station {self.station}'s last admin: "
                            "add another admin before removing them")  # fmt: skip
        before = {"name": name, "role": found.role.value}
        self.store.remove_user(self.station, name, self._action("access.user_remove", by, before))

    def set_password(self, name: str, password: str, by: str) -> None:
        """A new password for ``name``; the sessions opened with the old one end."""
        self._user(name)
        hashed = self.passwords.hash(check_password(password))
        action = self._action("access.user_passwd", by, detail={"name": name})
        self.store.set_password(self.station, name, hashed, action)

    def users(self) -> list[UserAccount]:
        return self.store.users(self.station)

    def has_admin(self) -> bool:
        return self.store.has_admin(self.station)

    def create_token(self, name: str, role: Role, lasts: timedelta | None,
                     by: str) -> tuple[str, ApiToken]:  # fmt: skip
        """A new token and its record; the token is returned this once and never kept."""
        check_name(name, "token name")
        text, prefix, digest = new_token()
        now = self.now()
        token = ApiToken(
            id=str(ULID()), station=self.station, name=name, role=role, prefix=prefix,
            digest=digest, created_at=now, created_by=by,
            expires_at=now + lasts if lasts else None, revoked_at=None,
        )  # fmt: skip
        after = {"name": name, "role": role.value, "prefix": prefix, "expires_at": token.expires_at}
        self.store.add_token(token, self._action("access.token_create", by, after=after))
        return text, token

    def tokens(self) -> list[ApiToken]:
        return self.store.tokens(self.station)

    def revoke_token(self, name_or_prefix: str, by: str) -> list[str]:
        """Revoke the live tokens of that name or prefix; their prefixes."""
        action = self._action("access.token_revoke", by, detail={"token": name_or_prefix})
        return self.store.revoke_tokens(self.station, name_or_prefix, self.now(), action)

    def token_principal(self, token: str) -> Principal:
        """Who ``token`` acts as; :class:`AccessRefused` unless it is live at this station."""
        prefix = token_prefix(token)
        found = self.store.token(prefix) if prefix else None
        if (
            found is None
            or found.station != self.station
            or not secrets.compare_digest(found.digest, token_digest(token))
        ):
            raise AccessRefused("the token is not one of this station's")
        if not found.usable_at(self.now()):
            raise AccessRefused(f"token {found.name!r} is revoked or expired")
        return Principal(found.name, found.role, "token")

    def login(self, name: str, password: str) -> UserAccount:
        """The user whose password this is; :class:`AccessRefused` otherwise (never saying which
        of the two was wrong)."""
        found = self.store.user(self.station, name)
        if not self.passwords.matches(found.password_hash if found else None, password):
            raise AccessRefused("wrong user name or password")
        assert found is not None  # a password matches only a stored hash
        if self.passwords.outdated(found.password_hash):
            self.store.rehash(found.id, self.passwords.hash(password))
        return found

    def open_session(self, user: UserAccount) -> tuple[str, datetime]:
        """A new session's secret (for the signed cookie) and when it ends."""
        secret = secrets.token_urlsafe(32)
        now = self.now()
        self.store.open_session(_digest(secret), user.id, now, now + SESSION_LENGTH)
        return secret, now + SESSION_LENGTH

    def session_principal(self, secret: str) -> Principal | None:
        user = self.store.session_user(_digest(secret), self.now())
        if user is None or user.station != self.station:
            return None
        return Principal(user.name, user.role, "user")

    def end_session(self, secret: str) -> None:
        self.store.end_session(_digest(secret))

    def _user(self, name: str) -> UserAccount:
        found = self.store.user(self.station, name)
        if found is None:
            raise NoSuchName(f"station {self.station} has no user {name!r}")
        return found

    def _action(self, action: str, by: str, before: Any = None, after: Any = None,
                detail: Mapping[str, Any] | None = None) -> EntryDraft:  # fmt: skip
        """The operator action for the ledger, in the shape playout's actions take."""
        action_id = str(ULID())
        body = {"action": action, "who": by, "before": before, "after": after,
                "detail": dict(detail or {}), "correlation_id": None}  # fmt: skip
        return EntryDraft(self.station, EntryKind.OPERATOR_ACTION, action_id, self.now(), body)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
