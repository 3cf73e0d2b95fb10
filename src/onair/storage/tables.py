"""The station database's tables (SQLAlchemy 2, typed declarative)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AccessSession",
    "AccessToken",
    "AccessUser",
    "AdAdvertiser",
    "AdLog",
    "AdLogItem",
    "AdOrder",
    "AdminSetting",
    "AgentSegment",
    "Asset",
    "AssetAnalysis",
    "AssetArtist",
    "AssetRight",
    "Base",
    "ComplianceLedgerEntry",
    "CompliancePrune",
    "ComplianceSeal",
    "IngestFile",
    "IngestReject",
    "PlaylistItemRow",
    "PlaylistRow",
    "PlayoutAsRun",
    "PlayoutOperatorAction",
    "PlayoutState",
    "ProcessedEvent",
    "ScheduleHour",
    "ScheduleItemRow",
    "Station",
    "StationProgramVersion",
    "UtcDateTime",
    "WebhookDelivery",
]


class UtcDateTime(TypeDecorator[datetime]):
    """An instant in UTC with microseconds, timezone-aware on every database.

    SQLite has no timezone type and hands back naive values; they are UTC by
    construction here, so they are marked as such on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: onair stores instants in UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


# Named constraints, so later migrations can drop or alter them on SQLite (batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime}


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    call_letters: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = (sa.UniqueConstraint("station_id", "sha256"),)

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.ForeignKey("stations.id", ondelete="RESTRICT"))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(500))
    # The title is the file's name (or looks like one): shown, never spoken on air.
    title_is_file_name: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    artist: Mapped[str | None] = mapped_column(sa.String(500))
    album: Mapped[str | None] = mapped_column(sa.String(500))
    duration_s: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Tags, normalized (the tags as found are kept in ``tags_original``).
    album_artist: Mapped[str | None] = mapped_column(sa.String(500))
    isrc: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    label: Mapped[str | None] = mapped_column(sa.String(300))
    year: Mapped[int | None] = mapped_column(sa.Integer)
    genre: Mapped[str | None] = mapped_column(sa.String(200))
    language: Mapped[str | None] = mapped_column(sa.String(16))
    explicit: Mapped[bool | None] = mapped_column(sa.Boolean)
    vocal_gender: Mapped[str | None] = mapped_column(sa.String(16))
    # From the catalog: the station's rotation category and an energy rating (0-1).
    category: Mapped[str | None] = mapped_column(sa.String(63))
    tag_energy: Mapped[float | None] = mapped_column(sa.Float)
    composer: Mapped[str | None] = mapped_column(sa.String(500))
    publisher: Mapped[str | None] = mapped_column(sa.String(500))
    tag_bpm: Mapped[float | None] = mapped_column(sa.Float)
    # The scheduler's keys of the tags above (onair.domain.library.title_key and
    # onair.domain.albums.album_key), stored at each save so a build need not compute
    # them for every song of the library; None on a row saved without them.
    title_key: Mapped[str | None] = mapped_column(sa.Text)
    album_key: Mapped[str | None] = mapped_column(sa.Text)
    tags_original: Mapped[Any] = mapped_column(sa.JSON, default=dict, nullable=True)
    tag_problems: Mapped[Any] = mapped_column(sa.JSON, default=list, nullable=True)
    semantic_tags: Mapped[Any] = mapped_column(sa.JSON, default=list, nullable=True)
    # Where the audio is; all None for a catalog entry still waiting for its file.
    source_name: Mapped[str | None] = mapped_column(sa.String(500), index=True)
    master_key: Mapped[str | None] = mapped_column(sa.String(200))
    waveform_key: Mapped[str | None] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime | None] = mapped_column(default=utc_now, onupdate=utc_now)
    # When search last indexed the asset; stale while older than ``updated_at``.
    indexed_at: Mapped[datetime | None] = mapped_column()


