"""A rendered stretch of air with known listeners, through the ledger into every report.

The plays come from playout's own render of a schedule (tone masters: songs, a
legal ID, a spot); each gets a known listener count and reaches the ledger as
the ``playout.item_ended`` event the engine publishes. The day is sealed into
a real object store, verified, reported on, and then tampered with: a row
changed in the database behind its triggers' back, and the archived object.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.bus.memory_bus import InMemoryBus
from onair.compliance import reports
from onair.compliance.audit import verify
from onair.compliance.desk import ComplianceDesk
from onair.compliance.reading import read_period
from onair.compliance.upkeep import LedgerUpkeep
from onair.domain.events import new_envelope
from onair.domain.ledger import EntryKind
from onair.domain.library import AssetKind, LibraryAsset
from onair.domain.playout import AsRunEntry
from onair.domain.programming import ItemKind
from onair.domain.tags import TrackTags
from onair.storage import FilesystemObjectStore, ObjectStore
from onair.storage.db import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.ledger import SqlLedger
from tests.integration.playout.world import STATION, T0, World

ZONE = ZoneInfo("America/Chicago")  # T0, 14:00 UTC, is 08:00 here on 1 March 2027
DAY = date(2027, 3, 1)
AFTER = datetime(2027, 3, 2, 12, 0, tzinfo=UTC)  # the day is over in Chicago
SONGS = ("a", "b", "c", "d")


class Catalog:
    """The library's record of each asset, as the ledger snapshots it at air time."""

    def get_many(self, asset_ids: Sequence[str]) -> list[LibraryAsset]:
        found = []
        for asset_id in asset_ids:
            if asset_id in SONGS:
                n = SONGS.index(asset_id)
                tags = TrackTags(title=f"Title {asset_id}", artist=f"Artist {asset_id}",
                                 artists=(f"Artist {asset_id}",), album=f"Album {asset_id}",
                                 isrc=f"USRC1760{n:04d}", label="Tidal",
                                 composer=f"Writer {asset_id}", publisher="Roads")  # fmt: skip
                found.append(LibraryAsset(id=asset_id, station=STATION, kind=AssetKind.MUSIC,
                                          tags=tags))  # fmt: skip
            elif asset_id == "spot":
                tags = TrackTags(title="Spring Sale", artist="Hardware Co")
                found.append(LibraryAsset(id=asset_id, station=STATION, kind=AssetKind.SPOT,
                                          tags=tags))  # fmt: skip
        return found


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    Stations(engine).ensure(STATION, name="KXYZ 101.1", timezone="America/Chicago")
    yield engine
    engine.dispose()


@pytest.fixture
def archive(object_store: ObjectStore) -> ObjectStore:
    return object_store


def rendered(tmp_path: Path) -> list[AsRunEntry]:
    """Playout's as-run of an ID, four songs and a spot, each with a known listener count."""
    world = World(tmp_path)
    world.asset("id", 300, 6, kind=AssetKind.STATION_ID, category="id", intro_s=0, tail_s=0.5)
    for n, song in enumerate(SONGS):
        world.asset(song, 440 + 110 * n, 20)
    world.asset(
        "spot",
        1500,
        10,
        kind=AssetKind.SPOT,
        category="spots",
        intro_s=0,
        tail_s=0.5,
        artist="Hardware Co",
    )
    world.plan(("id", ItemKind.ID), ("a", ItemKind.MUSIC), ("b", ItemKind.MUSIC),
               ("spot", ItemKind.SPOT), ("c", ItemKind.MUSIC), ("d", ItemKind.MUSIC))  # fmt: skip
    _, report = world.render(100)  # fallback rotation follows the schedule's end: left out
    planned = report.as_run[:6]
    assert [e.asset_id for e in planned] == ["id", "a", "b", "spot", "c", "d"]
    return [replace(e, listeners=10 * (n + 1)) for n, e in enumerate(planned)]


def ended_event(entry: AsRunEntry) -> object:
    """``playout.item_ended`` as the engine publishes it."""
    return new_envelope("playout.item_ended", STATION, {
        "play_id": entry.play_id, "schedule_item_id": entry.schedule_item_id,
        "asset_id": entry.asset_id, "kind": entry.kind.value, "category": entry.category,
        "title": entry.title, "artist": entry.artist,
        "scheduled_start": entry.scheduled_start.isoformat() if entry.scheduled_start else None,
        "actual_start": entry.actual_start.isoformat(),
        "substitution_reason": entry.substitution_reason, "duration_s": entry.duration_s,
        "ended_by": entry.ended_by.value, "listeners": entry.listeners,
        "adjustments": list(entry.adjustments),
    })  # fmt: skip


async def record(upkeep: LedgerUpkeep, aired: list[AsRunEntry]) -> None:
    bus = InMemoryBus(STATION, retry_base_s=0.01)
    await bus.start()
    desk = ComplianceDesk(upkeep, bus)
    await desk.start()
    try:
        for entry in aired:
            envelope = ended_event(entry)
            await bus.publish(envelope)  # type: ignore[arg-type]
            await bus.publish(envelope)  # type: ignore[arg-type]  # a redelivery
        for _ in range(300):
            if len(list(upkeep.ledger.entries(STATION))) >= len(aired):
                break
            await asyncio.sleep(0.02)
    finally:
        desk.stop()
        await bus.close()


def aired_through_the_desk(
    engine: Engine, archive: ObjectStore, aired: list[AsRunEntry]
) -> LedgerUpkeep:
    """The airings recorded by the desk while the day airs; the upkeep's clock then after it."""
    clock = [T0 + timedelta(minutes=5)]  # while the day airs, the desk's rounds seal nothing
    upkeep = LedgerUpkeep(STATION, SqlLedger(engine, now=lambda: clock[0]), archive, Catalog(),
                          lambda: ZONE, lambda: clock[0])  # fmt: skip
    asyncio.run(record(upkeep, aired))
    clock[0] = AFTER
    return upkeep


