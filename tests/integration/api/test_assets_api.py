"""The library over HTTP: list, read, edit, remove, waveform and preview of real assets.

Through the real app of a serving process, over a real SQLite station and its
object folder, with audio ingested as ``onair ingest`` does it.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import av
import pytest

from onair.domain.access import Role
from onair.domain.ledger import EntryKind
from onair.domain.programming import ItemKind
from onair.domain.schedule import HourPlan, ScheduledItem
from onair.ingest.batch import find_audio, run_batch
from onair.ingest.examine import IngestOptions
from onair.ingest.intake import Intake
from tests.integration.api.conftest import Served
from tests.integration.ingest.synth import render

pytestmark = pytest.mark.integration


def _tone(folder: Path, name: str, title: str, artist: str, seed: int, seconds: int = 8) -> Path:
    """Pink noise of its own seed: each file a different recording to the fingerprint."""
    noise = f"anoisesrc=color=pink:seed={seed}:amplitude=0.3:duration={seconds}:sample_rate=44100"
    source = ["-f", "lavfi", "-i", noise]
    tags = ["-metadata", f"title={title}", "-metadata", f"artist={artist}"]
    return render(folder / name, source, ["-ac", "2", *tags])


async def _ingest(served: Served, *files: Path) -> dict[str, str]:
    """Ingest ``files`` into the station as ``onair ingest`` does; asset ids by title."""
    stores = served.station.stores
    with ThreadPoolExecutor(2) as workers:
        intake = Intake(stores.station, stores.library, stores.objects, IngestOptions(), workers)
        await run_batch(intake, find_audio(list(files)).files, in_flight=2)
    return {a.title: a.id for a in stores.library.page(stores.station)}


@pytest.fixture
async def library(served: Served, tmp_path: Path) -> dict[str, str]:
    music = tmp_path / "music"
    music.mkdir()
    made = [
        _tone(music, "a.flac", "Blue Morning", "Ann Arbor", 440),
        _tone(music, "b.flac", "Red Evening", "Bob Dylan feat. Ann Arbor", 550),
        _tone(music, "c.flac", "Green Noon", "Cat Power", 660),
    ]
    return await _ingest(served, *made)


def _bearer(served: Served, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(role, f'{role.value}-token')}"}


def _actions(served: Served) -> list[dict[str, Any]]:
    entries = served.station.stores.ledger.entries(served.station.stores.station)
    return [e.body for e in entries if e.kind is EntryKind.OPERATOR_ACTION
            and e.body["action"].startswith("library.")]  # fmt: skip


async def test_assets_are_listed_a_page_at_a_time_and_filtered(
    served: Served, library: dict[str, str]
) -> None:
    viewer = _bearer(served, Role.VIEWER)
    client = served.client

    def in_order(*titles: str) -> list[str]:  # oldest first: by id
        return sorted(titles, key=library.__getitem__)

    everything = in_order(*library)
    first = await client.get("/api/v1/assets", params={"limit": 2}, headers=viewer)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [a["title"] for a in page["items"]] == everything[:2]
    assert page["next_cursor"] == library[everything[1]]
    rest = await client.get("/api/v1/assets", params={"limit": 2, "cursor": page["next_cursor"]},
                            headers=viewer)  # fmt: skip
    assert [a["title"] for a in rest.json()["items"]] == everything[2:]
    assert rest.json()["next_cursor"] is None

    async def titles(**params: Any) -> list[str]:
        found = await client.get("/api/v1/assets", params=params, headers=viewer)
        assert found.status_code == 200, found.text
        return [a["title"] for a in found.json()["items"]]

    # A featured artist is credited too, however it is spelled.
    assert await titles(artist="ANN ARBOR") == in_order("Blue Morning", "Red Evening")
    assert await titles(text="noon") == ["Green Noon"]
    assert await titles(text="100%") == []
    assert await titles(kind="jingle") == []
    assert await titles(rights="airable") == everything
    assert await titles(rights="not_airable") == []
    bad = await client.get("/api/v1/assets", params={"limit": 0}, headers=viewer)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "limit"]


async def test_an_asset_reads_whole_and_an_unknown_one_is_404(
    served: Served, library: dict[str, str]
) -> None:
    viewer = _bearer(served, Role.VIEWER)
    found = await served.client.get(f"/api/v1/assets/{library['Green Noon']}", headers=viewer)
    assert found.status_code == 200
    asset = found.json()
    assert (asset["title"], asset["artist"]) == ("Green Noon", "Cat Power")
    assert asset["status"] == "ready"
    assert asset["duration_s"] == pytest.approx(8, abs=0.05)
    missing = await served.client.get("/api/v1/assets/01JNOSUCHASSET", headers=viewer)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "01JNOSUCHASSET" in missing.json()["detail"]


async def test_tags_are_edited_checked_as_ingest_checks_them_and_ledgered(
    served: Served, library: dict[str, str]
) -> None:
    director = _bearer(served, Role.PROGRAM_DIRECTOR)
    asset = library["Blue Morning"]
    url = f"/api/v1/assets/{asset}/tags"
    done = await served.client.patch(url, json={"title": "Blue Morning (Radio Edit)",
                                                "isrc": "us-rc1-76-07839", "year": 1976},
                                     headers=director)  # fmt: skip
    assert done.status_code == 200, done.text
    assert (done.json()["title"], done.json()["isrc"]) == ("Blue Morning (Radio Edit)",
                                                           "USRC17607839")  # fmt: skip
    assert done.json()["artist"] == "Ann Arbor"  # left out: kept
    again = await served.client.get(f"/api/v1/assets/{asset}", headers=director)
    assert again.json()["year"] == 1976

    bad_isrc = await served.client.patch(url, json={"isrc": "not an isrc"}, headers=director)
    assert bad_isrc.status_code == 422
    assert bad_isrc.json()["errors"][0]["loc"] == ["body", "isrc"]
    unknown = await served.client.patch(url, json={"mood": "sad"}, headers=director)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "mood"]
    gone = await served.client.patch("/api/v1/assets/01JNOSUCHASSET/tags", json={"year": 1990},
                                     headers=director)  # fmt: skip
    assert gone.status_code == 404

    (action,) = _actions(served)
    assert action["action"] == "library.tags_edit"
    assert action["who"] == "token:program_director-token"
    assert action["detail"] == {"asset_id": asset}
    assert action["before"] == {"title": "Blue Morning", "isrc": None, "year": None}
    assert action["after"] == {"title": "Blue Morning (Radio Edit)", "isrc": "USRC17607839",
                               "year": 1976}  # fmt: skip


async def test_cue_points_move_only_in_order_inside_the_audio(
    served: Served, library: dict[str, str]
) -> None:
    director = _bearer(served, Role.PROGRAM_DIRECTOR)
    url = f"/api/v1/assets/{library['Red Evening']}/cues"
    cues = {"cue_in_s": 0.5, "intro_end_s": 1.25, "segue_s": 6.5, "cue_out_s": 7.0}
    moved = await served.client.patch(url, json=cues, headers=director)
    assert moved.status_code == 200, moved.text
    assert {k: moved.json()[k] for k in cues} == cues
    stored = served.station.stores.library.get(library["Red Evening"]).audio
    assert stored is not None
    assert (stored.cue_in_s, stored.segue_s) == (0.5, 6.5)
    past_end = await served.client.patch(url, json={"cue_out_s": 60}, headers=director)
    assert past_end.status_code == 422
    assert past_end.json()["errors"][0]["loc"] == ["body", "cue_out_s"]
    backwards = await served.client.patch(url, json={"cue_in_s": 7.5}, headers=director)
    assert backwards.status_code == 422
    assert "cue_out_s" in backwards.json()["detail"]
    assert [a["action"] for a in _actions(served)] == ["library.cues_edit"]


async def test_rights_are_replaced_and_decide_what_may_air(
    served: Served, library: dict[str, str]
) -> None:
    director = _bearer(served, Role.PROGRAM_DIRECTOR)
    asset = library["Green Noon"]
    url = f"/api/v1/assets/{asset}/rights"
    expired = {"deals": [{"territories": ["us"], "valid_until": "2001-01-01"}]}
    done = await served.client.put(url, json=expired, headers=director)
    assert done.status_code == 200, done.text
    assert done.json()["deals"] == [{"territories": ["US"], "valid_from": None,
                                     "valid_until": "2001-01-01",
                                     "uses": ["broadcast", "non_interactive_webcast"]}]  # fmt: skip
    refused = await served.client.get("/api/v1/assets", params={"rights": "not_airable"},
                                      headers=director)  # fmt: skip
    assert [a["id"] for a in refused.json()["items"]] == [asset]
    backwards = {"deals": [{"valid_from": "2030-01-01", "valid_until": "2029-01-01"}]}
    bad = await served.client.put(url, json=backwards, headers=director)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "deals", 0]
    not_a_place = await served.client.put(url, json={"deals": [{"territories": ["XYZ"]}]},
                                          headers=director)  # fmt: skip
    assert not_a_place.status_code == 422
    (action,) = _actions(served)
    assert action["action"] == "library.rights_edit"
    assert action["after"][0]["territories"] == ["US"]
    assert action["before"][0]["territories"] == ["WORLD"]


async def test_an_asset_scheduled_soon_is_kept_and_one_that_is_not_is_removed(
    served: Served, library: dict[str, str]
) -> None:
    stores = served.station.stores
    director = _bearer(served, Role.PROGRAM_DIRECTOR)
    soon, later = library["Blue Morning"], library["Red Evening"]
    hour = stores.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    far = hour + timedelta(hours=72)
    plans = [_hour(stores.station, hour, soon), _hour(stores.station, far, later)]
    stores.schedules.replace(stores.station, plans, 1)

    kept = await served.client.delete(f"/api/v1/assets/{soon}", headers=director)
    assert kept.status_code == 409
    assert kept.json()["items"] == [{"item_id": f"item-{soon[-8:]}", "start": hour.isoformat()}]
    assert f"item-{soon[-8:]}" in kept.json()["detail"]

    master = stores.library.get(later).master_key
    assert master is not None
    assert stores.objects.exists(master)
    removed = await served.client.delete(f"/api/v1/assets/{later}", headers=director)
    assert removed.status_code == 204
    assert (await served.client.get(f"/api/v1/assets/{later}", headers=director)).status_code == 404
    assert not stores.objects.exists(master)
    again = await served.client.delete(f"/api/v1/assets/{later}", headers=director)
    assert again.status_code == 404
    (action,) = _actions(served)
    assert (action["action"], action["detail"]) == ("library.asset_remove", {"asset_id": later})
    assert action["before"]["title"] == "Red Evening"


def _hour(station: str, start: Any, asset_id: str) -> HourPlan:
    item = ScheduledItem(id=f"item-{asset_id[-8:]}", hour=start, position=0, start=start,
                         duration_ms=8000, overlap_next_ms=0, kind=ItemKind.MUSIC,
                         category="current", asset_id=asset_id)  # fmt: skip
    return HourPlan(station=station, start=start, local_label=start.isoformat(), clock="test",
                    items=(item,))  # fmt: skip


async def test_waveform_and_preview_are_the_assets_own_sound(
    served: Served, library: dict[str, str]
) -> None:
    viewer = _bearer(served, Role.VIEWER)
    asset = library["Blue Morning"]
    peaks = await served.client.get(f"/api/v1/assets/{asset}/waveform", headers=viewer)
    assert peaks.status_code == 200
    waveform = peaks.json()
    assert waveform["channels"] == 2
    assert waveform["length"] == pytest.approx(800, abs=2)  # 100 a second, 8 seconds

    clip = await served.client.get(f"/api/v1/assets/{asset}/preview", params={"seconds": 3},
                                   headers=viewer)  # fmt: skip
    assert clip.status_code == 200
    assert clip.headers["content-type"] == "audio/mpeg"
    heard = await asyncio.to_thread(_decoded_seconds, clip.content)
    assert heard == pytest.approx(3, abs=0.1)
    past_end = await served.client.get(f"/api/v1/assets/{asset}/preview",
                                       params={"start_s": 9}, headers=viewer)  # fmt: skip
    assert past_end.status_code == 422
    assert past_end.json()["errors"][0]["loc"] == ["query", "start_s"]
    master = served.station.stores.library.get(asset).master_key
    assert master is not None
    served.station.stores.objects.delete(master)  # the object store lost it
    lost = await served.client.get(f"/api/v1/assets/{asset}/preview", headers=viewer)
    assert lost.status_code == 503
    assert master in lost.json()["detail"]
    too_long = await served.client.get(f"/api/v1/assets/{asset}/preview",
                                       params={"seconds": 600}, headers=viewer)  # fmt: skip
    assert too_long.status_code == 422


def _decoded_seconds(mp3: bytes) -> float:
    with av.open(io.BytesIO(mp3)) as container:
        frames = sum(f.samples for f in container.decode(audio=0))
        return frames / container.streams.audio[0].rate


async def test_rejected_files_are_listed_with_their_reason(served: Served, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"ID3" + b"\x00" * 2000)
    await _ingest(served, broken)
    viewer = _bearer(served, Role.VIEWER)
    found = await served.client.get("/api/v1/assets/rejected", headers=viewer)
    assert found.status_code == 200
    (rejected,) = found.json()["items"]
    assert rejected["source"] == str(broken.resolve())
    assert rejected["kind"] == "rejected"
    assert rejected["reason"]
