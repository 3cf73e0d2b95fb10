"""The asset catalogue on both databases."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from onair.storage.repositories import (
    AssetKind,
    AssetNotFound,
    Assets,
    DuplicateAsset,
    InvalidAsset,
    StationNotFound,
    Stations,
)
from tests.integration.storage.conftest import STATION


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_an_added_asset_reads_back_after_commit(session: Session) -> None:
    added = datetime(2026, 11, 24, 21, 0, 0, 123_456, tzinfo=UTC)
    asset = Assets(session).add(
        STATION,
        "music",
        "Blue Monday",
        sha256=_sha("blue"),
        artist="New Order",
        album="Power, Corruption & Lies",
        duration_s=448.5,
        created_at=added,
    )
    session.commit()
    assert len(asset.id) == 26
    again = Assets(session).get(asset.id)
    assert again == asset
    assert again.kind is AssetKind.MUSIC
    assert again.created_at == added
    assert Assets(session).find_by_sha256(STATION, _sha("blue")) == asset
    assert Assets(session).find_by_sha256(STATION, _sha("other")) is None


def test_the_same_audio_twice_at_a_station_is_a_duplicate(session: Session) -> None:
    assets = Assets(session)
    first = assets.add(STATION, AssetKind.JINGLE, "Top of hour", sha256=_sha("toh"))
    with pytest.raises(DuplicateAsset, match=first.id) as raised:
        assets.add(STATION, AssetKind.JINGLE, "Top of hour (copy)", sha256=_sha("toh"))
    assert raised.value.existing_id == first.id
    # The transaction is still usable, and the first asset is kept.
    assets.add(STATION, AssetKind.JINGLE, "Sweeper", sha256=_sha("sweep"))
    session.commit()
    assert [a.title for a in assets.for_station(STATION)] == ["Top of hour", "Sweeper"]


def test_the_same_audio_at_another_station_is_not_a_duplicate(
    session: Session, engine: Engine
) -> None:
    Stations(engine).ensure("wxyz", name="WXYZ", timezone="America/New_York")
    assets = Assets(session)
    assets.add(STATION, "spot", "Ad", sha256=_sha("ad"))
    assets.add("wxyz", "spot", "Ad", sha256=_sha("ad"))
    session.commit()
    assert len(assets.for_station("wxyz")) == 1


def test_a_taken_id_is_a_duplicate(session: Session) -> None:
    assets = Assets(session)
    assets.add(STATION, "voice", "Link 1", asset_id="01JD0000000000000000000001")
    with pytest.raises(DuplicateAsset, match="01JD0000000000000000000001"):
        assets.add(STATION, "voice", "Link 2", asset_id="01JD0000000000000000000001")


def test_unknown_stations_and_assets_are_named(session: Session) -> None:
    assets = Assets(session)
    with pytest.raises(StationNotFound, match="nowhere"):
        assets.add("nowhere", "music", "Song")
    with pytest.raises(AssetNotFound, match="01JD0000000000000000000009"):
        assets.get("01JD0000000000000000000009")
    with pytest.raises(AssetNotFound):
        assets.delete("01JD0000000000000000000009")


@pytest.mark.parametrize(
    ("kind", "title", "sha256", "duration_s", "error"),
    [
        ("polka", "Song", None, None, "kind 'polka' is not one of music, jingle"),
        ("music", "  ", None, None, "title is empty"),
        ("music", "Song", "ABC", None, "sha256 'ABC'"),
        ("music", "Song", None, -1.0, "duration_s -1.0"),
        ("music", "Song", None, float("nan"), "duration_s nan"),
    ],
)
def test_bad_fields_are_refused(
    session: Session,
    kind: str,
    title: str,
    sha256: str | None,
    duration_s: float | None,
    error: str,
) -> None:
    with pytest.raises(InvalidAsset, match=error):
        Assets(session).add(STATION, kind, title, sha256=sha256, duration_s=duration_s)


def test_listing_filters_by_kind_and_pages_in_id_order(session: Session) -> None:
    assets = Assets(session)
    ids = [
        assets.add(STATION, "music" if n % 3 else "promo", f"Item {n}", asset_id=f"01JD{n:022}").id
        for n in range(10)
    ]
    session.commit()
    first = assets.for_station(STATION, limit=4)
    second = assets.for_station(STATION, limit=4, after_id=first[-1].id)
    assert [a.id for a in first + second] == ids[:8]
    promos = assets.for_station(STATION, kind=AssetKind.PROMO)
    assert [a.title for a in promos] == ["Item 0", "Item 3", "Item 6", "Item 9"]


def test_delete_removes_the_asset(session: Session) -> None:
    assets = Assets(session)
    asset = assets.add(STATION, "bed", "News bed", sha256=_sha("bed"))
    session.commit()
    assets.delete(asset.id)
    session.commit()
    with pytest.raises(AssetNotFound):
        assets.get(asset.id)
    assert assets.add(STATION, "bed", "News bed", sha256=_sha("bed")).id != asset.id