class AssetAnalysis(Base):
    """One decode's measurements (EBU R128, cue points, identity) of an asset's audio."""

    __tablename__ = "asset_analysis"

    asset_id: Mapped[str] = mapped_column(
        sa.ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(sa.Integer)
    codec: Mapped[str] = mapped_column(sa.String(32))
    sample_rate: Mapped[int] = mapped_column(sa.Integer)
    channels: Mapped[int] = mapped_column(sa.Integer)
    bitrate: Mapped[int | None] = mapped_column(sa.Integer)
    loudness_lufs: Mapped[float | None] = mapped_column(sa.Float)
    loudness_range_lu: Mapped[float] = mapped_column(sa.Float)
    true_peak_dbtp: Mapped[float | None] = mapped_column(sa.Float)
    gain_db: Mapped[float] = mapped_column(sa.Float)
    cue_in_s: Mapped[float] = mapped_column(sa.Float)
    cue_out_s: Mapped[float] = mapped_column(sa.Float)
    intro_end_s: Mapped[float] = mapped_column(sa.Float)
    segue_s: Mapped[float] = mapped_column(sa.Float)
    ending: Mapped[str] = mapped_column(sa.String(8))
    bpm: Mapped[float | None] = mapped_column(sa.Float)
    energy: Mapped[float] = mapped_column(sa.Float)
    fingerprint: Mapped[str] = mapped_column(sa.Text)
    timbre: Mapped[Any] = mapped_column(sa.JSON, nullable=True)  # dB per band
    analysed_at: Mapped[datetime] = mapped_column(default=utc_now)


class AssetArtist(Base):
    """Every artist an asset credits, main first, by a key separation rules compare."""

    __tablename__ = "asset_artists"

    asset_id: Mapped[str] = mapped_column(
        sa.ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    artist_key: Mapped[str] = mapped_column(sa.String(500), index=True)
    name: Mapped[str] = mapped_column(sa.String(500))


class AssetRight(Base):
    """One deal's terms on an asset: territories, window and allowed uses."""

    __tablename__ = "asset_rights"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    asset_id: Mapped[str] = mapped_column(
        sa.ForeignKey("assets.id", ondelete="CASCADE"), index=True
    )
    territories: Mapped[Any] = mapped_column(sa.JSON)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    uses: Mapped[Any] = mapped_column(sa.JSON)
    source: Mapped[str] = mapped_column(sa.String(500))


class IngestFile(Base):
    """What became of a file already examined, so a rerun skips it while it is unchanged."""

    __tablename__ = "ingest_files"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(sa.String(2000), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    mtime_ns: Mapped[int] = mapped_column(sa.BigInteger)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    asset_id: Mapped[str | None] = mapped_column(sa.String(26))
    examined_at: Mapped[datetime] = mapped_column(default=utc_now)


class IngestReject(Base):
    """A file or catalog row refused, with the one line that says why."""

    __tablename__ = "ingest_rejects"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(sa.String(2000), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(1000))
    duplicate_of: Mapped[str | None] = mapped_column(sa.String(26))
    rejected_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class AdminSetting(Base):
    __tablename__ = "admin_settings"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class ProcessedEvent(Base):
    """Which bus events a durable consumer has handled, so redeliveries are skipped."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class VectorGeneration(Base):
    """How many writing transactions each vector table has seen.

    The SQLite index searches an in-memory snapshot while its generation is
    current (PostgreSQL's HNSW index needs no snapshot and leaves it alone).
    """

    __tablename__ = "vector_generations"

    table_name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(sa.BigInteger)


class StationProgramVersion(Base):
    """Each station file applied, whole; the highest version is the station's programming."""

    __tablename__ = "station_programs"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    document: Mapped[Any] = mapped_column(sa.JSON)  # StationProgram.export()
    source: Mapped[str] = mapped_column(sa.String(2000))  # the file it came from
    applied_at: Mapped[datetime] = mapped_column(default=utc_now)


class ScheduleHour(Base):
    """One built local hour: its clock, what stayed unscheduled, what was relaxed."""

    __tablename__ = "schedule_hours"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[datetime] = mapped_column(primary_key=True)
    local_label: Mapped[str] = mapped_column(sa.String(40))
    clock: Mapped[str] = mapped_column(sa.String(63))
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    program_version: Mapped[int] = mapped_column(sa.Integer)
    locked: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    under_over_ms: Mapped[int] = mapped_column(sa.Integer)
    unscheduled: Mapped[Any] = mapped_column(sa.JSON)
    relaxations: Mapped[Any] = mapped_column(sa.JSON)
    notes: Mapped[Any] = mapped_column(sa.JSON)
    built_at: Mapped[datetime] = mapped_column(default=utc_now)


class ScheduleItemRow(Base):
    """One item of a built hour, in air order; the rules' history reads these back."""

    __tablename__ = "schedule_items"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["station_id", "hour_start"],
            ["schedule_hours.station_id", "schedule_hours.starts_at"],
            ondelete="CASCADE",
        ),
        sa.Index("ix_schedule_items_station_starts", "station_id", "starts_at"),
        sa.Index("ix_schedule_items_station_hour", "station_id", "hour_start"),
    )

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.String(63))
    hour_start: Mapped[datetime] = mapped_column()
    position: Mapped[int] = mapped_column(sa.Integer)
    starts_at: Mapped[datetime] = mapped_column()
    duration_ms: Mapped[int] = mapped_column(sa.Integer)
    overlap_next_ms: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(63))
    hard: Mapped[bool] = mapped_column(sa.Boolean)
    nominal_start: Mapped[datetime | None] = mapped_column()
    slot: Mapped[int | None] = mapped_column(sa.Integer)
    asset_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    why: Mapped[Any] = mapped_column(sa.JSON)


