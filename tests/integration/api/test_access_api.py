"""Every route behind its role: anonymous 401, too weak 403, sessions with CSRF, tokens.

Through the real app of a serving process, over a real SQLite station.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from onair.api.auth import PUBLIC, ROLE_KEY
from onair.domain.access import Role
from onair.ingest.catalog_load import load_catalog
from onair.storage.repositories.library import SqlLibrary
from tests.integration.api.conftest import PASSWORD, Served

pytestmark = pytest.mark.integration

UNSAFE = {"post", "put", "patch", "delete"}


def _routes(served: Served) -> list[tuple[str, str, dict[str, Any]]]:
    spec = served.client._transport.app.openapi()  # type: ignore[attr-defined]
    return [(method, path.replace("{trigger}", "skip"), op)
            for path, ops in spec["paths"].items() for method, op in ops.items()]  # fmt: skip


async def test_every_route_declares_a_role_and_refuses_callers_without_it(served: Served) -> None:
    viewer = {"Authorization": f"Bearer {served.token(Role.VIEWER)}"}
    routes = _routes(served)
    assert {op[ROLE_KEY] for _, _, op in routes} <= {PUBLIC, *(r.value for r in Role)}
    unsafe = [(m, p, op) for m, p, op in routes if m in UNSAFE and op[ROLE_KEY] != PUBLIC]
    assert ("post", "/api/v1/playout/skip") in [(m, p) for m, p, _ in unsafe]
    # A viewer reads; the changes it may make are to its own session and password.
    changes_for_viewers = {(m, p) for m, p, op in unsafe if op[ROLE_KEY] == Role.VIEWER.value}
    assert changes_for_viewers == {("post", "/api/v1/auth/logout"),
                                   ("post", "/api/v1/auth/password")}  # fmt: skip
    for method, path, op in routes:
        if op[ROLE_KEY] == PUBLIC:
            continue
        anonymous = await served.client.request(method, path, json={})
        assert anonymous.status_code == 401, (method, path)
        assert anonymous.headers["content-type"] == "application/problem+json"
        assert anonymous.headers["www-authenticate"] == 'Bearer realm="onair"'
        if Role(op[ROLE_KEY]) is not Role.VIEWER:
            weak = await served.client.request(method, path, json={}, headers=viewer)
            assert weak.status_code == 403, (method, path)
            assert "token:viewer is viewer" in weak.json()["detail"]
    public = {p for _, p, op in routes if op[ROLE_KEY] == PUBLIC}
    assert public == {"/healthz", "/api/v1/auth/login", "/api/v1/public/now-playing"}


async def test_a_login_opens_a_session_whose_unsafe_calls_need_the_csrf_token(
    served: Served,
) -> None:
    served.user("ann", Role.OPERATOR)
    login = await served.client.post("/api/v1/auth/login",
                                     json={"name": "ann", "password": PASSWORD})  # fmt: skip
    assert login.status_code == 200, login.text
    cookies = login.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("onair_session="))
    assert "HttpOnly" in session
    assert "SameSite=strict" in session
    csrf = login.json()["csrf_token"]
    assert next(c for c in cookies if c.startswith("onair_csrf=")).startswith(f"onair_csrf={csrf}")
    me = await served.client.get("/api/v1/auth/me")
    assert me.json() == {"name": "ann", "role": "operator", "csrf_token": None, "expires_at": None}

    forged = await served.client.post("/api/v1/playout/skip", json={})
    assert forged.status_code == 403
    assert forged.json()["detail"] == "a session's POST needs its X-CSRF-Token header"
    # Past the CSRF check, the trigger needs a playout on the bus, which this process lacks.
    sent = await served.client.post("/api/v1/playout/skip", json={},
                                    headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert sent.status_code == 503

    out = await served.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204
    served.client.cookies.clear()
    served.client.cookies.set("onair_session", session.split(";")[0].split("=", 1)[1])
    assert (await served.client.get("/api/v1/auth/me")).status_code == 401  # ended, not just gone


async def test_a_login_from_another_site_is_refused(served: Served) -> None:
    served.user("ann", Role.OPERATOR)
    given = {"name": "ann", "password": PASSWORD}
    elsewhere = await served.client.post("/api/v1/auth/login", json=given,
                                         headers={"Origin": "https://evil.example"})  # fmt: skip
    assert elsewhere.status_code == 403
    assert "set-cookie" not in elsewhere.headers
    here = await served.client.post("/api/v1/auth/login", json=given,
                                    headers={"Origin": "http://testserver"})  # fmt: skip
    assert here.status_code == 200


async def test_a_forged_cookie_opens_nothing(served: Served) -> None:
    served.client.cookies.set("onair_session", "a-secret-i-made-up.c2lnbmF0dXJl")
    refused = await served.client.get("/api/v1/status")
    assert refused.status_code == 401


async def test_wrong_passwords_are_limited_per_name_with_retry_after(served: Served) -> None:
    served.user("ann", Role.OPERATOR)
    wrong = {"name": "ann", "password": "not the password"}
    for _ in range(5):
        answer = await served.client.post("/api/v1/auth/login", json=wrong)
        assert answer.status_code == 401
        assert answer.json()["detail"] == "wrong user name or password"
    blocked = await served.client.post("/api/v1/auth/login",
                                       json={"name": "ann", "password": PASSWORD})  # fmt: skip
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 300
    assert blocked.headers["content-type"] == "application/problem+json"


async def test_a_token_works_until_revoked_and_names_who_acted(served: Served) -> None:
    token = served.token(Role.OPERATOR, "cart-wall")
    bearer = {"Authorization": f"Bearer {token}"}
    asked: list[dict[str, Any]] = []

    async def playout(command: Any) -> dict[str, Any]:
        asked.append(command.payload)
        return {"trigger": "skip", "who": command.payload["who"], "done": True}

    await served.station.bus.serve("playout.skip", playout)
    done = await served.client.post("/api/v1/playout/skip", json={"note": "dead air"},
                                    headers=bearer)  # fmt: skip
    assert done.json()["who"] == "token:cart-wall"
    assert asked == [{"who": "token:cart-wall", "asset_id": None, "note": "dead air"}]
    claimed = await served.client.post("/api/v1/playout/skip", json={"who": "mallory"},
                                       headers=bearer)  # fmt: skip
    assert claimed.status_code == 422
    assert claimed.json()["errors"][0]["loc"] == ["body", "who"]

    served.access.revoke_token("cart-wall", "shell:test")
    revoked = await served.client.post("/api/v1/playout/skip", json={}, headers=bearer)
    assert revoked.status_code == 401
    assert revoked.json()["detail"] == "token 'cart-wall' is revoked or expired"


async def test_bad_trigger_requests_get_a_clear_refusal(served: Served) -> None:
    bearer = {"Authorization": f"Bearer {served.token(Role.OPERATOR)}"}
    client = served.client
    unknown = await client.post("/api/v1/playout/insert_next", json={"asset_id": "no-such"},
                                headers=bearer)  # fmt: skip
    assert (unknown.status_code, unknown.json()["detail"]) == (
        422, "asset 'no-such' is not in the station's library"
    )  # fmt: skip
    huge = await client.post("/api/v1/playout/skip", json={"note": "x" * 20_000_000},
                             headers=bearer)  # fmt: skip
    assert huge.status_code == 413

    async def chunks() -> Any:
        for _ in range(30):
            yield b" " * 100_000

    streamed = await client.post("/api/v1/playout/skip", content=chunks(),
                                 headers=bearer | {"content-type": "application/json"})  # fmt: skip
    assert streamed.status_code == 413
    long_note = await client.post("/api/v1/playout/skip", json={"note": "y" * 100_000},
                                  headers=bearer)  # fmt: skip
    assert long_note.status_code == 422
    assert len(long_note.content) < 1000  # the field is named, not echoed
    wrong_method = await client.get("/api/v1/playout/skip", headers=bearer)
    assert (wrong_method.status_code, wrong_method.headers["allow"]) == (405, "POST")


async def test_an_insert_playout_would_refuse_is_refused_now(
    served: Served, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("isrc,title,artist,duration\nUSKP10000001,Tune,Band,200\n")
    load_catalog(catalog, "demo", SqlLibrary(served.station.stores.engine))
    (asset,) = served.station.stores.library.page("demo")
    bearer = {"Authorization": f"Bearer {served.token(Role.OPERATOR)}"}
    refused = await served.client.post("/api/v1/playout/insert_now", json={"asset_id": asset.id},
                                       headers=bearer)  # fmt: skip
    assert (refused.status_code, refused.json()["detail"]) == (
        409, f"asset '{asset.id}' has no audio yet"
    )  # fmt: skip
