"""Users, API tokens and browser sessions of each station.

A change to users or tokens is written in the ledger's transaction for its
operator action (``SqlLedger.recorded``): both commit, or neither. Sessions
come and go with logins and are not ledgered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from onair.domain.access import ApiToken, DuplicateName, NoSuchName, Role, UserAccount
from onair.domain.ledger import EntryDraft
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.tables import AccessSession, AccessToken, AccessUser

__all__ = ["SqlAccess"]

_U, _T, _S = AccessUser, AccessToken, AccessSession
_USER = (_U.id, _U.station_id, _U.name, _U.role, _U.password_hash, _U.created_at)
_TOKEN = (_T.id, _T.station_id, _T.name, _T.role, _T.prefix, _T.digest, _T.created_at,
          _T.created_by, _T.expires_at, _T.revoked_at)  # fmt: skip
# Every request's credential is one of these two reads, built once: building a statement
# costs several times what running it does.
_TOKEN_OF = sa.select(*_TOKEN).where(_T.prefix == sa.bindparam("prefix"))
_SESSION_USER = (
    sa.select(*_USER)
    .join(_S, _S.user_id == _U.id)
    .where(_S.digest == sa.bindparam("digest"), _S.expires_at > sa.bindparam("now"))
)


class SqlAccess:
    """The ``AccessStore``: ``access_users``, ``access_tokens``, ``access_sessions``."""

    def __init__(self, engine: Engine, ledger: SqlLedger) -> None:
        self.engine = engine
        self.ledger = ledger

    def add_user(self, user: UserAccount, action: EntryDraft) -> None:
        """Add ``user``; :class:`DuplicateName` when the station has one of that name."""
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            if _user_row(conn, user.station, user.name) is not None:
                raise DuplicateName(f"station {user.station} already has a user {user.name!r}")
            conn.execute(sa.insert(_U).values(
                id=user.id, station_id=user.station, name=user.name, role=user.role.value,
                password_hash=user.password_hash, created_at=user.created_at,
            ))  # fmt: skip

    def user(self, station: str, name: str) -> UserAccount | None:
        with self.engine.connect() as conn:
            row = _user_row(conn, station, name)
        return None if row is None else _user(row)

    def users(self, station: str) -> list[UserAccount]:
        query = sa.select(*_USER).where(_U.station_id == station).order_by(_U.name)
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(query)]

    def has_admin(self, station: str) -> bool:
        query = sa.select(_U.id).where(_U.station_id == station, _U.role == Role.ADMIN.value)
        with self.engine.connect() as conn:
            return conn.execute(query.limit(1)).first() is not None

    def remove_user(self, station: str, name: str, action: EntryDraft) -> None:
        """Remove the user and end their sessions; :class:`NoSuchName` when there is none."""
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            found = _user_row(conn, station, name)
            if found is None:
                raise NoSuchName(f"station {station} has no user {name!r}")
            conn.execute(sa.delete(_S).where(_S.user_id == found.id))
            conn.execute(sa.delete(_U).where(_U.id == found.id))

    def set_password(self, station: str, name: str, password_hash: str, action: EntryDraft) -> None:
        """Replace the user's password hash and end every session opened with the old one."""
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            found = _user_row(conn, station, name)
            if found is None:
                raise NoSuchName(f"station {station} has no user {name!r}")
            conn.execute(sa.update(_U).where(_U.id == found.id).values(password_hash=password_hash))
            conn.execute(sa.delete(_S).where(_S.user_id == found.id))

    def rehash(self, user_id: str, password_hash: str) -> None:
        """Keep a stronger hash of the same password (argon2's parameters went up)."""
        with self.engine.begin() as conn:
            conn.execute(sa.update(_U).where(_U.id == user_id).values(password_hash=password_hash))

    def add_token(self, token: ApiToken, action: EntryDraft) -> None:
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            conn.execute(sa.insert(_T).values(
                id=token.id, station_id=token.station, prefix=token.prefix, digest=token.digest,
                name=token.name, role=token.role.value, created_at=token.created_at,
                created_by=token.created_by, expires_at=token.expires_at, revoked_at=None,
            ))  # fmt: skip

    def token(self, prefix: str) -> ApiToken | None:
        """The token of ``prefix``, revoked or expired alike."""
        with self.engine.connect() as conn:
            row = conn.execute(_TOKEN_OF, {"prefix": prefix}).first()
        return None if row is None else _token(row)

    def tokens(self, station: str) -> list[ApiToken]:
        query = sa.select(*_TOKEN).where(_T.station_id == station).order_by(_T.created_at, _T.id)
        with self.engine.connect() as conn:
            return [_token(r) for r in conn.execute(query)]

    def revoke_tokens(self, station: str, name_or_prefix: str, at: datetime,
                      action: EntryDraft) -> list[str]:  # fmt: skip
        """Revoke the station's unrevoked tokens of that name (or that prefix); their prefixes.

        :class:`NoSuchName` when there is none to revoke.
        """
        live = sa.select(_T.id, _T.prefix).where(
            _T.station_id == station,
            _T.revoked_at.is_(None),
            sa.or_(_T.name == name_or_prefix, _T.prefix == name_or_prefix),
        )
        with self.ledger.recorded(action) as recording:
            conn = recording.conn
            found = conn.execute(live.order_by(_T.created_at, _T.id)).all()
            if not found:
                raise NoSuchName(f"station {station} has no live token {name_or_prefix!r}")
            ids = [r.id for r in found]
            conn.execute(sa.update(_T).where(_T.id.in_(ids)).values(revoked_at=at))
        return [r.prefix for r in found]

    def open_session(self, digest: str, user_id: str, at: datetime, expires_at: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(_S).where(_S.expires_at <= at))  # the long-expired go too
            conn.execute(sa.insert(_S).values(digest=digest, user_id=user_id, created_at=at,
                                              expires_at=expires_at))  # fmt: skip

    def session_user(self, digest: str, now: datetime) -> UserAccount | None:
        """The user of an unexpired session."""
        with self.engine.connect() as conn:
            row = conn.execute(_SESSION_USER, {"digest": digest, "now": now}).first()
        return None if row is None else _user(row)

    def end_session(self, digest: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(_S).where(_S.digest == digest))


def _user_row(conn: Connection, station: str, name: str) -> Row[*tuple[Any, ...]] | None:
    query = sa.select(*_USER).where(_U.station_id == station, _U.name == name)
    return conn.execute(query).first()


def _user(row: Row[*tuple[Any, ...]]) -> UserAccount:
    m = row._mapping
    return UserAccount(id=m["id"], station=m["station_id"], name=m["name"], role=Role(m["role"]),
                       password_hash=m["password_hash"], created_at=m["created_at"])  # fmt: skip


def _token(row: Row[*tuple[Any, ...]]) -> ApiToken:
    m = row._mapping
    return ApiToken(
        id=m["id"], station=m["station_id"], name=m["name"], role=Role(m["role"]),
        prefix=m["prefix"], digest=m["digest"], created_at=m["created_at"],
        created_by=m["created_by"], expires_at=m["expires_at"], revoked_at=m["revoked_at"],
    )  # fmt: skip
