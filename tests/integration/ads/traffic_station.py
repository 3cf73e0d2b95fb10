"""A small station for traffic tests: a program with spot breaks, spot copy, promos and fill
in a real library, and hours of planned breaks in the stored schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from onair.ads.service import Traffic
from onair.domain.library import AssetKind, AudioFacts, Ending, LibraryAsset
from onair.domain.program_check import program_from
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import HourPlan, ScheduledItem
from onair.domain.tags import TrackTags
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.repositories.traffic import SqlSpotBreaks, SqlTraffic, SqlTrafficLibrary

STATION = "kads"
ZONE = ZoneInfo("America/Chicago")
DAY = date(2027, 3, 1)  # a Monday
BREAK_MINUTES = (14, 29, 44, 54)


def program(traffic: dict[str, Any] | None = None, break_s: float = 120) -> StationProgram:
    return program_from(
        {
            "id": STATION,
            "name": "KADS",
            "timezone": "America/Chicago",
            "call_letters": "KADS",
            "community": "Springfield, Illinois",
            "categories": {
                "songs": {"type": "music"},
                "legal_id": {"type": "id", "planned_s": 8},
                "spots": {"type": "spot", "planned_s": break_s},
                "promo": {"type": "promo"},
                "fill": {"type": "fill"},
                "bumper": {"type": "jingle"},
            },
            "clocks": {
                "hour": {
                    "slots": [
                        {"category": "legal_id", "at": "00:00", "hard": True},
                        {"category": "songs"},
                        {"category": "spots", "at": "14:00"},
                    ]
                }
            },
            "grid": {"mon-sun": {"00-24": "hour"}},
            **({"traffic": traffic} if traffic else {}),
        }
    )


def asset_id(n: int) -> str:
    return f"01JA{n:022d}"


def save_asset(
    engine: Engine,
    n: int,
    kind: AssetKind,
    seconds: float,
    title: str,
    master_key: str | None = None,
    station: str = STATION,
) -> str:
    """An asset of ``station`` with analysed audio (its master at ``master_key``, else a
    key never read)."""
    audio = AudioFacts(
        duration_s=seconds,
        codec="pcm_s16le",
        sample_rate=48_000,
        channels=2,
        bitrate=None,
        loudness_lufs=-16.0,
        loudness_range_lu=0.0,
        true_peak_dbtp=-12.0,
        gain_db=0.0,
        cue_in_s=0.0,
        cue_out_s=seconds,
        intro_end_s=0.0,
        segue_s=seconds,
        ending=Ending.COLD,
        bpm=None,
        energy=0.5,
        fingerprint="AQAA",
    )
    key = master_key or f"masters/{asset_id(n)}.wav"
    asset = LibraryAsset(
        asset_id(n),
        station,
        kind,
        TrackTags(title=title, artist=None),
        sha256=f"{n:064d}",
        master_key=key,
        audio=audio,
    )
    SqlLibrary(engine).save(asset)
    return asset_id(n)


def house(engine: Engine) -> None:
    """Promos of 30 and 20 s, liners of 10 and 5 s and a 60 s bed, two 4 s bumpers."""
    for n, (kind, seconds, title) in enumerate(
        [
            (AssetKind.PROMO, 30.0, "Promo Weekend"),
            (AssetKind.PROMO, 20.0, "Promo Contest"),
            (AssetKind.LINER, 10.0, "Liner Ten"),
            (AssetKind.LINER, 5.0, "Liner Five"),
            (AssetKind.BED, 60.0, "Bed"),
            (AssetKind.JINGLE, 4.0, "Bumper In"),
            (AssetKind.JINGLE, 4.0, "Bumper Out"),
        ],
        start=900,
    ):
        save_asset(engine, n, kind, seconds, title)


def breaks(
    engine: Engine,
    day: date = DAY,
    days: int = 1,
    length_s: float = 120,
    minutes: Sequence[int] = BREAK_MINUTES,
    locked: bool = False,
) -> list[HourPlan]:
    """Hours of the days with a planned spot break at each of ``minutes``, stored."""
    plans = []
    first = datetime.combine(day, time(), ZONE).astimezone(UTC)
    last = datetime.combine(day + timedelta(days=days), time(), ZONE).astimezone(UTC)
    hour = first
    while hour < last:
        items = tuple(
            ScheduledItem(
                id=f"01JB{round(hour.timestamp()) // 60:014d}{m:08d}",
                hour=hour,
                position=p,
                start=hour + timedelta(minutes=m),
                duration_ms=round(length_s * 1000),
                overlap_next_ms=0,
                kind=ItemKind.SPOT,
                category="spots",
                slot=p,
            )
            for p, m in enumerate(minutes)
        )
        local = hour.astimezone(ZONE)
        plans.append(
            HourPlan(
                STATION, hour, local.isoformat(timespec="minutes"), "hour", items, locked=locked
            )
        )
        hour += timedelta(hours=1)
    SqlSchedules(engine).replace(STATION, plans, program_version=1)
    return plans


def apply(engine: Engine, station_program: StationProgram) -> None:
    SqlPrograms(engine).apply(station_program, "test")


def traffic(engine: Engine, now: datetime = datetime(2027, 1, 1, tzinfo=UTC)) -> Traffic:
    return Traffic(
        SqlTraffic(engine), SqlSpotBreaks(engine), SqlTrafficLibrary(engine), now=lambda: now
    )


def order_file(folder: Path, text: str, name: str = "orders.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
