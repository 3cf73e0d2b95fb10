"""What compliance needs from the outside: the ledger's table, an archive, the library."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from onair.domain.ledger import DaySeal, EntryDraft, EntryKind, LedgerEntry, Prune
from onair.domain.library import LibraryAsset
from onair.domain.playout import AsRunEntry, OperatorAction

__all__ = ["ActionLog", "AiredLog", "Archive", "AssetCatalog", "LedgerStore", "Prune"]


class LedgerStore(Protocol):
    """The append-only ledger table with its seals (SQLite or PostgreSQL).

    One chain per station. Appends are serialized per station, take their
    ``recorded_at`` from the store's clock (never earlier than the previous
    entry's), and return only once the entry is durable (committed).
    UPDATE and DELETE of entries are refused by the database itself.
    """

    def append(self, draft: EntryDraft) -> LedgerEntry | None:
        """Append and commit ``draft``; None when its ``(station, kind, source_id)`` is there."""
        ...

    def append_many(self, drafts: Sequence[EntryDraft]) -> list[LedgerEntry]:
        """Append ``drafts`` (one station) in one transaction; those already there are skipped."""
        ...

    def head(self, station: str) -> LedgerEntry | None:
        """The station's newest entry."""
        ...

    def entries(
        self, station: str, first_seq: int = 1, last_seq: int | None = None
    ) -> Iterator[LedgerEntry]:
        """Entries ``first_seq..last_seq`` in seq order, read in batches (a million fits)."""
        ...

    def entries_at(
        self, station: str, start: datetime, end: datetime,
        kinds: Collection[EntryKind] | None = None,
    ) -> list[LedgerEntry]:  # fmt: skip
        """Entries whose ``at`` is in ``[start, end)``, of ``kinds`` (all if None), by ``at``."""
        ...

    def seq_range(self, station: str, start: datetime, end: datetime) -> tuple[int, int] | None:
        """First and last seq recorded in ``[start, end)`` (``recorded_at``), None if none."""
        ...

    def first_entry_at(self, station: str) -> datetime | None:
        """``recorded_at`` of the station's first entry ever, pruned or not."""
        ...

    def add_seal(self, seal: DaySeal) -> None:
        """Keep ``seal``; a day sealed again must be the same seal."""
        ...

    def seals(self, station: str, first: date | None = None, last: date | None = None
              ) -> list[DaySeal]:  # fmt: skip
        """Seals of days ``first..last`` (inclusive; all when None), by day."""
        ...

    def prune(self, seal: DaySeal, who: str) -> int:
        """Delete the sealed day's entries from the database copy; records the prune."""
        ...

    def prunes(self, station: str) -> list[Prune]: ...


class Archive(Protocol):
    """Where sealed days go: write once, read back to verify (the ObjectStore fits this)."""

    description: str

    def put_once(self, key: str, data: bytes, *, content_type: str, retain_days: int) -> Any:
        """Store ``data`` under ``key`` for good (S3 Object Lock where the bucket has it).

        The same bytes again is a no-op; other bytes raise, naming the key.
        """
        ...

    def get_bytes(self, key: str) -> bytes:
        """The object; raises naming the key when it is not there."""
        ...


class AssetCatalog(Protocol):
    """The library's tags, read when an airing is recorded (the ledger keeps them as aired)."""

    def get_many(self, asset_ids: Sequence[str]) -> list[LibraryAsset]: ...


class AiredLog(Protocol):
    """Playout's own as-run table: the ledger catches up from it if an event was lost."""

    def between(self, station: str, start: datetime, end: datetime) -> list[AsRunEntry]: ...


class ActionLog(Protocol):
    """Playout's own log of operator triggers, for the same catch-up."""

    def between(self, station: str, start: datetime, end: datetime) -> list[OperatorAction]: ...