class PlayoutAsRun(Base):
    """One airing as it really went out; the application only ever adds these rows.

    ``schedule_item_id`` has no foreign key: the schedule may be rebuilt after
    the hour aired, and what aired must stay as it was.
    """

    __tablename__ = "playout_as_run"
    __table_args__ = (
        sa.Index("ix_playout_as_run_station_actual_start", "station_id", "actual_start"),
    )

    play_id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    # RESTRICT: a station with a broadcast record cannot be deleted out from under it.
    station_id: Mapped[str] = mapped_column(sa.ForeignKey("stations.id", ondelete="RESTRICT"))
    schedule_item_id: Mapped[str | None] = mapped_column(sa.String(26))
    asset_id: Mapped[str | None] = mapped_column(sa.String(26))
    kind: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(63))
    title: Mapped[str] = mapped_column(sa.String(500))
    artist: Mapped[str | None] = mapped_column(sa.String(500))
    scheduled_start: Mapped[datetime | None] = mapped_column()
    actual_start: Mapped[datetime] = mapped_column()
    duration_s: Mapped[float] = mapped_column(sa.Float)
    ended_by: Mapped[str] = mapped_column(sa.String(16))
    substitution_reason: Mapped[str | None] = mapped_column(sa.Text)
    adjustments: Mapped[Any] = mapped_column(sa.JSON)
    listeners: Mapped[int | None] = mapped_column(sa.Integer)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)


class PlayoutState(Base):
    """Where a station's engine stands, overwritten as it plays, so a restart resumes."""

    __tablename__ = "playout_state"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    play_id: Mapped[str] = mapped_column(sa.String(26))
    asset_id: Mapped[str] = mapped_column(sa.String(26))
    schedule_item_id: Mapped[str | None] = mapped_column(sa.String(26))
    started_at: Mapped[datetime] = mapped_column()
    offset_samples: Mapped[int] = mapped_column(sa.BigInteger)
    saved_at: Mapped[datetime] = mapped_column()
    held: Mapped[bool] = mapped_column(sa.Boolean)
    queued: Mapped[Any] = mapped_column(sa.JSON)  # asset ids inserted next, in order


class PlayoutOperatorAction(Base):
    """One operator trigger, who and when; the application only ever adds these rows."""

    __tablename__ = "playout_operator_actions"
    __table_args__ = (sa.Index("ix_playout_operator_actions_station_at", "station_id", "at"),)

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.ForeignKey("stations.id", ondelete="RESTRICT"))
    trigger: Mapped[str] = mapped_column(sa.String(16))
    who: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[datetime] = mapped_column()
    asset_id: Mapped[str | None] = mapped_column(sa.String(26))
    note: Mapped[str | None] = mapped_column(sa.Text)
    correlation_id: Mapped[str | None] = mapped_column(sa.String(200))


