"""The compliance desk: events into the ledger, catch-up from playout's tables, sealing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from onair.bus.memory_bus import InMemoryBus
from onair.compliance.desk import ComplianceDesk
from onair.compliance.memory_ledger import MemoryArchive, MemoryLedger
from onair.compliance.records import AiredPlay
from onair.compliance.retention import export_day, prune_before
from onair.compliance.upkeep import LedgerUpkeep
from onair.domain.events import Envelope, new_envelope
from onair.domain.ledger import EntryKind, LedgerError
from onair.domain.library import AssetKind, LibraryAsset
from onair.domain.playout import AsRunEntry, EndedBy, OperatorAction, Trigger
from onair.domain.programming import ItemKind
from onair.domain.tags import TrackTags

ZONE = ZoneInfo("America/Chicago")
T0 = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)


class Catalog:
    def __init__(self) -> None:
        self.tags = TrackTags(title="Night Drive", artist="Ana feat. Bo", artists=("Ana", "Bo"),
                              album="Roads", isrc="USRC17607839", label="Tidal",
                              composer="A. Writer", publisher="Roads Music")  # fmt: skip

    def get_many(self, asset_ids: Sequence[str]) -> list[LibraryAsset]:
        return [LibraryAsset(id=i, station="demo", kind=AssetKind.MUSIC, tags=self.tags)
                for i in asset_ids if i == "a1"]  # fmt: skip


class Table:
    def __init__(self, rows: list[object]) -> None:
        self.rows = rows

    def between(self, station: str, start: datetime, end: datetime) -> list[object]:
        return [
            r for r in self.rows if start <= getattr(r, "actual_start", getattr(r, "at", T0)) < end
        ]


def ended(play_id: str, start: datetime, listeners: int) -> Envelope:
    return new_envelope("playout.item_ended", "demo", {
        "play_id": play_id, "schedule_item_id": "s1", "asset_id": "a1", "kind": "music",
        "category": "gold", "title": "Night Drive", "artist": "Ana feat. Bo",
        "scheduled_start": start.isoformat(), "actual_start": start.isoformat(),
        "substitution_reason": None, "duration_s": 201.25, "ended_by": "crossfade",
        "listeners": listeners, "adjustments": ["faded 1.0 s early"],
    })  # fmt: skip


@pytest.fixture
def clock() -> list[datetime]:
    return [T0]


def make_desk(clock: list[datetime], **kwargs: object) -> tuple[ComplianceDesk, MemoryLedger,
                                                                 InMemoryBus]:  # fmt: skip
    ledger = MemoryLedger(now=lambda: clock[0])
    bus = InMemoryBus("demo", retry_base_s=0.001)
    upkeep = LedgerUpkeep("demo", ledger, MemoryArchive(), Catalog(), lambda: ZONE,
                          lambda: clock[0], **kwargs)  # type: ignore[arg-type]  # fmt: skip
    return ComplianceDesk(upkeep, bus), ledger, bus


async def settle(bus: InMemoryBus, ledger: MemoryLedger, count: int) -> None:
    for _ in range(200):
        if len(list(ledger.entries("demo"))) >= count:
            return
        await asyncio.sleep(0.01)


async def test_events_become_entries_once(clock: list[datetime]) -> None:
    desk, ledger, bus = make_desk(clock)
    await bus.start()
    await desk.start()
    appended: list[Envelope] = []

    async def heard(event: Envelope) -> None:
        appended.append(event)

    await bus.subscribe("compliance.entry_appended", heard)
    event = ended("p1", T0, listeners=42)
    await bus.publish(event)
    await bus.publish(ended("p1", T0, listeners=42).model_copy(update={"id": event.id}))
    await bus.publish(new_envelope("playout.action_taken", "demo", {
        "trigger": "skip", "who": "dana", "asset_id": None, "done": True, "action_id": "x1",
        "at": (T0 + timedelta(minutes=2)).isoformat(), "note": "bad edit",
        "before": {"on_air": {"play_id": "p1"}}, "after": {"on_air": {"play_id": "p2"}},
    }))  # fmt: skip
    await bus.publish(new_envelope("agents.segment_ready", "demo", {
        "segment_id": "g1", "schedule_item_id": "s9", "kind": "station_id",
        "script": "KXYZ Springfield", "status": "ready",
    }))  # fmt: skip
    await settle(bus, ledger, 3)
    await asyncio.sleep(0.05)
    desk.stop()
    await bus.close()

    entries = list(ledger.entries("demo"))
    assert [e.kind for e in entries].count(EntryKind.AIRED) == 1
    aired = AiredPlay.from_entry(next(e for e in entries if e.kind is EntryKind.AIRED))
    assert (aired.listeners, aired.isrc) == (42, "USRC17607839")
    assert (aired.album, aired.label) == ("Roads", "Tidal")
    assert aired.artists == ("Ana", "Bo")
    action = next(e for e in entries if e.kind is EntryKind.OPERATOR_ACTION)
    assert action.body["who"] == "dana"
    assert action.body["before"] == {"on_air": {"play_id": "p1"}}
    assert action.body["after"] == {"on_air": {"play_id": "p2"}}
    assert action.body["correlation_id"]
    assert any(e.kind is EntryKind.AGENT_OUTPUT and e.body["script"] == "KXYZ Springfield"
               for e in entries)  # fmt: skip
    assert {e.payload["seq"] for e in appended} == {e.seq for e in entries}


async def test_a_lost_event_is_caught_up_from_playouts_tables(clock: list[datetime]) -> None:
    entry = AsRunEntry("p7", "demo", "a1", ItemKind.MUSIC, "gold", "Night Drive", "Ana feat. Bo",
                       T0, 180.0, EndedBy.NATURAL, listeners=3)  # fmt: skip
    action = OperatorAction("x7", "demo", Trigger.HOLD, "lee", T0 + timedelta(minutes=1))
    desk, _, _ = make_desk(clock, aired=Table([entry]), actions=Table([action]))
    clock[0] = T0 + timedelta(minutes=2)
    assert desk.upkeep.catch_up() == []  # inside the grace: the events may still come
    clock[0] = T0 + timedelta(minutes=10)
    made = desk.upkeep.catch_up()
    assert [e.kind for e in made] == [EntryKind.AIRED, EntryKind.OPERATOR_ACTION]
    assert made[0].body["isrc"] == "USRC17607839"
    assert made[1].body["action"] == "playout.hold"
    assert desk.upkeep.catch_up() == []


async def test_a_round_seals_finished_days_and_records_the_check(clock: list[datetime]) -> None:
    entry = AsRunEntry("p7", "demo", "a1", ItemKind.MUSIC, "gold", "Night Drive", None, T0,
                       180.0, EndedBy.NATURAL, listeners=3)  # fmt: skip
    desk, ledger, _ = make_desk(clock, aired=Table([entry]))
    clock[0] = T0 + timedelta(hours=1)
    await desk.round()
    clock[0] = T0 + timedelta(days=2)
    seals = await desk.round()
    assert [s.day for s in seals] == [date(2026, 12, 5), date(2026, 12, 6)]
    checks = [e for e in ledger.entries("demo") if e.kind is EntryKind.COMPLIANCE_CHECK]
    assert [c.body["passed"] for c in checks] == [True, True]
    assert checks[0].body["detail"]["day"] == "2026-12-05"


def test_prune_keeps_the_archive_and_records_who(clock: list[datetime], tmp_path: Path) -> None:
    entry = AsRunEntry("p7", "demo", "a1", ItemKind.MUSIC, "gold", "Night Drive", None, T0,
                       180.0, EndedBy.NATURAL, listeners=3)  # fmt: skip
    desk, ledger, _ = make_desk(clock, aired=Table([entry]))
    clock[0] = T0 + timedelta(hours=1)
    desk.upkeep.catch_up()
    clock[0] = T0 + timedelta(days=3)
    with pytest.raises(LedgerError, match="not sealed"):
        prune_before(ledger, desk.upkeep.archive, "demo", ZONE, date(2026, 12, 7), who="ops",
                     now=clock[0])  # fmt: skip
    desk.upkeep.seal()
    with pytest.raises(LedgerError, match="future"):
        prune_before(ledger, desk.upkeep.archive, "demo", ZONE, date(2026, 12, 30), who="ops",
                     now=clock[0])  # fmt: skip
    pruned = prune_before(ledger, desk.upkeep.archive, "demo", ZONE, date(2026, 12, 6), who="ops",
                          now=clock[0])  # fmt: skip
    assert [(p.day, p.entries) for p in pruned] == [(date(2026, 12, 5), 1)]
    kinds = [e.kind for e in ledger.entries("demo")]
    assert EntryKind.AIRED not in kinds
    prunes = [e for e in ledger.entries("demo") if e.kind is EntryKind.OPERATOR_ACTION]
    assert [(p.body["action"], p.body["who"]) for p in prunes] == [("compliance.prune", "ops")]
    assert prunes[0].body["before"]["entries_in_database"] == 1
    files = export_day(ledger, desk.upkeep.archive, "demo", ZONE, date(2026, 12, 5), tmp_path)
    assert '"play_id":"p7"' in files[0].read_text().replace(" ", "")