def test_a_rendered_day_is_sealed_verified_and_reported(
    engine: Engine, archive: ObjectStore, tmp_path: Path
) -> None:
    aired = rendered(tmp_path)
    upkeep = aired_through_the_desk(engine, archive, aired)
    ledger = upkeep.ledger
    entries = list(ledger.entries(STATION))
    assert [e.source_id for e in entries] == [a.play_id for a in aired]  # each once

    seals = upkeep.seal()
    assert [(s.day, s.count) for s in seals] == [(DAY, 6)]
    assert verify(ledger, archive, STATION, ZONE).ok

    day = reports.day_period(DAY, ZONE, AFTER)
    read = read_period(ledger, archive, STATION, ZONE, day.start, day.end, [EntryKind.AIRED])
    assert read.warnings == []
    as_run = reports.as_run_log(read.entries, day, station=STATION)
    assert [r["listeners"] for r in as_run.rows] == [10, 20, 30, 40, 50, 60]
    assert [r["play_id"] for r in as_run.rows] == [a.play_id for a in aired]
    assert as_run.totals["airings"] == 6

    month = reports.month_period("2027-03", ZONE, AFTER)
    plays = read_period(ledger, archive, STATION, ZONE, month.start, month.end).entries
    sx = reports.soundexchange_report(plays, month, station=STATION, service_name="KXYZ")
    assert {r["ISRC"]: r["ACTUAL_TOTAL_PERFORMANCES"] for r in sx.rows} == {
        "USRC17600000": 20,
        "USRC17600001": 30,
        "USRC17600002": 50,
        "USRC17600003": 60,
    }
    assert sx.totals["actual_total_performances"] == 160  # the ID and the spot are not music

    works = reports.licensing_report(plays, month, station=STATION)
    assert sorted((r["composer"], r["plays"]) for r in works.rows) == [
        (f"Writer {s}", 1) for s in SONGS]  # fmt: skip
    spots = reports.ad_affidavit(plays, month, station=STATION)
    assert [(r["advertiser"], r["ran"]) for r in spots.rows] == [("Hardware Co", "whole")]

    identity = reports.StationIdentity("KXYZ", "Springfield", "KXYZ 101.1")
    ids = reports.legal_id_report(plays, day, station=STATION, identity=identity)
    eight = next(r for r in ids.rows if r["hour_local"].startswith("2027-03-01T08"))
    assert eight["within_window"] is True
    dmca = reports.dmca_report(plays, day, station=STATION)
    assert dmca.rows == []  # four artists, four albums: nothing broken

    json.loads(reports.to_json(as_run))
    header = next(line for line in reports.to_csv(sx).splitlines() if not line.startswith("#"))
    assert header.startswith("NAME_OF_SERVICE,")


def test_tampering_is_caught_in_the_database_and_in_the_archive(
    engine: Engine, archive: ObjectStore, tmp_path: Path
) -> None:
    upkeep = aired_through_the_desk(engine, archive, rendered(tmp_path))
    upkeep.seal()
    ledger = upkeep.ledger

    with engine.begin() as conn, pytest.raises(sa.exc.DBAPIError, match="append-only"):
        conn.execute(sa.text("UPDATE compliance_ledger SET body = '{}' WHERE seq = 3"))
    _behind_the_triggers(
        engine,
        "UPDATE compliance_ledger SET body = replace(body, :old, :new) WHERE seq = 3",
        old='"listeners":30',
        new='"listeners":3000',
    )
    audit = verify(ledger, archive, STATION, ZONE)
    assert (
        audit.problem == f"ledger {STATION} entry 3: its contents do not match its hash"
        " (changed after it was written)"
    )
    day = reports.day_period(DAY, ZONE, AFTER)
    read = read_period(ledger, archive, STATION, ZONE, day.start, day.end, [EntryKind.AIRED])
    assert read.warnings == [f"built on a ledger that does not verify: {audit.problem}"]
    flagged = reports.as_run_log(read.entries, day, station=STATION, warnings=read.warnings)
    assert reports.to_csv(flagged).startswith("# WARNING: built on a ledger that does not verify")

    seal = ledger.seals(STATION)[0]
    data = archive.get_bytes(seal.archive_key)
    _overwrite(archive, seal.archive_key, data[:-4] + b"\x00\x00\x00\x00")
    problems = verify(ledger, archive, STATION, ZONE).summary()["problems"]
    assert (
        f"archive {seal.archive_key} does not match its seal of {STATION} {DAY}"
        " (SHA-256 differs)" in problems
    )  # type: ignore[operator]


def _behind_the_triggers(engine: Engine, statement: str, **values: str) -> None:
    """Change a row as someone with the database's owner rights could, triggers off."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE compliance_ledger DISABLE TRIGGER ALL"))
            conn.execute(sa.text(statement), values)
            conn.execute(sa.text("ALTER TABLE compliance_ledger ENABLE TRIGGER ALL"))
            return
        query = "SELECT name FROM sqlite_master WHERE tbl_name = 'compliance_ledger'"
        names = conn.execute(sa.text(query + " AND type = 'trigger'")).scalars().all()
        for name in names:
            conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
        conn.execute(sa.text(statement), values)


def _overwrite(archive: ObjectStore, key: str, data: bytes) -> None:
    """Replace an archived object as someone with the store's rights could."""
    if isinstance(archive, FilesystemObjectStore):
        path = archive.root / key
        path.chmod(0o644)
        path.write_bytes(data)
        return
    archive.delete(key)  # the test bucket has no Object Lock
    archive.put_once(key, data, content_type="application/gzip", retain_days=1)
