"""The air read over HTTP, and the public now-playing a website reads without a credential.

Through the real app of a serving process, over a real SQLite station whose demo
program airs a catalog of 480 songs; where the air stands is saved as the
playout engine saves it each second.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from onair.domain.access import Role
from onair.domain.playout import AsRunEntry, EndedBy, OnAirState, OperatorAction, Trigger
from onair.domain.programming import ItemKind
from onair.domain.schedule import ScheduledItem
from onair.ingest.catalog_load import load_catalog
from onair.scheduler.station_file import load_station_file
from onair.storage.repositories.library import SqlLibrary
from tests.integration.api.conftest import Served
from tests.music_catalog import write_catalog

pytestmark = pytest.mark.integration

DEMO = Path(str(resources.files("onair.scheduler") / "demo_station.yaml"))
# 64 KiB of burst at 128 kbps (4.096 s) and half of a 2 s batch: a listener's lag.
LAG_MS = 5096


@pytest.fixture
async def on_air(served: Served, tmp_path: Path) -> tuple[Served, list[ScheduledItem]]:
    """Today's schedule built, and playout airing a song of the hour on air now."""
    stores = served.station.stores
    program = load_station_file(DEMO)
    stores.programs.apply(program, str(DEMO))
    write_catalog(tmp_path / "catalog.csv", 480)
    load_catalog(tmp_path / "catalog.csv", "demo", SqlLibrary(stores.engine))
    now = datetime.now(UTC)
    stores.scheduler().build("demo", now.astimezone(program.zone).date(), 2, seed=3)
    hour = now.replace(minute=0, second=0, microsecond=0)
    plans = stores.scheduler().stored("demo", hour, hour + timedelta(hours=3))
    songs = [i for p in plans for i in p.items if i.kind is ItemKind.MUSIC and i.asset_id]
    _airing(served, songs[0])
    return served, songs


def _airing(served: Served, item: ScheduledItem, **changes: object) -> OnAirState:
    saved = OnAirState("demo", "play-1", item.asset_id or "", item.id, item.start, 0,
                       datetime.now(UTC))  # fmt: skip
    saved = replace(saved, **changes)  # type: ignore[arg-type]
    served.station.stores.on_air.save(saved)
    return saved


def _viewer(served: Served) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(Role.VIEWER)}"}


async def test_now_next_and_state_read_what_playout_saved(
    on_air: tuple[Served, list[ScheduledItem]],
) -> None:
    served, songs = on_air
    viewer, client = _viewer(served), served.client
    now = await client.get("/api/v1/playout/now", headers=viewer)
    assert now.status_code == 200, now.text
    playing = now.json()
    song = songs[0]
    assert (playing["asset_id"], playing["schedule_item_id"], playing["state"]) == (
        song.asset_id, song.id, "auto")  # fmt: skip
    assert playing["title"]
    ends = datetime.fromisoformat(playing["ends_at"])
    assert ends == song.next_start
    after = (await client.get("/api/v1/playout/next?count=3", headers=viewer)).json()
    assert len(after) == 3
    assert datetime.fromisoformat(after[0]["starts_at"]) > song.start
    assert [a["inserted"] for a in after] == [False] * 3

    _airing(served, song, held=True)
    state = await client.get("/api/v1/playout/state", headers=viewer)
    assert state.json() == {"state": "hold"}
    stand_in = songs[5]
    _airing(served, song, asset_id=stand_in.asset_id, queued=(songs[6].asset_id,))
    assert (await client.get("/api/v1/playout/state", headers=viewer)).json()["state"] == "fallback"
    queued = (await client.get("/api/v1/playout/next", headers=viewer)).json()
    assert queued[0] == {"schedule_item_id": None, "asset_id": songs[6].asset_id,
                         "title": queued[0]["title"], "artist": queued[0]["artist"],
                         "kind": "music", "starts_at": None, "inserted": True}  # fmt: skip
    served.station.stores.operator_log.record(OperatorAction(
        "act-1", "demo", Trigger.INSERT_NOW, "ann", song.start - timedelta(seconds=5),
        asset_id=stand_in.asset_id))  # fmt: skip
    assert (await client.get("/api/v1/playout/state", headers=viewer)).json()["state"] == "auto"

    _airing(served, song, saved_at=datetime.now(UTC) - timedelta(minutes=2))
    assert (await client.get("/api/v1/playout/state", headers=viewer)).json()["state"] == "off_air"
    off = await client.get("/api/v1/playout/now", headers=viewer)
    assert off.status_code == 404
    assert "off the air" in off.json()["detail"]


async def test_the_as_run_window(on_air: tuple[Served, list[ScheduledItem]]) -> None:
    served, songs = on_air
    start = datetime.now(UTC) - timedelta(minutes=10)
    served.station.stores.as_run.record(AsRunEntry(
        "play-0", "demo", songs[0].asset_id, ItemKind.MUSIC, "gold", "A Song", "A Band", start,
        212.5, EndedBy.CROSSFADE, schedule_item_id=songs[0].id, listeners=12))  # fmt: skip
    viewer = _viewer(served)
    aired = await served.client.get("/api/v1/playout/as-run", headers=viewer)
    assert aired.status_code == 200, aired.text
    (line,) = aired.json()
    assert (line["title"], line["ended_by"], line["duration_s"], line["listeners"]) == (
        "A Song", "crossfade", 212.5, 12)  # fmt: skip
    earlier = await served.client.get("/api/v1/playout/as-run", headers=viewer, params={
        "from": "2020-01-01T00:00:00Z", "to": "2020-01-01T05:00:00Z"})  # fmt: skip
    assert earlier.json() == []
    too_wide = await served.client.get("/api/v1/playout/as-run", headers=viewer, params={
        "from": "2020-01-01T00:00:00Z", "to": "2020-01-05T00:00:00Z"})  # fmt: skip
    assert too_wide.status_code == 422


async def test_the_public_now_playing_needs_no_credential_and_tells_nothing_else(
    on_air: tuple[Served, list[ScheduledItem]],
) -> None:
    served, songs = on_air
    page = {"Origin": "https://station.example"}
    public = await served.client.get("/api/v1/public/now-playing", headers=page)
    assert public.status_code == 200, public.text
    assert public.headers["access-control-allow-origin"] == "*"
    body = public.json()
    assert set(body) == {"on_air", "title", "artist", "started_at", "ends_at", "next",
                         "audio_delay_ms"}  # fmt: skip
    assert set(body["next"]) == {"title", "artist", "starts_at"}
    assert body["on_air"] is True
    assert datetime.fromisoformat(body["ends_at"]) == songs[0].next_start
    assert body["audio_delay_ms"] == {"stream.mp3": LAG_MS, "stream.opus": LAG_MS,
                                      "stream.aac": LAG_MS}  # fmt: skip
    assert songs[0].asset_id not in public.text
    assert songs[0].id not in public.text
    preflight = await served.client.options("/api/v1/public/now-playing", headers=page | {
        "Access-Control-Request-Method": "GET"})  # fmt: skip
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET"
    refused = await served.client.post("/api/v1/public/now-playing", json={})
    assert refused.status_code == 405

    _airing(served, songs[0], saved_at=datetime.now(UTC) - timedelta(minutes=2))
    off = (await served.client.get("/api/v1/public/now-playing")).json()
    assert (off["on_air"], off["title"], off["next"]) == (False, None, None)
