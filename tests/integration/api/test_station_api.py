"""The station file over HTTP: read with its ETag, replaced with If-Match, each change ledgered.

Through the real app of a serving process, over a real SQLite station.
"""

from __future__ import annotations

from importlib import resources

import pytest

from onair.domain.access import Role
from onair.domain.ledger import EntryKind
from tests.integration.api.conftest import Served

pytestmark = pytest.mark.integration

DEMO = resources.files("onair.scheduler").joinpath("demo_station.yaml").read_text()
YAML = {"content-type": "application/yaml"}


def _bearer(served: Served, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(role)}"}


def _actions(served: Served, name: str) -> list[dict[str, object]]:
    entries = served.station.stores.ledger.entries("demo")
    return [dict(e.body) for e in entries
            if e.kind == EntryKind.OPERATOR_ACTION and e.body["action"] == name]  # fmt: skip


async def test_a_first_file_then_an_edit_at_the_version_read(served: Served) -> None:
    director = _bearer(served, Role.PROGRAM_DIRECTOR)
    client = served.client
    none_yet = await client.get("/api/v1/station", headers=director)
    assert none_yet.status_code == 404
    no_precondition = await client.put("/api/v1/station", content=DEMO,
                                       headers=director | YAML)  # fmt: skip
    assert no_precondition.status_code == 428
    first = await client.put("/api/v1/station", content=DEMO,
                             headers=director | YAML | {"If-None-Match": "*"})  # fmt: skip
    assert first.status_code == 200, first.text
    assert (first.json()["version"], first.json()["replaced_version"]) == (1, 0)
    assert first.headers["etag"] == '"v1"'

    read = await client.get("/api/v1/station", headers=_bearer(served, Role.VIEWER))
    assert read.status_code == 200
    assert read.headers["etag"] == '"v1"'
    assert read.headers["content-type"].startswith("application/yaml")
    assert "call_letters: KONR" in read.text
    unchanged = await client.get("/api/v1/station", headers=director | {"If-None-Match": '"v1"'})
    assert unchanged.status_code == 304

    edited = read.text.replace("call_letters: KONR", "call_letters: KQRS")
    tried = await client.put("/api/v1/station?dry_run=true", content=edited,
                             headers=director | YAML | {"If-Match": '"v1"'})  # fmt: skip
    assert tried.json()["version"] is None
    assert tried.json()["changed"] == ["call_letters"]
    stored = await client.put("/api/v1/station", content=edited,
                              headers=director | YAML | {"If-Match": '"v1"'})  # fmt: skip
    assert stored.status_code == 200, stored.text
    change = stored.json()
    assert (change["version"], change["replaced_version"], change["etag"]) == (2, 1, '"v2"')
    assert change["changed"] == ["call_letters"]
    assert "-call_letters: KONR\n+call_letters: KQRS\n" in change["diff"]

    stale = await client.put("/api/v1/station", content=DEMO,
                             headers=director | YAML | {"If-Match": '"v1"'})  # fmt: skip
    assert stale.status_code == 412
    assert "version 2" in stale.json()["detail"]
    assert served.station.stores.programs.current("demo").program.call_letters == "KQRS"

    applies = _actions(served, "station.apply")
    assert [a["who"] for a in applies] == ["token:program_director"] * 2
    assert [a["after"]["version"] for a in applies] == [1, 2]  # type: ignore[index]
    assert applies[1]["before"] == {"version": 1}


async def test_a_file_apply_would_refuse_is_refused_naming_its_line(served: Served) -> None:
    director = _bearer(served, Role.PROGRAM_DIRECTOR) | YAML | {"If-None-Match": "*"}
    broken = DEMO.replace("timezone: America/Chicago", "timezone: Mars/Olympus_Mons")
    refused = await served.client.put("/api/v1/station", content=broken, headers=director)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    line = DEMO.splitlines().index("timezone: America/Chicago") + 1
    assert problem["detail"].startswith(f"station.yaml:{line}: ")
    assert problem["errors"][0]["loc"] == ["body", f"line {line}"]
    other = await served.client.put("/api/v1/station", content=DEMO.replace("id: demo", "id: kqrs"),
                                    headers=director)  # fmt: skip
    assert other.status_code == 422
    assert "this server runs 'demo'" in other.json()["detail"]
    not_yaml = await served.client.put("/api/v1/station", content=b"\xff\xfe", headers=director)
    assert not_yaml.status_code == 422
    assert _actions(served, "station.apply") == []


async def test_only_a_program_director_replaces_the_station_file(served: Served) -> None:
    operator = _bearer(served, Role.OPERATOR) | YAML | {"If-None-Match": "*"}
    refused = await served.client.put("/api/v1/station", content=DEMO, headers=operator)
    assert refused.status_code == 403
    anonymous = await served.client.put("/api/v1/station", content=DEMO, headers=YAML)
    assert anonymous.status_code == 401
