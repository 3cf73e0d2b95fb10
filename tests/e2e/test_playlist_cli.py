"""``onair playlist`` as a program director runs it, and the station file that airs one."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from tests.e2e.cli import onair
from tests.music_catalog import write_catalog

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))

pytestmark = pytest.mark.timeout(300)  # a dozen commands, each loading the station


def test_a_playlist_is_built_by_hand_and_a_station_file_airs_it(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "station"))
    assert onair("station", "apply", str(DEMO), *data).returncode == 0
    write_catalog(tmp_path / "catalog.csv", 40)
    ingested = onair("ingest", "--catalog", str(tmp_path / "catalog.csv"), "--no-index", *data,
                     timeout=120)  # fmt: skip
    assert ingested.returncode == 0, ingested.stderr
    listed = json.loads(onair("library", "list", "--json", "--kind", "music", *data).stdout)
    a, b, c = (row["id"] for row in listed[:3])

    made = onair("playlist", "create", "requests", a, b, "--title", "Request hour", *data)
    assert made.returncode == 0, made.stderr
    assert made.stderr.splitlines()[-1] == "created playlist requests"
    assert "no audio yet" in made.stderr  # catalog entries wait for their files: warned
    assert onair("playlist", "add", "requests", c, "--at", "0", *data).returncode == 0
    moved = onair("playlist", "move", "requests", "2", "1", *data)
    assert moved.returncode == 0, moved.stderr
    shown = json.loads(onair("playlist", "show", "requests", "--json", *data).stdout)
    assert [i["asset_id"] for i in shown["items"]] == [c, b, a]
    assert shown["title"] == "Request hour"

    unknown = onair("playlist", "add", "requests", "01NOSUCHASSET", *data)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "error: asset_ids.3: no asset '01NOSUCHASSET' in the station's library"
    )
    past = onair("playlist", "remove", "requests", "7", *data)
    assert past.returncode == 1
    assert past.stderr.strip() == "error: position: 7 is not a place in it: give 0 to 2"

    # A station file naming a playlist the station lacks: one line, nothing applied.
    text = DEMO.read_text().replace(
        "  fill:      {type: fill}",
        "  fill:      {type: fill}\n  special:   {type: playlist, playlist: holiday}",
    )
    edited = tmp_path / "edited.yaml"
    edited.write_text(text)
    refused = onair("station", "apply", str(edited), *data)
    assert refused.returncode == 1
    line = text.splitlines().index("  special:   {type: playlist, playlist: holiday}") + 1
    assert refused.stderr.splitlines() == [
        f"{edited}:{line}: categories.special.playlist: station demo has no playlist"
        " 'holiday': create it first ('onair playlist create holiday')",
        f"error: 1 problem(s) in {edited}: nothing applied",
    ]
    assert onair("playlist", "create", "holiday", *data).returncode == 0
    applied = onair("station", "apply", str(edited), *data)
    assert applied.returncode == 0, applied.stderr
    shown = json.loads(onair("station", "show", "--json", *data).stdout)
    special = next(c for c in shown["categories"] if c["name"] == "special")
    assert (special["type"], special["playlist"]) == ("playlist", "holiday")
    in_use = onair("playlist", "delete", "holiday", *data)
    assert in_use.returncode == 1
    assert "airs in category special of the station file in force" in in_use.stderr
