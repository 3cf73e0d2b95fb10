"""The station's users and tokens managed through the API, as an admin of the studio does,
and a user changing their own password; over a real SQLite station."""

from __future__ import annotations

from typing import Any

import pytest

from onair.domain.access import Role
from onair.domain.ledger import EntryKind
from tests.integration.api.conftest import PASSWORD, Served

pytestmark = pytest.mark.integration


def _admin(served: Served) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(Role.ADMIN, 'desk')}"}


def _actions(served: Served) -> list[dict[str, Any]]:
    entries = served.station.stores.ledger.entries(served.station.stores.station)
    return [e.body for e in entries if e.kind is EntryKind.OPERATOR_ACTION
            and e.body["action"].startswith("access.user")]  # fmt: skip


async def test_an_admin_adds_lists_resets_and_removes_users(served: Served) -> None:
    admin, client = _admin(served), served.client
    made = await client.post("/api/v1/users", json={"name": "ann", "role": "operator"},
                             headers=admin)  # fmt: skip
    assert made.status_code == 201, made.text
    password = made.json()["password"]
    assert len(password) >= 16
    login = await client.post("/api/v1/auth/login", json={"name": "ann", "password": password})
    assert login.json()["role"] == "operator"
    client.cookies.clear()

    bob = {"name": "bob", "role": "voice", "password": PASSWORD}
    given = await client.post("/api/v1/users", json=bob, headers=admin)
    assert given.json()["password"] is None  # given, so nothing to show
    twice = await client.post("/api/v1/users", json={"name": "ann", "role": "viewer"},
                              headers=admin)  # fmt: skip
    assert (twice.status_code, twice.json()["detail"]) == (
        409, "station demo already has a user 'ann'"
    )  # fmt: skip
    bad = await client.post("/api/v1/users", json={"name": "Ann Smith", "role": "viewer"},
                            headers=admin)  # fmt: skip
    assert bad.status_code == 422
    assert "lowercase letters" in bad.json()["detail"]
    listed = await client.get("/api/v1/users", headers=admin)
    assert [(u["name"], u["role"]) for u in listed.json()] == [("ann", "operator"),
                                                                ("bob", "voice")]  # fmt: skip

    reset = await client.put("/api/v1/users/ann/password", json={}, headers=admin)
    fresh = reset.json()["password"]
    old = await client.post("/api/v1/auth/login", json={"name": "ann", "password": password})
    assert old.status_code == 401
    new = await client.post("/api/v1/auth/login", json={"name": "ann", "password": fresh})
    assert new.status_code == 200
    client.cookies.clear()

    gone = await client.delete("/api/v1/users/ann", headers=admin)
    assert gone.status_code == 204
    again = await client.delete("/api/v1/users/ann", headers=admin)
    assert (again.status_code, again.json()["detail"]) == (404, "station demo has no user 'ann'")
    assert [(a["action"], a["who"]) for a in _actions(served)] == [
        ("access.user_add", "token:desk"), ("access.user_add", "token:desk"),
        ("access.user_passwd", "token:desk"), ("access.user_remove", "token:desk"),
    ]  # fmt: skip
    assert "password" not in str(_actions(served)).replace("user_passwd", "")


async def test_the_last_admin_cannot_be_removed(served: Served) -> None:
    served.user("root", Role.ADMIN)
    admin = _admin(served)
    refused = await served.client.delete("/api/v1/users/root", headers=admin)
    assert (refused.status_code, refused.json()["detail"]) == (
        409, "root is station demo's last admin: add another admin before removing them"
    )  # fmt: skip
    served.user("second", Role.ADMIN)
    assert (await served.client.delete("/api/v1/users/root", headers=admin)).status_code == 204


async def test_an_admin_creates_lists_and_revokes_tokens(served: Served) -> None:
    admin, client = _admin(served), served.client
    made = await client.post("/api/v1/tokens", headers=admin,
                             json={"name": "now-playing-site", "role": "viewer",
                                   "expires": "90d"})  # fmt: skip
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    assert token.startswith(f"onair_{made.json()['prefix']}_")
    assert made.json()["created_by"] == "token:desk"
    assert made.json()["expires_at"] is not None
    works = await client.get("/api/v1/status", headers={"Authorization": f"Bearer {token}"})
    assert works.status_code == 200
    listed = await client.get("/api/v1/tokens", headers=admin)
    assert "token" not in listed.json()[0]
    assert {t["name"] for t in listed.json()} == {"desk", "now-playing-site"}

    forever = await client.post("/api/v1/tokens", headers=admin,
                                json={"name": "x", "role": "viewer", "expires": "0d"})  # fmt: skip
    assert forever.status_code == 422
    assert forever.json()["detail"].startswith("expires: expiry '0d' must be a number")

    revoked = await client.delete("/api/v1/tokens/now-playing-site", headers=admin)
    assert revoked.json() == {"revoked": [made.json()["prefix"]]}
    dead = await client.get("/api/v1/status", headers={"Authorization": f"Bearer {token}"})
    assert dead.status_code == 401
    none_left = await client.delete("/api/v1/tokens/now-playing-site", headers=admin)
    assert none_left.status_code == 404


async def test_a_user_changes_their_own_password_and_keeps_a_session(served: Served) -> None:
    served.user("ann", Role.VIEWER)
    client = served.client
    login = await client.post("/api/v1/auth/login", json={"name": "ann", "password": PASSWORD})
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    wrong = await client.post("/api/v1/auth/password", headers=csrf,
                              json={"current_password": "not it",
                                    "new_password": "a brand new passphrase"})  # fmt: skip
    assert (wrong.status_code, wrong.json()["detail"]) == (403, "wrong user name or password")
    too_short = {"current_password": PASSWORD, "new_password": "short"}
    short = await client.post("/api/v1/auth/password", json=too_short, headers=csrf)
    assert short.status_code == 422
    changed = await client.post("/api/v1/auth/password", headers=csrf,
                                json={"current_password": PASSWORD,
                                      "new_password": "a brand new passphrase"})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/v1/auth/me")).json()["name"] == "ann"  # the new session
    client.cookies.clear()
    old = await client.post("/api/v1/auth/login", json={"name": "ann", "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post("/api/v1/auth/login",
                            json={"name": "ann", "password": "a brand new passphrase"})  # fmt: skip
    assert new.status_code == 200

    bearer = {"Authorization": f"Bearer {served.token(Role.VIEWER, 'script')}"}
    token = await client.post("/api/v1/auth/password", headers=bearer,
                              json={"current_password": "x", "new_password": "y" * 12})  # fmt: skip
    assert (token.status_code, token.json()["detail"]) == (
        403, "token:script is a token: only a user has a password"
    )  # fmt: skip
