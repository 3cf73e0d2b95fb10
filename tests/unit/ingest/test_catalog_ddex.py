"""DDEX ERN 4 feeds: recordings, releases and deals become catalog entries with rights."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onair.domain.rights import WORLDWIDE, Use
from onair.ingest.catalog_csv import CatalogEntry, CatalogReject, InvalidCatalog
from onair.ingest.catalog_ddex import read_catalog_ddex

FEEDS = Path(__file__).parent / "ddex"


def test_a_release_gives_each_recording_its_tags_and_one_entry_per_deal() -> None:
    rows = list(read_catalog_ddex(FEEDS / "release-43.xml"))
    entries = [r for r in rows if isinstance(r, CatalogEntry)]
    open_water = [e for e in entries if e.tags.isrc == "GBAAA2600001"]
    assert len(open_water) == 2  # two deals on its release
    tags = open_water[0].tags
    assert (tags.title, tags.artist) == ("Open Water", "Golden Rivers feat. Ana Luz")
    assert tags.artists == ("Golden Rivers", "Ana Luz")
    assert (tags.album, tags.album_artist, tags.label) == ("Tidewater", "Golden Rivers",
                                                         "Harbour Records")  # fmt: skip
    assert (tags.year, tags.genre, tags.language, tags.explicit) == (2026, "Indie Pop", "en", True)
    assert (tags.composer, tags.publisher) == ("Mara Holt", "Northside Songs")
    assert open_water[0].file == "resources/A1.flac"
    stream, download = (e.rights for e in open_water)
    assert stream.territories == frozenset({"US", "CA"})
    assert (stream.valid_from, stream.valid_until) == (date(2026, 3, 13), date(2028, 3, 12))
    assert stream.uses == frozenset({Use.NON_INTERACTIVE_WEBCAST})
    assert download.territories == frozenset({WORLDWIDE})
    assert download.uses == frozenset({Use.DOWNLOAD})


def test_bad_recordings_are_rejected_and_the_rest_load() -> None:
    rows = list(read_catalog_ddex(FEEDS / "release-43.xml"))
    rejects = {r.line: r.reason for r in rows if isinstance(r, CatalogReject)}
    assert set(rejects) == {3, 4}
    assert rejects[3].startswith("SoundRecording A3: ISRC 'GBAAA260003' is invalid")
    assert "must be a relative path" in rejects[4]
    harbour = [r for r in rows if isinstance(r, CatalogEntry) and r.tags.isrc == "GBAAA2600002"]
    assert len(harbour) == 2
    assert harbour[0].tags.explicit is False


def test_an_ern_41_message_reads_and_an_exclusion_it_cannot_hold_is_refused() -> None:
    excluded, bridge = read_catalog_ddex(FEEDS / "release-41.xml")
    assert isinstance(excluded, CatalogReject)
    assert "excludes territories ['FR']" in excluded.reason
    assert isinstance(bridge, CatalogEntry)
    assert bridge.tags.artists == ("Simon & Garfunkel",)  # one party: never split
    assert (bridge.tags.album, bridge.tags.label, bridge.tags.year) == ("Bridges", "Columbia", 1990)
    assert bridge.file == "bridge-song.wav"
    assert bridge.rights.uses == frozenset({Use.NON_INTERACTIVE_WEBCAST})


@pytest.mark.parametrize(
    ("feed", "said"),
    [
        ("billion-laughs.xml", "refused, it declares a DTD or entities"),
        ("external-entity.xml", "refused, it declares a DTD or entities"),
        ("ern-382.xml", "not a DDEX ERN 4 NewReleaseMessage"),
        ("malformed.xml", "not well-formed XML (mismatched tag: line 4, column 2)"),
    ],
)
def test_dangerous_or_foreign_feeds_are_refused_whole_in_one_line(feed: str, said: str) -> None:
    with pytest.raises(InvalidCatalog) as caught:
        list(read_catalog_ddex(FEEDS / feed))
    message = str(caught.value)
    assert message.startswith(f"catalog {feed}: ")
    assert said in message
    assert "\n" not in message
