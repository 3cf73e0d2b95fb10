"""The schedule over HTTP: a window read with why each item is there, hours rebuilt, locked
and unlocked, items replaced and moved with the rules re-checked, each change ledgered.

Through the real app of a serving process, over a real SQLite station whose demo
program airs a catalog of 480 songs; the day built is ahead of the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from onair.domain.access import Role
from onair.domain.ledger import EntryKind
from onair.ingest.catalog_load import load_catalog
from onair.scheduler.station_file import load_station_file
from onair.storage.repositories.library import SqlLibrary
from tests.integration.api.conftest import Served
from tests.music_catalog import write_catalog

pytestmark = pytest.mark.integration

DEMO = Path(str(resources.files("onair.scheduler") / "demo_station.yaml"))
MONDAY = date(2027, 2, 1)
MIDNIGHT = datetime(2027, 2, 1, 6, tzinfo=UTC)  # Monday 00:00 in Chicago
NINE = "2027-02-01T15:00:00Z"  # 09:00 in Chicago


@pytest.fixture
async def built(served: Served, tmp_path: Path) -> Served:
    stores = served.station.stores
    stores.programs.apply(load_station_file(DEMO), str(DEMO))
    write_catalog(tmp_path / "catalog.csv", 480)
    load_catalog(tmp_path / "catalog.csv", "demo", SqlLibrary(stores.engine))
    stores.scheduler().build("demo", MONDAY, 1, seed=3)
    return served


def _bearer(served: Served, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(role)}"}


def _actions(served: Served, name: str) -> list[dict[str, Any]]:
    entries = served.station.stores.ledger.entries("demo")
    return [dict(e.body) for e in entries
            if e.kind == EntryKind.OPERATOR_ACTION and e.body["action"] == name]  # fmt: skip


async def _hour(served: Served, start: str = NINE) -> dict[str, Any]:
    end = datetime.fromisoformat(start) + timedelta(hours=1)
    window = {"from": start, "to": end.isoformat()}
    read = await served.client.get("/api/v1/schedule", params=window,
                                   headers=_bearer(served, Role.VIEWER))  # fmt: skip
    assert read.status_code == 200, read.text
    hour: dict[str, Any] = read.json()
    return hour


def _chained(items: list[dict[str, Any]]) -> bool:
    return all(
        abs(_at(b["start"]) - _at(a["start"])
            - timedelta(seconds=a["duration_s"] - a["overlap_next_s"])) < timedelta(milliseconds=2)
        for a, b in pairwise(items)
    )  # fmt: skip


def _posts(items: list[dict[str, Any]]) -> list[datetime]:
    """When each hard item starts, and when the hour's last item hands over."""
    last = items[-1]
    end = _at(last["start"]) + timedelta(seconds=last["duration_s"] - last["overlap_next_s"])
    return [*(_at(i["start"]) for i in items if i["hard"]), end]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_a_window_shows_each_item_with_its_timing_and_why(built: Served) -> None:
    viewer = _bearer(built, Role.VIEWER)
    read = await built.client.get("/api/v1/schedule", params={
        "from": MIDNIGHT.isoformat(), "to": (MIDNIGHT + timedelta(hours=2)).isoformat()},
        headers=viewer)  # fmt: skip
    assert read.status_code == 200, read.text
    window = read.json()
    starts = [h["start"] for h in window["hours"]]
    assert starts == ["2027-02-01T06:00:00.000Z", "2027-02-01T07:00:00.000Z"]
    assert (window["from"], window["to"]) == ("2027-02-01T06:00:00.000Z",
                                              "2027-02-01T08:00:00.000Z")  # fmt: skip
    # Field by field in the OpenAPI document, for clients made from it.
    spec = built.client._transport.app.openapi()  # type: ignore[attr-defined]
    answered = spec["paths"]["/api/v1/schedule"]["get"]["responses"]["200"]["content"]
    assert answered["application/json"]["schema"] == {"$ref": "#/components/schemas/ScheduleWindow"}
    item = spec["components"]["schemas"]["ScheduleItemView"]["properties"]
    assert {"start", "duration_s", "hard", "asset", "why"} <= set(item)
    songs = [i for i in window["items"] if i["kind"] == "music"]
    assert songs
    assert all(i["asset"]["title"] for i in songs)
    assert all("rank" in i["why"] for i in songs if i["slot"] is not None)
    explained = await built.client.get(f"/api/v1/schedule/items/{songs[0]['id']}", headers=viewer)
    assert explained.json()["why"] == songs[0]["why"]
    unknown = await built.client.get("/api/v1/schedule/items/01NOSUCHITEM", headers=viewer)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    too_wide = await built.client.get("/api/v1/schedule", params={
        "from": MIDNIGHT.isoformat(), "to": (MIDNIGHT + timedelta(days=3)).isoformat()},
        headers=viewer)  # fmt: skip
    assert too_wide.status_code == 422
    assert too_wide.json()["detail"].startswith("query.to:")