class AgentSegment(Base):
    """One spoken segment an agent produced for a planned schedule item.

    Rows are only added: a newer segment for the same schedule item supersedes
    the older one, which stays as history. ``schedule_item_id`` has no foreign
    key: a rebuilt hour deletes its items, and what was produced for them stays.
    """

    __tablename__ = "agent_segments"
    __table_args__ = (sa.Index("ix_agent_segments_station_hour", "station_id", "hour"),)

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.ForeignKey("stations.id", ondelete="CASCADE"))
    schedule_item_id: Mapped[str] = mapped_column(sa.String(26), index=True)
    hour: Mapped[datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    language: Mapped[str] = mapped_column(sa.String(16))
    script: Mapped[str] = mapped_column(sa.Text)
    generator: Mapped[str] = mapped_column(sa.String(200))
    planned_ms: Mapped[int] = mapped_column(sa.Integer)
    estimated_ms: Mapped[int] = mapped_column(sa.Integer)
    duration_ms: Mapped[int] = mapped_column(sa.Integer)
    master_key: Mapped[str | None] = mapped_column(sa.String(1024))
    asset_id: Mapped[str | None] = mapped_column(sa.String(26))
    voice: Mapped[str | None] = mapped_column(sa.String(200))
    gain_db: Mapped[float] = mapped_column(sa.Float)
    start_offset_ms: Mapped[int] = mapped_column(sa.Integer)
    post_ms: Mapped[int | None] = mapped_column(sa.Integer)
    duck_db: Mapped[float | None] = mapped_column(sa.Float)
    tempo: Mapped[float] = mapped_column(sa.Float)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    llm_tokens: Mapped[int] = mapped_column(sa.Integer)
    tts_chars: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ComplianceLedgerEntry(Base):
    """One entry of a station's hash-chained compliance ledger.

    ``body`` and ``correlation`` are the canonical JSON text the hash covers, kept
    as text: a JSON column would reformat it. Triggers refuse UPDATE, and DELETE
    of any row outside a recorded prune of its sealed day.
    """

    __tablename__ = "compliance_ledger"
    __table_args__ = (
        sa.UniqueConstraint("station_id", "kind", "source_id"),
        sa.Index("ix_compliance_ledger_station_at", "station_id", "at"),
        sa.Index("ix_compliance_ledger_station_recorded_at", "station_id", "recorded_at"),
    )

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="RESTRICT"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(32))
    source_id: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[datetime] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column()
    body: Mapped[str] = mapped_column(sa.Text)
    correlation: Mapped[str] = mapped_column(sa.Text)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class ComplianceSeal(Base):
    """A sealed station day (its ``DaySeal``); triggers refuse UPDATE and DELETE."""

    __tablename__ = "compliance_seals"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="RESTRICT"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    first_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    count: Mapped[int] = mapped_column(sa.BigInteger)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    first_hash: Mapped[str | None] = mapped_column(sa.String(64))
    last_hash: Mapped[str] = mapped_column(sa.String(64))
    merkle_root: Mapped[str] = mapped_column(sa.String(64))
    archive_key: Mapped[str] = mapped_column(sa.String(1024))
    archive_sha256: Mapped[str] = mapped_column(sa.String(64))
    sealed_at: Mapped[datetime] = mapped_column()


class CompliancePrune(Base):
    """A sealed day taken out of the database copy; its entries may then be deleted.

    A trigger admits only a prune whose seqs are its seal's. The day's first and
    last ``recorded_at`` are kept: the ledger's start, and where its clock stood
    when the day pruned was the newest (the chain then continues from its seal).
    """

    __tablename__ = "compliance_prunes"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["station_id", "day"],
            ["compliance_seals.station_id", "compliance_seals.day"],
            ondelete="RESTRICT",
        ),
    )

    station_id: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    first_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    first_recorded_at: Mapped[datetime | None] = mapped_column()
    last_recorded_at: Mapped[datetime | None] = mapped_column()
    pruned_at: Mapped[datetime] = mapped_column()
    who: Mapped[str] = mapped_column(sa.String(200))


