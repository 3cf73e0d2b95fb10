from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onair.domain import Use
from onair.domain.tags import VocalGender
from onair.ingest.catalog_csv import CatalogEntry, CatalogReject, InvalidCatalog, read_catalog_csv

HEADER = "isrc,title,artist,album,year,explicit,file,territories,valid_from,valid_until,uses\n"


def _catalog(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text(header + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_rows_become_entries_with_tags_and_rights(tmp_path: Path) -> None:
    path = _catalog(
        tmp_path,
        "us-rc1-76-07839,Summer (feat. B),A feat. B,Motion,2014,yes,audio/summer.flac,US;ca,"
        "2026-01-01,2026-12-31,non_interactive_webcast",
        "GBAYE0601498,Only Metadata,C & D,,,,,,,,",
    )
    first, second = list(read_catalog_csv(path))
    assert isinstance(first, CatalogEntry)
    assert first.tags.isrc == "USRC17607839"
    assert first.tags.artists == ("A", "B")
    assert (first.tags.year, first.tags.explicit) == (2014, True)
    assert first.file == "audio/summer.flac"
    assert first.rights.territories == {"US", "CA"}
    assert first.rights.valid_until == date(2026, 12, 31)
    assert first.rights.uses == {Use.NON_INTERACTIVE_WEBCAST}
    assert isinstance(second, CatalogEntry)
    assert second.file is None  # metadata only, no audio yet
    assert second.tags.artists == ("C", "D")


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("USRC1760783,T,A,,,,,,,,", "ISRC 'USRC1760783' is invalid"),
        ("USRC17607839,,A,,,,,,,,", "title and artist are required"),
        ("USRC17607839,T,A,,20O4,,,,,,", "year '20O4'"),
        ("USRC17607839,T,A,,,maybe,,,,,", "explicit 'maybe'"),
        ("USRC17607839,T,A,,,,../../etc/passwd,,,,", "relative path"),
        ("USRC17607839,T,A,,,,/srv/audio/t.flac,,,,", "relative path"),
        ("USRC17607839,T,A,,,,C:/audio/t.flac,,,,", "relative path"),
        ("USRC17607839,T,A,,,,,USA,,,", "ISO 3166-1"),
        ("USRC17607839,T,A,,,,,,2026-13-01,,", "valid_from '2026-13-01' is not a date"),
        ("USRC17607839,T,A,,,,,,2026-02-01,2026-01-01,", "before valid_from"),
        ("USRC17607839,T,A,,,,,,,,radio", "uses ['radio']"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_the_batch_goes_on(
    tmp_path: Path, row: str, why: str
) -> None:
    path = _catalog(tmp_path, row, "GBAYE0601498,Good,Artist,,,,,,,,")
    rejected, accepted = list(read_catalog_csv(path))
    assert isinstance(rejected, CatalogReject)
    assert rejected.line == 2
    assert why in rejected.reason
    assert "\n" not in rejected.reason
    assert isinstance(accepted, CatalogEntry)


def test_missing_or_unknown_columns_stop_the_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidCatalog, match="missing column"):
        list(read_catalog_csv(_catalog(tmp_path, "x,y", header="isrc,title\n")))
    with pytest.raises(InvalidCatalog, match=r"unknown column.*colour"):
        list(read_catalog_csv(_catalog(tmp_path, "x,y,z,w", header="isrc,title,artist,colour\n")))
    with pytest.raises(InvalidCatalog, match="cannot be read"):
        list(read_catalog_csv(tmp_path / "absent.csv"))


def test_a_file_that_is_not_utf8_stops_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "USRC17607839,Caf\xe9,A,,,,,,,,\n".encode("latin-1"))
    with pytest.raises(InvalidCatalog, match=r"latin1\.csv"):
        list(read_catalog_csv(path))


def test_vocal_gender_is_read_and_a_bad_one_rejects_its_row(tmp_path: Path) -> None:
    path = _catalog(
        tmp_path,
        "GBAYE0601498,Sung,Singer,,,,,,,,,Female",
        "GBAYE0601499,Played,Band,,,,,,,,,",
        "GBAYE0601500,Hummed,Band,,,,,,,,,whistled",
        header=HEADER.rstrip("\n") + ",vocal_gender\n",
    )
    sung, played, bad = list(read_catalog_csv(path))
    assert isinstance(sung, CatalogEntry)
    assert isinstance(played, CatalogEntry)
    assert sung.tags.vocal_gender is VocalGender.FEMALE
    assert played.tags.vocal_gender is None
    assert isinstance(bad, CatalogReject)
    assert bad.reason.startswith("vocal_gender 'whistled' is not one of female, male")


SCHEDULING = "isrc,title,artist,duration,bpm,energy,category\n"


def test_scheduling_columns_are_read_for_a_library_without_audio(tmp_path: Path) -> None:
    path = _catalog(
        tmp_path,
        "GBAYE0601498,Seconds,Band,215.4,128,0.8,power",
        "GBAYE0601499,Minutes,Band,3:35,,,Gold_70s",
        "GBAYE0601500,Nothing,Band,,,,",
        header=SCHEDULING,
    )
    seconds, minutes, nothing = list(read_catalog_csv(path))
    assert isinstance(seconds, CatalogEntry)
    assert (seconds.duration_s, seconds.tags.bpm) == (215.4, 128.0)
    assert (seconds.energy, seconds.category) == (0.8, "power")
    assert isinstance(minutes, CatalogEntry)
    assert (minutes.duration_s, minutes.category) == (215.0, "gold_70s")
    assert (minutes.tags.bpm, minutes.energy) == (None, None)
    assert isinstance(nothing, CatalogEntry)
    assert (nothing.duration_s, nothing.energy, nothing.category) == (None, None, None)


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("USRC17607839,T,A,3 min,,,", "duration '3 min' is not a length"),
        ("USRC17607839,T,A,3:75,,,", "duration '3:75' is not a length"),
        ("USRC17607839,T,A,0,,,", "duration '0' is not a length"),
        ("USRC17607839,T,A,-12,,,", "duration '-12' is not a length"),
        ("USRC17607839,T,A,nan,,,", "duration 'nan' is not a length"),
        ("USRC17607839,T,A,90000,,,", "duration '90000' is not a length"),
        ("USRC17607839,T,A,,fast,,", "bpm 'fast' is not a number from 20 to 300"),
        ("USRC17607839,T,A,,400,,", "bpm '400' is not a number from 20 to 300"),
        ("USRC17607839,T,A,,,1.5,", "energy '1.5' is not a number from 0 to 1"),
        ("USRC17607839,T,A,,,high,", "energy 'high' is not a number from 0 to 1"),
        ("USRC17607839,T,A,,,,power rotation", "category 'power rotation' is not a name"),
        ("USRC17607839,T,A,,,,1-gold", "category '1-gold' is not a name"),
    ],
)
def test_a_bad_scheduling_value_rejects_its_row(tmp_path: Path, row: str, why: str) -> None:
    path = _catalog(tmp_path, row, "GBAYE0601498,Good,Artist,200,,,", header=SCHEDULING)
    rejected, accepted = list(read_catalog_csv(path))
    assert isinstance(rejected, CatalogReject)
    assert rejected.line == 2
    assert rejected.reason.startswith(why)
    assert "\n" not in rejected.reason
    assert isinstance(accepted, CatalogEntry)
