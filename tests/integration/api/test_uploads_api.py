"""Audio uploads over HTTP, into ingest: what arrives whole is in the library, what does not
(not audio, truncated, over the limit) is a 4xx with nothing of it left anywhere.

Through the real app of a serving process, over a real SQLite station, its
object folder and its uploads folder, which the tests list.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from onair.bootstrap.serve import build_app
from onair.bootstrap.station import open_station
from onair.config import load_settings
from onair.domain.access import Role
from onair.domain.ledger import EntryKind
from tests.integration.api.conftest import Served
from tests.integration.ingest.synth import render

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def _song(folder: Path, name: str = "song.flac", seconds: int = 6) -> Path:
    noise = f"anoisesrc=color=pink:seed=9:amplitude=0.3:duration={seconds}:sample_rate=44100"
    tags = ["-ac", "2", "-metadata", "title=Uploaded Song", "-metadata", "artist=Una Loader"]
    return render(folder / name, ["-f", "lavfi", "-i", noise], tags)


def _bearer(served: Served, role: Role = Role.PROGRAM_DIRECTOR) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(role, f'{role.value}-token')}"}


def _kept(served: Served) -> dict[str, Any]:
    """Everything an upload could leave: assets, objects, files waiting in the uploads folder."""
    stores = served.station.stores
    folder = stores.settings.data_dir / "uploads"
    return {
        "assets": [a.id for a in stores.library.page(stores.station)],
        "objects": sorted(o.key for o in stores.objects.list()),
        "waiting": sorted(str(p) for p in folder.rglob("*")) if folder.exists() else [],
    }


async def test_an_audio_file_is_ingested_and_its_job_tells_how(
    served: Served, tmp_path: Path
) -> None:
    song = _song(tmp_path)
    with song.open("rb") as audio:
        given = {"file": ("My Song.flac", audio, "audio/flac")}
        sent = await served.client.post("/api/v1/uploads", headers=_bearer(served), files=given)
    assert sent.status_code == 201, sent.text
    job = sent.json()
    assert (job["status"], job["done"], job["file_name"]) == ("ingested", True, "My Song.flac")
    assert job["bytes_received"] == song.stat().st_size
    assert sent.headers["location"] == job["url"] == f"/api/v1/uploads/{job['id']}"
    polled = await served.client.get(job["url"], headers=_bearer(served, Role.VIEWER))
    assert polled.json() == job

    asset = await served.client.get(f"/api/v1/assets/{job['asset_id']}", headers=_bearer(served))
    assert (asset.json()["title"], asset.json()["artist"]) == ("Uploaded Song", "Una Loader")
    kept = _kept(served)
    assert kept["assets"] == [job["asset_id"]]
    assert kept["objects"] == sorted([asset.json()["master_key"], asset.json()["waveform_key"]])
    assert kept["waiting"] == []
    entries = served.station.stores.ledger.entries(served.station.stores.station)
    (action,) = [e.body for e in entries if e.kind is EntryKind.OPERATOR_ACTION
                 and e.body["action"] == "library.upload"]  # fmt: skip
    assert action["who"] == "token:program_director-token"
    assert action["detail"] == {"asset_id": job["asset_id"]}
    assert action["after"]["file"] == "My Song.flac"

    with song.open("rb") as audio:
        given = {"file": ("copy.flac", audio, "audio/flac")}
        again = await served.client.post("/api/v1/uploads", headers=_bearer(served), files=given)
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["asset_id"]) == ("duplicate", job["asset_id"])
    assert _kept(served) == kept


# Starlette leaves the spooled file of a form that never ends to the garbage collector
# (it closes them only when the parser fails): a ResourceWarning, not a file left behind.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_what_is_not_whole_audio_is_refused_and_leaves_nothing(
    served: Served, tmp_path: Path
) -> None:
    director = _bearer(served)
    before = _kept(served)
    words = {"file": ("song.mp3", b"la la la " * 500, "audio/mpeg")}
    text = await served.client.post("/api/v1/uploads", headers=director, files=words)
    assert text.status_code == 422
    assert text.headers["content-type"] == "application/problem+json"
    assert text.json()["detail"].startswith("file: the library refused it: ")
    assert text.json()["upload"]["status"] == "rejected"

    whole = _song(tmp_path, seconds=10).read_bytes()
    cut = await served.client.post("/api/v1/uploads", headers=director,
                                   files={"file": ("cut.flac", whole[: len(whole) // 2],
                                                   "audio/flac")})  # fmt: skip
    assert cut.status_code == 422
    assert cut.json()["upload"]["status"] == "rejected"
    assert cut.json()["detail"].startswith("file: the library refused it: cut.flac: ")

    empty = await served.client.post("/api/v1/uploads", headers=director,
                                     files={"file": ("none.flac", b"", "audio/flac")})  # fmt: skip
    assert empty.status_code == 422
    # A body cut off mid-file: the form never ends.
    boundary = "onair-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.flac\""
            f"\r\nContent-Type: audio/flac\r\n\r\n").encode() + whole[:5000]  # fmt: skip
    broken = await served.client.post(
        "/api/v1/uploads", content=body,
        headers=director | {"content-type": f"multipart/form-data; boundary={boundary}"},
    )  # fmt: skip
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["loc"] == ["body", "file"]
    assert _kept(served) == before


@pytest.fixture
async def small(tmp_path: Path) -> AsyncIterator[Served]:
    """A station that takes files up to 1 MiB."""
    settings = load_settings(None, data_dir=tmp_path / "small", upload_max_mb=1)
    station = await open_station(settings, frozenset({"api"}))
    transport = httpx.ASGITransport(app=build_app(station), client=("203.0.113.7", 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Served(station, client, station.stores.access())
    finally:
        await station.close()


async def test_a_file_over_the_limit_is_413_before_it_is_kept(
    small: Served, tmp_path: Path
) -> None:
    before = _kept(small)
    big = tmp_path / "big.wav"
    render(big, ["-f", "lavfi", "-i", "anoisesrc=duration=20:sample_rate=44100"])
    assert big.stat().st_size > 1 << 20
    with big.open("rb") as audio:
        sent = await small.client.post("/api/v1/uploads", headers=_bearer(small),
                                       files={"file": ("big.wav", audio, "audio/wav")})  # fmt: skip
    assert sent.status_code == 413
    assert sent.json()["detail"] == f"the body is over {1 << 20} bytes"
    assert _kept(small) == before
    await asyncio.sleep(0)  # nothing was started behind the refusal
    assert _kept(small) == before