class AccessUser(Base):
    """A person who logs in to a station, with one role there; the password as argon2 only."""

    __tablename__ = "access_users"
    __table_args__ = (sa.UniqueConstraint("station_id", "name"),)

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.ForeignKey("stations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(32))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column()


class AccessToken(Base):
    """A script's API token: its SHA-256 only, found by its prefix; revoked, never deleted."""

    __tablename__ = "access_tokens"

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.ForeignKey("stations.id", ondelete="CASCADE"))
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    digest: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class AccessSession(Base):
    """A browser's login: the SHA-256 of the secret its signed cookie carries."""

    __tablename__ = "access_sessions"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        sa.ForeignKey("access_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()


class WebhookDelivery(Base):
    """One event for one webhook receiver: the outbox its delivery task works through.

    Written when the event is seen on the bus, kept across restarts, and marked
    delivered (a 2xx) or dead (its attempts spent); ``next_attempt_at`` is when it
    is due, moved on by each failed attempt (and by a sender's claim on it).
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "url"),
        sa.Index("ix_webhook_deliveries_due", "station_id", "delivered_at", "dead_at",
                 "next_attempt_at"),
    )  # fmt: skip

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.String(63))
    event_id: Mapped[str] = mapped_column(sa.String(26))
    event: Mapped[str] = mapped_column(sa.String(32))
    url: Mapped[str] = mapped_column(sa.String(2000))
    secret_env: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    timeout_s: Mapped[float] = mapped_column(sa.Float)
    max_attempts: Mapped[int] = mapped_column(sa.Integer)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    next_attempt_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    delivered_at: Mapped[datetime | None] = mapped_column()
    dead_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


class PlaylistRow(Base):
    """A playlist a program director built by hand; a station file's category names it."""

    __tablename__ = "playlists"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class PlaylistItemRow(Base):
    """One item of a playlist, in air order. No foreign key to the asset: a removed asset
    stays named here, and the scheduler skips it with the reason."""

    __tablename__ = "playlist_items"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["station_id", "playlist"], ["playlists.station_id", "playlists.name"],
            ondelete="CASCADE",
        ),
    )  # fmt: skip

    station_id: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    playlist: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    asset_id: Mapped[str] = mapped_column(sa.String(26), index=True)


class AdAdvertiser(Base):
    """An advertiser of the station's traffic, with its competitive conflict code."""

    __tablename__ = "ad_advertisers"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    conflict: Mapped[str | None] = mapped_column(sa.String(32))
    booked_at: Mapped[datetime] = mapped_column(default=utc_now)


class AdOrder(Base):
    """A booked order: its terms as the order file gave them, the flight for lookups."""

    __tablename__ = "ad_orders"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["station_id", "advertiser"],
            ["ad_advertisers.station_id", "ad_advertisers.name"],
            ondelete="CASCADE",
        ),
    )

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    advertiser: Mapped[str] = mapped_column(sa.String(200))
    flight_start: Mapped[date] = mapped_column(sa.Date)
    flight_end: Mapped[date] = mapped_column(sa.Date)
    terms: Mapped[Any] = mapped_column(sa.JSON)
    source: Mapped[str] = mapped_column(sa.String(500))
    booked_at: Mapped[datetime] = mapped_column(default=utc_now)


class AdLog(Base):
    """A station-local day's traffic log: how it was placed, what was bumped, its lock."""

    __tablename__ = "ad_logs"

    station_id: Mapped[str] = mapped_column(
        sa.ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    locked: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    bumps: Mapped[Any] = mapped_column(sa.JSON)
    placed_at: Mapped[datetime] = mapped_column()


class AdLogItem(Base):
    """One item of a placed spot break, ``offset_ms`` from the break's start.

    ``break_item_id`` is the schedule's planned break (no foreign key: a rebuilt
    hour has new items, and playout then airs the break as planned until traffic
    places it again); ``break_ms`` is the break's length when placed, so a break
    re-timed since is not given items that no longer fit it.
    """

    __tablename__ = "ad_log_items"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["station_id", "day"], ["ad_logs.station_id", "ad_logs.day"], ondelete="CASCADE"
        ),
        sa.Index("ix_ad_log_items_break", "station_id", "break_item_id"),
        sa.Index("ix_ad_log_items_day", "station_id", "day"),
    )

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.String(63))
    day: Mapped[date] = mapped_column(sa.Date)
    break_item_id: Mapped[str] = mapped_column(sa.String(26))
    break_start: Mapped[datetime] = mapped_column()
    break_ms: Mapped[int] = mapped_column(sa.Integer)
    break_category: Mapped[str] = mapped_column(sa.String(63))
    position: Mapped[int] = mapped_column(sa.Integer)
    offset_ms: Mapped[int] = mapped_column(sa.Integer)
    length_ms: Mapped[int] = mapped_column(sa.Integer)
    role: Mapped[str] = mapped_column(sa.String(8))
    asset_id: Mapped[str] = mapped_column(sa.String(26))
    category: Mapped[str] = mapped_column(sa.String(63))
    title: Mapped[str] = mapped_column(sa.String(500))
    order_id: Mapped[str | None] = mapped_column(sa.String(40))
    advertiser: Mapped[str | None] = mapped_column(sa.String(200))
    code: Mapped[str | None] = mapped_column(sa.String(12))
    conflict: Mapped[str | None] = mapped_column(sa.String(32))
