"""The demo library is what its truth file says, as the analysis hears it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onair.ingest.catalog_csv import CatalogEntry, read_catalog_csv
from onair.ingest.ffmpeg.analysis import analyse
from onair.ingest.ffmpeg.demo_library import build_demo_library
from onair.ingest.tags import read_tags


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    out = tmp_path_factory.mktemp("demo-library")
    build_demo_library(out, 12, seed=7, seconds=(18.0, 26.0))
    return out, json.loads((out / "truth.json").read_text())


def test_every_item_is_written_with_its_catalog_and_truth(
    library: tuple[Path, list[dict[str, object]]],
) -> None:
    out, truth = library
    assert len(truth) == 12
    assert {t["kind"] for t in truth} >= {"music", "station_id"}
    for item in truth:
        assert (out / str(item["file"])).stat().st_size > 0
    rows = list(read_catalog_csv(out / "catalog.csv"))
    assert all(isinstance(r, CatalogEntry) for r in rows)
    assert len(rows) == sum(1 for t in truth if t["kind"] == "music")


def test_the_demo_stations_rotations_go_by_recency(
    library: tuple[Path, list[dict[str, object]]],
) -> None:
    out, _ = library
    rows = [r for r in read_catalog_csv(out / "catalog.csv") if isinstance(r, CatalogEntry)]
    order = ["power", "current", "recurrent", "gold"]
    by_year = sorted(rows, key=lambda r: -(r.tags.year or 0))
    ranks = [order.index(r.category or "") for r in by_year]
    assert ranks == sorted(ranks)  # newer songs never sit in an older rotation
    assert {r.category for r in rows} == set(order)


def test_the_analysis_hears_what_the_truth_says(
    library: tuple[Path, list[dict[str, object]]],
) -> None:
    out, truth = library
    for item in truth:
        result = analyse(out / str(item["file"]))
        lead, intro = float(item["lead_s"]), float(item["intro_s"])  # type: ignore[arg-type]
        cue_out = lead + intro + float(item["body_s"]) + float(item["fade_s"])  # type: ignore[arg-type]
        assert result.cue_in_s == pytest.approx(lead, abs=0.05), item["file"]
        assert result.cue_out_s == pytest.approx(cue_out, abs=0.1), item["file"]
        assert result.ending == item["ending"], item["file"]
        if intro:
            assert result.intro_end_s == pytest.approx(lead + intro, abs=0.3), item["file"]
        assert result.bpm == pytest.approx(float(item["bpm"]), abs=1.5), item["file"]  # type: ignore[arg-type]


def test_tags_carry_the_featured_artists(library: tuple[Path, list[dict[str, object]]]) -> None:
    out, truth = library
    music = [t for t in truth if t["kind"] == "music"]
    for item in music:
        tags = read_tags(out / str(item["file"]))
        assert tags.title == item["title"]
        assert tags.isrc == item["isrc"]
        credited = str(item["artist"])
        assert len(tags.artists) == (2 if " feat. " in credited else 1)
        # Each band's "Neon Sessions" is its own album: the album artist says whose.
        assert tags.album_artist == credited.split(" feat. ")[0]
