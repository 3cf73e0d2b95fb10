"""An insert playout would refuse at air time is refused when asked, with the reason.

Through the real app of a serving process, over a real SQLite station with an
asset ingested as ``onair ingest`` does it and its rights edited over HTTP.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from onair.domain.access import Role
from onair.ingest.batch import find_audio, run_batch
from onair.ingest.examine import IngestOptions
from onair.ingest.intake import Intake
from tests.integration.api.conftest import Served
from tests.integration.ingest.synth import render

pytestmark = pytest.mark.integration


async def _ingested(served: Served, folder: Path) -> str:
    noise = "anoisesrc=color=pink:seed=7:amplitude=0.3:duration=8:sample_rate=44100"
    tags = ["-metadata", "title=Blue Morning", "-metadata", "artist=Ann"]
    made = render(folder / "song.flac", ["-f", "lavfi", "-i", noise], ["-ac", "2", *tags])
    stores = served.station.stores
    with ThreadPoolExecutor(1) as workers:
        intake = Intake(stores.station, stores.library, stores.objects, IngestOptions(), workers)
        await run_batch(intake, find_audio([made]).files, in_flight=1)
    (asset,) = stores.library.page(stores.station)
    return asset.id


@pytest.mark.parametrize("trigger", ["insert_now", "insert_next"])
async def test_an_insert_without_rights_today_is_refused_with_the_reason(
    served: Served, tmp_path: Path, trigger: str
) -> None:
    asset = await _ingested(served, tmp_path)
    operator = {"Authorization": f"Bearer {served.token(Role.OPERATOR)}"}
    director = {"Authorization": f"Bearer {served.token(Role.PROGRAM_DIRECTOR)}"}
    insert = f"/api/v1/playout/{trigger}"
    # With its rights, the insert passes the check and goes on to playout (not on this bus).
    allowed = await served.client.post(insert, json={"asset_id": asset}, headers=operator)
    assert allowed.status_code == 503
    assert "playout is not answering" in allowed.json()["detail"]

    expired = {"deals": [{"territories": ["US"], "valid_until": "2001-01-01"}]}
    edited = await served.client.put(f"/api/v1/assets/{asset}/rights", json=expired,
                                     headers=director)  # fmt: skip
    assert edited.status_code == 200, edited.text
    refused = await served.client.post(insert, json={"asset_id": asset}, headers=operator)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"].startswith(f"asset '{asset}' has no usage rights for ")
    unknown = await served.client.post(insert, json={"asset_id": "01NOSUCHASSET"},
                                       headers=operator)  # fmt: skip
    assert (unknown.status_code, unknown.json()["detail"]) == (
        422, "asset '01NOSUCHASSET' is not in the station's library")  # fmt: skip