async def test_a_rebuild_of_an_instant_that_starts_no_hour_is_404(built: Served) -> None:
    director = _bearer(built, Role.PROGRAM_DIRECTOR)
    before = await _hour(built)
    for instant in ("2027-02-01T15:47:29Z", "6574-03-13T08:47:29Z"):
        refused = await built.client.post(f"/api/v1/schedule/hours/{instant}/rebuild",
                                          json={"seed": 9}, headers=director)  # fmt: skip
        assert refused.status_code == 404, refused.text
        assert "is not the start of an hour" in refused.json()["detail"]
    assert (await _hour(built))["items"] == before["items"]


async def test_a_locked_hour_is_not_rebuilt_until_unlocked(built: Served) -> None:
    director = _bearer(built, Role.PROGRAM_DIRECTOR)
    client = built.client
    before = await _hour(built)
    operator = await client.post(f"/api/v1/schedule/hours/{NINE}/lock",
                                 headers=_bearer(built, Role.OPERATOR))  # fmt: skip
    assert operator.status_code == 403
    locked = await client.post(f"/api/v1/schedule/hours/{NINE}/lock", headers=director)
    assert locked.json() == {"hour": "2027-02-01T15:00:00+00:00", "locked": True, "changed": True}
    refused = await client.post(f"/api/v1/schedule/hours/{NINE}/rebuild", json={"seed": 9},
                                headers=director)  # fmt: skip
    assert refused.status_code == 409
    assert "locked" in refused.json()["detail"]
    assert (await _hour(built))["items"] == before["items"]

    unlocked = await client.post(f"/api/v1/schedule/hours/{NINE}/unlock", headers=director)
    assert unlocked.json()["locked"] is False
    rebuilt = await client.post(f"/api/v1/schedule/hours/{NINE}/rebuild", json={"seed": 9},
                                headers=director)  # fmt: skip
    assert rebuilt.status_code == 200, rebuilt.text
    after = rebuilt.json()
    assert after["hours"][0]["start"] == "2027-02-01T15:00:00.000Z"
    assert [i["asset"] for i in after["items"]] != [i["asset"] for i in before["items"]]
    assert after == {**await _hour(built), "generated_at": after["generated_at"]}
    ten = (await _hour(built, "2027-02-01T16:00:00Z"))["items"]
    assert ten[0]["start"] == "2027-02-01T16:00:00.000Z"  # the hours around it kept

    nothing = await client.post("/api/v1/schedule/hours/2030-01-01T00:00:00Z/lock",
                                headers=director)  # fmt: skip
    assert nothing.status_code == 404
    assert [a["who"] for a in _actions(built, "schedule.lock")] == ["token:program_director"]
    assert _actions(built, "schedule.unlock")[0]["after"]["hours"] == 1
    rebuild = _actions(built, "schedule.rebuild_hour")
    assert [(r["detail"]["seed"], r["after"]["hours"]) for r in rebuild] == [
        (9, ["2027-02-01T15:00:00Z"])
    ]


