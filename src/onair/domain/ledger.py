"""The compliance ledger: append-only entries, each hashed over its canonical JSON and its
predecessor's hash, so any change to an entry, or to the order, breaks the chain after it.

One chain per station. Entry ``seq`` counts from 1 with no gaps; the first entry's
``prev_hash`` is :data:`GENESIS_HASH`. The hash is SHA-256 over the UTF-8 bytes of
:func:`canonical_json` of the entry's fields (see :func:`entry_hash`): keys sorted,
no whitespace, instants as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from onair.domain.errors import DomainError

__all__ = [
    "GENESIS_HASH",
    "ChainBreak",
    "DaySeal",
    "EntryDraft",
    "EntryKind",
    "LedgerEntry",
    "LedgerError",
    "Prune",
    "canonical_json",
    "chain_break",
    "entry_hash",
    "merkle_root",
    "operator_action",
    "seal_entry",
    "utc_instant",
    "utc_text",
]

GENESIS_HASH = "0" * 64


class LedgerError(DomainError):
    """A ledger entry or seal that cannot be made as asked."""


class EntryKind(StrEnum):
    """What a ledger entry records."""

    AIRED = "aired"  # an airing from playout's as-run, with its listeners
    OPERATOR_ACTION = "operator_action"  # who did what, when, before and after
    COMPLIANCE_CHECK = "compliance_check"  # a check's outcome (verify runs, legal ID checks)
    AGENT_OUTPUT = "agent_output"  # a segment an agent wrote and voiced, or why it fell back
    AD_PLAY = "ad_play"  # a spot that aired, for the advertiser's affidavit


def utc_text(instant: datetime) -> str:
    """An instant as the ledger writes it: UTC, always six decimals, a ``Z``."""
    if instant.tzinfo is None:
        raise LedgerError(f"naive datetime {instant!r}: the ledger stores instants in UTC")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: Any) -> Any:
    """What JSON cannot say itself: instants, dates, other mappings (the encoder calls this)."""
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} cannot be recorded in the ledger")


# The C encoder walks the value; enums are str subclasses and tuples lists to it already.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                            allow_nan=False, default=_plain)  # fmt: skip


def canonical_json(value: Any) -> str:
    """``value`` as the one JSON text the ledger hashes: sorted keys, no spaces, UTF-8.

    Datetimes become :func:`utc_text`, dates ISO dates, enums their values,
    tuples lists. ``json.loads`` of the result and this again gives the same text,
    so an entry read back from the database hashes as it did when written.
    """
    try:
        return _ENCODER.encode(value)
    except ValueError:  # NaN or infinity: JSON has no spelling for them
        raise LedgerError("NaN or an infinite number cannot be recorded in the ledger") from None
    except TypeError as exc:
        raise LedgerError(str(exc)) from None


@dataclass(frozen=True)
class EntryDraft:
    """What a service asks the ledger to append; the ledger gives it a place and a hash.

    ``source_id`` names the fact (a play id, an action id, a segment id): a
    redelivered event with the same ``(station, kind, source_id)`` appends nothing.
    """

    station: str
    kind: EntryKind
    source_id: str
    at: datetime  # when it happened
    body: Mapping[str, Any]
    correlation: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.source_id or len(self.source_id) > 200:
            raise LedgerError(f"source id {self.source_id[:40]!r} must be 1 to 200 characters")
        utc_text(self.at)  # refuses a naive instant here, not at append time
        canonical_json(self.body)


def operator_action(
    station: str, action_id: str, action: str, who: str, at: datetime, *,
    before: Any = None, after: Any = None, detail: Mapping[str, Any] | None = None,
    correlation_id: str | None = None,
) -> EntryDraft:  # fmt: skip
    """An operator action: who did what (``playout.skip``, ``station.apply``), before and after.

    Every service that records one builds it here, so the ledger holds one shape of it.
    """
    body = {"action": action, "who": who, "before": before, "after": after,
            "detail": dict(detail or {}), "correlation_id": correlation_id}  # fmt: skip
    correlation = {"correlation_id": correlation_id} if correlation_id else {}
    return EntryDraft(station, EntryKind.OPERATOR_ACTION, action_id, at, body, correlation)


@dataclass(frozen=True)
class LedgerEntry:
    """An appended entry: its place in the station's chain and the hashes that bind it."""

    station: str
    seq: int
    kind: EntryKind
    source_id: str
    at: datetime
    recorded_at: datetime  # when the ledger took it; it never goes back along the chain
    body: Mapping[str, Any]
    correlation: Mapping[str, str]
    prev_hash: str
    hash: str

    def hashed_fields(self) -> dict[str, Any]:
        return _hashed(self.station, self.seq, self.kind, self.source_id, self.at,
                       self.recorded_at, self.body, self.correlation, self.prev_hash)  # fmt: skip

    def record(self) -> dict[str, Any]:
        """The entry as archives and ``--json`` output carry it (plain JSON values)."""
        plain: dict[str, Any] = json.loads(canonical_json(self.hashed_fields()))
        return plain | {"hash": self.hash}

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> LedgerEntry:
        """The entry :meth:`record` wrote (an archive line); raises :class:`LedgerError`."""
        try:
            return cls(
                station=str(data["station"]), seq=int(data["seq"]),
                kind=EntryKind(data["kind"]), source_id=str(data["source_id"]),
                at=utc_instant(data["at"]), recorded_at=utc_instant(data["recorded_at"]),
                body=dict(data["body"]), correlation=dict(data["correlation"]),
                prev_hash=str(data["prev_hash"]), hash=str(data["hash"]),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as exc:
            raise LedgerError(f"not a ledger entry: {exc}") from None


def utc_instant(text: str) -> datetime:
    """An ISO instant with its offset (``Z`` or ``+hh:mm``), in UTC; ValueError without one."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"instant {text!r} has no timezone")
    return value.astimezone(UTC)


def _hashed(
    station: str, seq: int, kind: EntryKind, source_id: str, at: datetime,
    recorded_at: datetime, body: Mapping[str, Any], correlation: Mapping[str, str],
    prev_hash: str,
) -> dict[str, Any]:  # fmt: skip
    return {
        "station": station, "seq": seq, "kind": kind.value, "source_id": source_id,
        "at": at, "recorded_at": recorded_at, "body": body, "correlation": correlation,
        "prev_hash": prev_hash,
    }  # fmt: skip


def entry_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's hashed fields."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def seal_entry(draft: EntryDraft, seq: int, prev_hash: str, recorded_at: datetime) -> LedgerEntry:
    """``draft`` as entry ``seq`` after the entry whose hash is ``prev_hash``."""
    if seq < 1:
        raise LedgerError(f"seq {seq}: entries count from 1")
    fields = _hashed(draft.station, seq, draft.kind, draft.source_id, draft.at, recorded_at,
                     draft.body, draft.correlation, prev_hash)  # fmt: skip
    # Read back through JSON so the entry holds exactly what the database will return.
    body = json.loads(canonical_json(draft.body))
    correlation = json.loads(canonical_json(draft.correlation))
    return LedgerEntry(draft.station, seq, draft.kind, draft.source_id,
                       draft.at.astimezone(UTC), recorded_at.astimezone(UTC), body, correlation,
                       prev_hash, entry_hash(fields))  # fmt: skip


@dataclass(frozen=True)
class ChainBreak:
    """The first place a chain does not hold, and why, in one line for an operator."""

    station: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"ledger {self.station} entry {self.seq}: {self.reason}"


def chain_break(
    entries: Iterable[LedgerEntry], *, prev_hash: str = GENESIS_HASH, first_seq: int = 1
) -> ChainBreak | None:
    """Walk ``entries`` in seq order from ``first_seq`` after ``prev_hash``; the first break.

    A break is a missing or repeated seq, a ``prev_hash`` that is not the previous
    entry's hash, or a stored hash that is not the hash of the stored fields.
    """
    expected_seq, expected_prev = first_seq, prev_hash
    for entry in entries:
        if entry.seq != expected_seq:
            why = "is missing" if entry.seq > expected_seq else "is out of order or repeated"
            return ChainBreak(entry.station, expected_seq, f"{why} (found {entry.seq} next)")
        if entry.prev_hash != expected_prev:
            why = "does not follow the entry before it (prev_hash differs)"
            return ChainBreak(entry.station, entry.seq, why)
        if entry_hash(entry.hashed_fields()) != entry.hash:
            why = "its contents do not match its hash (changed after it was written)"
            return ChainBreak(entry.station, entry.seq, why)
        expected_seq, expected_prev = entry.seq + 1, entry.hash
    return None


def merkle_root(hashes: Sequence[str]) -> str:
    """The Merkle tree head of entry hashes (RFC 6962 shape), hex; the empty day's is SHA-256("").

    Leaves are ``SHA-256(0x00 || hash)``, nodes ``SHA-256(0x01 || left || right)``,
    split at the largest power of two below the count, so any one entry can later
    be proved part of a sealed day without the rest.
    """
    if not hashes:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in hashes]
    return _tree(level).hex()


def _tree(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    split = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _tree(leaves[:split]) + _tree(leaves[split:])).digest()


@dataclass(frozen=True)
class DaySeal:
    """A sealed station day: which entries it holds and the hashes that pin them.

    The day is the station-local date of each entry's ``recorded_at``, so a day
    is one unbroken run of seqs (``first_seq``..``last_seq``; none for an empty day).
    ``prev_hash`` is the chain's hash before the day; ``last_hash`` its hash after
    (equal for an empty day). The archive holds the day's entries, one JSON line
    each, gzip-compressed; ``archive_sha256`` is of the compressed bytes.
    """

    station: str
    day: date
    timezone: str
    first_seq: int | None
    last_seq: int | None
    count: int
    prev_hash: str
    first_hash: str | None
    last_hash: str
    merkle_root: str
    archive_key: str
    archive_sha256: str
    sealed_at: datetime

    def manifest(self) -> dict[str, Any]:
        """The seal as its manifest object and ``--json`` output carry it."""
        plain: dict[str, Any] = json.loads(canonical_json({
            "station": self.station, "day": self.day, "timezone": self.timezone,
            "first_seq": self.first_seq, "last_seq": self.last_seq, "count": self.count,
            "prev_hash": self.prev_hash, "first_hash": self.first_hash,
            "last_hash": self.last_hash, "merkle_root": self.merkle_root,
            "archive_key": self.archive_key, "archive_sha256": self.archive_sha256,
            "sealed_at": self.sealed_at,
        }))  # fmt: skip
        return plain

    @classmethod
    def from_manifest(cls, data: Mapping[str, Any]) -> DaySeal:
        try:
            return cls(
                station=str(data["station"]), day=date.fromisoformat(data["day"]),
                timezone=str(data["timezone"]), first_seq=data["first_seq"],
                last_seq=data["last_seq"], count=int(data["count"]),
                prev_hash=str(data["prev_hash"]), first_hash=data["first_hash"],
                last_hash=str(data["last_hash"]), merkle_root=str(data["merkle_root"]),
                archive_key=str(data["archive_key"]),
                archive_sha256=str(data["archive_sha256"]),
                sealed_at=datetime.fromisoformat(data["sealed_at"]),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as exc:
            raise LedgerError(f"not a day seal manifest: {exc}") from None


@dataclass(frozen=True)
class Prune:
    """A sealed day taken out of the database copy after its seal and archive verified."""

    station: str
    day: date
    first_seq: int | None
    last_seq: int | None
    pruned_at: datetime
    who: str
