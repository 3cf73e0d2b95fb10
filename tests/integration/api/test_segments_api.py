"""The agents' segments over HTTP: list an hour, reject, approve, record, regenerate.

Through the real app of a serving process, over a real SQLite station with the
demo station file, a catalog, a built schedule and an hour voiced by the agent
runtime (eSpeak NG), as ``onair agents run`` voices it. What airs is read as
playout reads it (its schedule read: a planned item airs its newest segment).
"""

from __future__ import annotations

import asyncio
import io
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import av
import pytest

from onair.bootstrap.agents import agent_runtime
from onair.domain.access import Role
from onair.domain.ledger import EntryKind
from onair.domain.programming import ItemKind
from onair.ingest.catalog_load import load_catalog
from onair.scheduler.station_file import load_station_file
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from tests.fixtures.demo_station import DEMO
from tests.integration.api.conftest import Served
from tests.integration.ingest.synth import render

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def _catalog(path: Path) -> Path:
    rng = random.Random(3)
    rows = ["isrc,title,artist,album,duration,bpm,energy,category"]
    kinds = ("power", "current", "current", "recurrent", "recurrent", "gold", "gold", "gold")
    for n in range(400):
        rows.append(
            f"USKP1{n:07d},Tune {n},Band {n // 3},Record {n // 2},{rng.uniform(180, 260):.1f},"
            f"{rng.uniform(95, 135):.0f},{rng.uniform(0.3, 0.7):.2f},{kinds[n % 8]}"
        )
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
async def voiced(served: Served, tmp_path: Path) -> datetime:
    """The demo station with its next hour of voice links written and voiced; that hour."""
    stores = served.station.stores
    scheduler = stores.scheduler()
    scheduler.apply(load_station_file(DEMO), str(DEMO), "shell:test")
    load_catalog(_catalog(tmp_path / "catalog.csv"), stores.station, stores.library)
    zone = stores.zone()
    scheduler.build(stores.station, datetime.now(zone).date(), 2, 1)
    soon = stores.now() + timedelta(minutes=10)
    planned = [i for i in stores.schedules.history(stores.station, soon, soon + timedelta(hours=30))
               if i.kind is ItemKind.VOICE and i.asset_id is None]  # fmt: skip
    hour = next(i.hour for i in planned if i.hour >= soon)

    def voice() -> None:
        with agent_runtime(stores) as runtime:
            runtime.fill_hour(hour)

    await asyncio.to_thread(voice)
    return hour


def _bearer(served: Served, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(role, f'{role.value}-token')}"}


def _airs(served: Served, item_id: str, hour: datetime) -> str | None:
    stores = served.station.stores
    lineup = SqlPlayoutSchedule(stores.engine).history(stores.station, hour,
                                                       hour + timedelta(hours=1))  # fmt: skip
    return next(i.asset_id for i in lineup if i.id == item_id)


def _actions(served: Served) -> list[dict[str, Any]]:
    entries = served.station.stores.ledger.entries(served.station.stores.station)
    return [e.body for e in entries if e.kind is EntryKind.OPERATOR_ACTION
            and e.body["action"].startswith("agents.")]  # fmt: skip


def _seconds(flac: bytes) -> float:
    with av.open(io.BytesIO(flac)) as container:
        return sum(f.samples for f in container.decode(audio=0)) / 48_000