async def test_a_replacement_that_breaks_a_rule_needs_a_program_directors_force(
    built: Served,
) -> None:
    hour = await _hour(built)
    songs = [n for n, i in enumerate(hour["items"]) if i["kind"] == "music"]
    # A song with songs after it before the next post, replaced by the song just before it.
    first, second = next((a, b) for a, b in pairwise(songs) if b == a + 1
                         and any(s > b for s in songs))  # fmt: skip
    item, again = hour["items"][second], hour["items"][first]["asset"]["id"]
    path = f"/api/v1/schedule/items/{item['id']}/asset"
    operator = _bearer(built, Role.OPERATOR)
    refused = await built.client.put(path, json={"asset_id": again}, headers=operator)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["violations"]
    assert problem["violations"][0]["item_id"] == item["id"]
    assert problem["violations"][0]["rule"] in problem["detail"]
    not_theirs = await built.client.put(path, json={"asset_id": again, "force": True},
                                        headers=operator)  # fmt: skip
    assert not_theirs.status_code == 403
    unknown = await built.client.put(path, json={"asset_id": "01NOSUCHASSET"}, headers=operator)
    assert unknown.status_code == 422
    assert _actions(built, "schedule.replace_item") == []

    forced = await built.client.put(path, json={"asset_id": again, "force": True},
                                    headers=_bearer(built, Role.PROGRAM_DIRECTOR))  # fmt: skip
    assert forced.status_code == 200, forced.text
    now = forced.json()
    placed = next(i for i in now["items"] if i["id"] == item["id"])
    assert placed["asset"]["id"] == again
    assert placed["why"]["replaced"]["asset_id"] == item["asset"]["id"]
    assert now["forced"] == problem["violations"]
    assert _chained(now["items"])
    assert _posts(now["items"]) == _posts(hour["items"])  # the posts still land on time
    (action,) = _actions(built, "schedule.replace_item")
    assert action["who"] == "token:program_director"
    assert action["detail"]["forced"] == problem["violations"]
    assert action["detail"]["was"] == item["asset"]["id"]


async def test_an_item_moves_within_its_stretch_and_posts_keep_their_time(built: Served) -> None:
    hour = await _hour(built)
    items = hour["items"]
    operator = _bearer(built, Role.OPERATOR)
    # Two songs side by side between the posts trade places.
    n = next(n for n in range(1, len(items) - 1)
             if items[n]["kind"] == items[n + 1]["kind"] == "music"
             and not items[n]["hard"] and not items[n + 1]["hard"])  # fmt: skip
    moved = await built.client.post(f"/api/v1/schedule/items/{items[n]['id']}/move",
                                    json={"position": n + 1}, headers=operator)  # fmt: skip
    assert moved.status_code == 200, moved.text
    after = moved.json()["items"]
    assert [i["id"] for i in after] == [
        *(i["id"] for i in items[:n]), items[n + 1]["id"], items[n]["id"],
        *(i["id"] for i in items[n + 2 :]),
    ]  # fmt: skip
    assert _chained(after)
    assert _posts(after) == _posts(items)
    (action,) = _actions(built, "schedule.move_item")
    assert action["detail"] == {"item_id": items[n]["id"], "from": n, "to": n + 1, "forced": []}
    assert action["who"] == "token:operator"

    # The legal ID moved away from the top of the hour breaks its rule: refused, reason named.
    legal_id = next(n for n, i in enumerate(after) if i["kind"] == "id" and not i["hard"])
    away = await built.client.post(f"/api/v1/schedule/items/{after[legal_id]['id']}/move",
                                   json={"position": legal_id + 6}, headers=operator)  # fmt: skip
    assert away.status_code == 409, away.text
    assert away.json()["detail"].startswith("legal_id would break: no legal ID within 5 min")
    hard = next(i for i in items if i["hard"])
    refused = await built.client.post(f"/api/v1/schedule/items/{hard['id']}/move",
                                      json={"position": 3}, headers=operator)  # fmt: skip
    assert refused.status_code == 422
    assert "hard post" in refused.json()["detail"]
    assert len(_actions(built, "schedule.move_item")) == 1
