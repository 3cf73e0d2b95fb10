"""Users and tokens on SQLite and PostgreSQL: each change and its ledger entry commit together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from onair.access import Access
from onair.domain.access import AccessRefused, DuplicateName, NoSuchName, Role
from onair.storage.repositories.access import SqlAccess
from onair.storage.repositories.ledger import SqlLedger
from tests.integration.storage.conftest import STATION

pytestmark = pytest.mark.integration


class _Clock:
    def __init__(self) -> None:
        self.at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def _access(engine: Engine, clock: _Clock) -> tuple[Access, SqlLedger]:
    ledger = SqlLedger(engine, now=clock)
    return Access(SqlAccess(engine, ledger), STATION, clock), ledger


def _actions(ledger: SqlLedger) -> list[tuple[str, str]]:
    return [(e.body["action"], e.body["who"]) for e in ledger.entries(STATION)]


def test_each_change_is_one_operator_action_and_a_refused_one_none(engine: Engine) -> None:
    access, ledger = _access(engine, _Clock())
    access.add_user("ann", Role.OPERATOR, "a long enough password", "shell:root")
    with pytest.raises(DuplicateName):
        access.add_user("ann", Role.ADMIN, "another long password", "shell:root")
    with pytest.raises(NoSuchName):
        access.remove_user("bob", "shell:root")
    access.set_password("ann", "a new long password", "shell:root")
    access.remove_user("ann", "shell:root")
    assert _actions(ledger) == [
        ("access.user_add", "shell:root"),
        ("access.user_passwd", "shell:root"),
        ("access.user_remove", "shell:root"),
    ]
    body = next(iter(ledger.entries(STATION))).body
    assert "password" not in str(body).replace("user_passwd", "")  # no hash, no password


def test_a_password_opens_a_session_and_a_new_password_ends_it(engine: Engine) -> None:
    access, _ = _access(engine, _Clock())
    access.add_user("ann", Role.OPERATOR, "a long enough password", "shell:root")
    with pytest.raises(AccessRefused):
        access.login("ann", "not her password")
    with pytest.raises(AccessRefused):
        access.login("nobody", "a long enough password")
    user = access.login("ann", "a long enough password")
    secret, _ = access.open_session(user)
    found = access.session_principal(secret)
    assert found is not None
    assert (found.name, found.role, found.who) == ("ann", Role.OPERATOR, "ann")
    access.set_password("ann", "a new long password", "shell:root")
    assert access.session_principal(secret) is None


def test_a_token_works_until_it_expires_or_is_revoked(engine: Engine) -> None:
    clock = _Clock()
    access, ledger = _access(engine, clock)
    text, token = access.create_token("cart", Role.OPERATOR, timedelta(days=1), "shell:root")
    assert text.startswith(f"onair_{token.prefix}_")
    assert access.token_principal(text).who == "token:cart"
    with pytest.raises(AccessRefused):
        access.token_principal(text[:-1] + ("A" if text[-1] != "A" else "B"))
    clock.at += timedelta(days=1)
    with pytest.raises(AccessRefused, match="revoked or expired"):
        access.token_principal(text)
    fresh, _ = access.create_token("cart", Role.OPERATOR, None, "shell:root")
    assert access.revoke_token("cart", "shell:root") == [token.prefix, fresh.split("_")[1]]
    with pytest.raises(AccessRefused):
        access.token_principal(fresh)
    with pytest.raises(NoSuchName):
        access.revoke_token("cart", "shell:root")
    assert [a for a, _ in _actions(ledger)] == [
        "access.token_create", "access.token_create", "access.token_revoke",
    ]  # fmt: skip
