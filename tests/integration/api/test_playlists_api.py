"""Playlists over HTTP: built, reordered, read and removed by role, judged by the station's
rules, each change one operator action in the ledger, and named by the station file.

Through the real app of a serving process, over a real SQLite station whose demo
program airs a catalog of 480 songs.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from onair.domain.access import Role
from onair.domain.ledger import EntryKind
from onair.domain.program_check import program_from
from onair.domain.schedule import Playable
from onair.ingest.catalog_load import load_catalog
from onair.scheduler.station_file import load_station_file
from onair.storage.repositories.library import SqlLibrary
from tests.integration.api.conftest import Served
from tests.music_catalog import write_catalog

pytestmark = pytest.mark.integration

DEMO = Path(str(resources.files("onair.scheduler") / "demo_station.yaml"))


@pytest.fixture
async def station(served: Served, tmp_path: Path) -> Served:
    stores = served.station.stores
    stores.programs.apply(load_station_file(DEMO), str(DEMO))
    write_catalog(tmp_path / "catalog.csv", 480)
    load_catalog(tmp_path / "catalog.csv", "demo", SqlLibrary(stores.engine))
    return served


def _bearer(served: Served, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(role)}"}


def _songs(served: Served) -> list[Playable]:
    """Songs by different artists, none explicit, with rights now."""
    chosen: list[Playable] = []
    seen: set[str] = set()
    for song in served.station.stores.schedule_library.playables("demo"):
        if song.kind != "music" or song.explicit or song.rights[0].valid_until:
            continue
        if not seen & set(song.artist_keys):
            chosen.append(song)
            seen |= set(song.artist_keys)
    return chosen


def _actions(served: Served, prefix: str = "playlist.") -> list[dict[str, Any]]:
    entries = served.station.stores.ledger.entries("demo")
    return [
        dict(e.body)
        for e in entries
        if e.kind == EntryKind.OPERATOR_ACTION and e.body["action"].startswith(prefix)
    ]


async def test_a_program_director_builds_and_reorders_a_playlist_a_viewer_reads_it(
    station: Served,
) -> None:
    director, viewer = _bearer(station, Role.PROGRAM_DIRECTOR), _bearer(station, Role.VIEWER)
    client = station.client
    a, b, c, d = (s.id for s in _songs(station)[:4])
    made = await client.post("/api/v1/playlists", headers=director, json={
        "name": "holiday", "title": "Holiday special", "asset_ids": [a, b, c]})  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert [i["asset_id"] for i in body["items"]] == [a, b, c]
    assert body["items"][0]["title"]
    assert body["items"][0]["kind"] == "music"
    assert body["air_length_s"] > 3 * 60
    # Catalog entries wait for their files: each warned, none refused.
    assert {(w["position"], w["rule"]) for w in body["warnings"]} >= {(0, "not_ready")}

    moved = await client.post("/api/v1/playlists/holiday/items/2/move", headers=director,
                              json={"to": 0})  # fmt: skip
    assert [i["asset_id"] for i in moved.json()["items"]] == [c, a, b]
    added = await client.post("/api/v1/playlists/holiday/items", headers=director,
                              json={"asset_id": d, "position": 1})  # fmt: skip
    assert [i["asset_id"] for i in added.json()["items"]] == [c, d, a, b]
    removed = await client.delete("/api/v1/playlists/holiday/items/3", headers=director)
    assert [i["asset_id"] for i in removed.json()["items"]] == [c, d, a]
    renamed = await client.patch("/api/v1/playlists/holiday", headers=director,
                                 json={"title": "Christmas Eve"})  # fmt: skip
    assert renamed.json()["title"] == "Christmas Eve"

    read = await client.get("/api/v1/playlists/holiday", headers=viewer)
    assert read.status_code == 200
    assert [i["asset_id"] for i in read.json()["items"]] == [c, d, a]
    listed = await client.get("/api/v1/playlists", headers=viewer)
    assert listed.json()["items"][0] | {"updated_at": None} == {
        "name": "holiday", "title": "Christmas Eve", "items": 3, "updated_at": None}  # fmt: skip

    actions = _actions(station)
    assert [x["action"] for x in actions] == [
        "playlist.create", "playlist.move_item", "playlist.add_item", "playlist.remove_item",
        "playlist.retitle"]  # fmt: skip
    assert {x["who"] for x in actions} == {"token:program_director"}
    assert actions[1]["before"]["asset_ids"] == [a, b, c]
    assert actions[1]["after"]["asset_ids"] == [c, a, b]

    gone = await client.delete("/api/v1/playlists/holiday", headers=director)
    assert gone.status_code == 204
    assert (await client.get("/api/v1/playlists/holiday", headers=viewer)).status_code == 404
    assert _actions(station)[-1]["before"]["asset_ids"] == [c, d, a]


async def test_bad_requests_are_refused_naming_the_field_and_nothing_changes(
    station: Served,
) -> None:
    director, viewer = _bearer(station, Role.PROGRAM_DIRECTOR), _bearer(station, Role.VIEWER)
    client = station.client
    songs = _songs(station)
    made = await client.post("/api/v1/playlists", headers=director,
                             json={"name": "requests", "asset_ids": [songs[0].id]})  # fmt: skip
    assert made.status_code == 201
    assert made.json()["title"] == "requests"

    unknown = await client.get("/api/v1/playlists/nosuch", headers=viewer)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["detail"] == "station demo has no playlist 'nosuch'"
    not_there = await client.put("/api/v1/playlists/nosuch/items", headers=director,
                                 json={"asset_ids": []})  # fmt: skip
    assert not_there.status_code == 404

    bad_name = await client.post("/api/v1/playlists", headers=director,
                                 json={"name": "Holiday Special!"})  # fmt: skip
    assert bad_name.status_code == 422
    assert bad_name.json()["errors"][0]["loc"] == ["body", "name"]
    again = await client.post("/api/v1/playlists", headers=director, json={"name": "requests"})
    assert again.status_code == 409

    no_asset = await client.put("/api/v1/playlists/requests/items", headers=director,
                                json={"asset_ids": [songs[1].id, "01NOSUCHASSET"]})  # fmt: skip
    assert no_asset.status_code == 422
    problem = no_asset.json()
    assert problem["errors"][0]["loc"] == ["body", "asset_ids", 1]
    assert problem["rule"] == "unknown_asset"
    assert problem["detail"] == "asset_ids.1: no asset '01NOSUCHASSET' in the station's library"
    too_far = await client.post("/api/v1/playlists/requests/items/5/move", headers=director,
                                json={"to": 0})  # fmt: skip
    assert too_far.status_code == 422
    assert too_far.json()["errors"][0]["loc"] == ["path", "position"]

    for call in (
        client.post("/api/v1/playlists", headers=viewer, json={"name": "mine"}),
        client.put("/api/v1/playlists/requests/items", headers=viewer, json={"asset_ids": []}),
        client.delete("/api/v1/playlists/requests", headers=_bearer(station, Role.OPERATOR)),
    ):
        assert (await call).status_code == 403

    kept = await client.get("/api/v1/playlists/requests", headers=viewer)
    assert [i["asset_id"] for i in kept.json()["items"]] == [songs[0].id]
    assert [x["action"] for x in _actions(station)] == ["playlist.create"]


async def test_an_asset_without_rights_where_the_station_airs_is_refused(station: Served) -> None:
    director = _bearer(station, Role.PROGRAM_DIRECTOR)
    song = _songs(station)[0]
    german = await station.client.put(f"/api/v1/assets/{song.id}/rights", headers=director,
                                      json={"deals": [{"territories": ["DE"]}]})  # fmt: skip
    assert german.status_code == 200, german.text
    given = {"name": "requests", "asset_ids": [song.id]}
    refused = await station.client.post("/api/v1/playlists", headers=director, json=given)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["rule"] == "usage_rights"
    assert problem["errors"][0]["loc"] == ["body", "asset_ids", 0]
    assert "has no rights to non_interactive_webcast in US" in problem["detail"]
    assert _actions(station) == []


async def test_the_station_file_names_only_playlists_that_exist(station: Served) -> None:
    director = _bearer(station, Role.PROGRAM_DIRECTOR)
    client = station.client
    current = await client.get("/api/v1/station", headers=director)
    text = current.text.replace(
        "\nclocks:\n", "\n  requests: {type: playlist, playlist: requests}\nclocks:\n"
    )
    line = text.splitlines().index("  requests: {type: playlist, playlist: requests}") + 1
    headers = {**director, "If-Match": current.headers["etag"],
               "Content-Type": "application/yaml"}  # fmt: skip
    refused = await client.put("/api/v1/station", headers=headers, content=text)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == (
        f"station.yaml:{line}: categories.requests.playlist: station demo has no playlist"
        " 'requests': create it first ('onair playlist create requests')"
    )
    made = await client.post("/api/v1/playlists", headers=director, json={"name": "requests"})
    assert made.status_code == 201
    applied = await client.put("/api/v1/station", headers=headers, content=text)
    assert applied.status_code == 200, applied.text
    in_use = await client.delete("/api/v1/playlists/requests", headers=director)
    assert in_use.status_code == 409
    assert in_use.json()["categories"] == ["requests"]


async def test_an_edit_answers_the_hours_it_built_anew(station: Served) -> None:
    stores = station.station.stores
    director = _bearer(station, Role.PROGRAM_DIRECTOR)
    a, b = (s.id for s in _songs(station)[:2])
    made = await station.client.post("/api/v1/playlists", headers=director,
                                     json={"name": "requests", "asset_ids": [a, b]})  # fmt: skip
    assert made.json()["rebuilt_hours"] == []
    data = stores.scheduler().program("demo").export()
    data["categories"]["requests"] = {"type": "playlist", "playlist": "requests"}
    data["clocks"]["request_hour"] = {"slots": [
        {"category": "legal_id", "at": "00:00", "hard": True}, {"category": "requests"},
        {"category": "gold"}, {"category": "current"}]}  # fmt: skip
    data["overrides"] = {"2027-02-01": {"09": "request_hour"}}
    stores.scheduler().apply(program_from(data), "request.yaml", "shell:pd")
    stores.scheduler().build("demo", date(2027, 2, 1), 1, seed=3)

    moved = await station.client.post("/api/v1/playlists/requests/items/1/move",
                                      headers=director, json={"to": 0})  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert moved.json()["rebuilt_hours"] == ["2027-02-01T15:00:00Z"]
    (rebuilt,) = _actions(station, "schedule.rebuild_hour")
    assert (rebuilt["who"], rebuilt["detail"]["hour"]) == (
        "token:program_director", "2027-02-01T15:00:00.000Z")  # fmt: skip