async def test_a_voice_reviews_an_hour_and_what_airs_follows(
    served: Served, voiced: datetime, tmp_path: Path
) -> None:
    voice = _bearer(served, Role.VOICE)
    client = served.client
    local = voiced.astimezone(served.station.stores.zone()).replace(tzinfo=None)
    listed = await client.get("/api/v1/segments", params={"hour": local.isoformat()},
                              headers=voice)  # fmt: skip
    assert listed.status_code == 200, listed.text
    links = [s for s in listed.json() if s["kind"] == "voice_link" and s["status"] == "ready"]
    assert links
    link = links[0]
    assert link["script"]
    item = link["schedule_item_id"]
    assert _airs(served, item, voiced) == link["segment_id"]
    heard = await client.get(link["audio_url"], headers=voice)
    assert heard.status_code == 200
    assert heard.headers["content-type"] == "audio/flac"
    assert _seconds(heard.content) == pytest.approx(link["duration_s"], abs=0.05)

    rejected = await client.post(f"/api/v1/segments/{link['segment_id']}/reject",
                                 json={"note": "wrong weather"}, headers=voice)  # fmt: skip
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "dropped"
    assert rejected.json()["reason"] == "rejected by token:voice-token: wrong weather"
    assert rejected.json()["audio_url"] is None
    assert _airs(served, item, voiced) is None  # playout airs nothing in its place
    again = await client.post(f"/api/v1/segments/{link['segment_id']}/reject", json={},
                              headers=voice)  # fmt: skip
    assert again.status_code == 409  # superseded by the rejection

    restored = await client.post(f"/api/v1/segments/{link['segment_id']}/approve", headers=voice)
    assert restored.status_code == 200, restored.text
    assert (restored.json()["status"], restored.json()["script"]) == ("ready", link["script"])
    assert _airs(served, item, voiced) == restored.json()["segment_id"]

    noise = "anoisesrc=color=pink:seed=5:amplitude=0.2:duration=4:sample_rate=44100"
    take = render(tmp_path / "take.wav", ["-f", "lavfi", "-i", noise])
    with take.open("rb") as audio:
        recorded = await client.put(f"/api/v1/segments/{restored.json()['segment_id']}/recording",
                                    files={"file": ("take.wav", audio, "audio/wav")},
                                    headers=voice)  # fmt: skip
    assert recorded.status_code == 200, recorded.text
    human = recorded.json()
    assert (human["status"], human["generator"]) == ("ready", "human:token:voice-token")
    assert human["duration_s"] == pytest.approx(4, abs=0.1)
    assert _airs(served, item, voiced) == human["segment_id"]
    stored = await client.get(human["audio_url"], headers=voice)
    assert _seconds(stored.content) == pytest.approx(4, abs=0.1)

    not_audio = await client.put(f"/api/v1/segments/{human['segment_id']}/recording",
                                 files={"file": ("take.wav", b"not audio at all", "audio/wav")},
                                 headers=voice)  # fmt: skip
    assert not_audio.status_code == 415
    assert _airs(served, item, voiced) == human["segment_id"]  # nothing changed

    made = await client.post(f"/api/v1/segments/{human['segment_id']}/regenerate", headers=voice)
    assert made.status_code == 200, made.text
    assert made.json()["generator"] == "rules"
    assert made.json()["segment_id"] != human["segment_id"]
    assert _airs(served, item, voiced) == made.json()["segment_id"]

    actions = _actions(served)
    assert [a["action"] for a in actions] == [
        "agents.segment_reject", "agents.segment_approve", "agents.segment_record",
        "agents.segment_regenerate",
    ]  # fmt: skip
    assert {a["who"] for a in actions} == {"token:voice-token"}
    assert actions[0]["detail"] == {"schedule_item_id": item, "note": "wrong weather"}
    assert actions[0]["before"]["segment_id"] == link["segment_id"]


async def test_segments_refuse_the_unknown_and_the_unprivileged(
    served: Served, voiced: datetime
) -> None:
    viewer = _bearer(served, Role.VIEWER)
    unknown = await served.client.get("/api/v1/segments/01JNOSUCHSEGMENT", headers=viewer)
    assert unknown.status_code == 404
    listed = await served.client.get("/api/v1/segments", params={"hour": voiced.isoformat()},
                                     headers=viewer)  # fmt: skip
    some = listed.json()[0]["segment_id"]
    refused = await served.client.post(f"/api/v1/segments/{some}/reject", json={},
                                       headers=viewer)  # fmt: skip
    assert refused.status_code == 403
    bad_hour = await served.client.get("/api/v1/segments", params={"hour": "tea time"},
                                       headers=viewer)  # fmt: skip
    assert bad_hour.status_code == 422
    assert bad_hour.json()["errors"][0]["loc"] == ["query", "hour"]
