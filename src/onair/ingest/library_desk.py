"""The library as an operator works it: find assets, fix their tags, cue points and rights,
remove one that is not about to air, hear the start of one and see its waveform.

Each change is one operator action in the compliance ledger, written in the
change's own transaction and naming who made it. Edits are checked as ingest
checks what it reads: tags through the same normalized model, an ISRC by its
checksum, rights through the same deal terms, cue points in the order ingest's
analysis finds them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Protocol

from pydantic import ValidationError
from ulid import ULID

from onair.domain.errors import DomainError
from onair.domain.ledger import EntryDraft, EntryKind
from onair.domain.library import AssetQuery, LibraryAsset, Reject
from onair.domain.rights import UsageRights
from onair.domain.tags import TrackTags
from onair.ingest.asset_view import rights_view
from onair.ingest.isrc import InvalidIsrc, normalize_isrc

__all__ = [
    "KEEP_SCHEDULED",
    "AssetScheduled",
    "InvalidEdit",
    "LibraryDesk",
    "LibraryDeskStore",
    "NoAudio",
    "NoSuchAsset",
    "library_action",
]

# An asset the schedule airs this soon may not be removed: the hours are built and
# voiced around it, and playout fetches its master ahead of air.
KEEP_SCHEDULED = timedelta(hours=48)
_EDITABLE_TAGS = frozenset(
    {"title", "artist", "artists", "album", "album_artist", "isrc", "label", "year", "genre",
     "language", "explicit", "composer", "publisher", "bpm", "vocal_gender"}
)  # fmt: skip
_CUES = ("cue_in_s", "intro_end_s", "segue_s", "cue_out_s")


class NoSuchAsset(DomainError):
    """No asset of the station has that id."""


class NoAudio(DomainError):
    """The asset has no audio yet (a catalog entry waiting for its file)."""


class InvalidEdit(DomainError):
    """An edit ingest would refuse; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str, where: str = "body") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.where = where  # body or query


class AssetScheduled(DomainError):
    """The asset airs soon; ``items`` are the schedule items, ``(id, start)``."""

    def __init__(self, message: str, items: list[tuple[str, datetime]]) -> None:
        super().__init__(message)
        self.items = items


class LibraryDeskStore(Protocol):
    def find(self, asset_id: str) -> LibraryAsset | None: ...
    def browse(
        self, station: str, query: AssetQuery, after_id: str | None, limit: int
    ) -> list[LibraryAsset]: ...
    def rejects(self, station: str, after: str | None, limit: int) -> list[Reject]: ...
    def scheduled(
        self, station: str, asset_id: str, start: datetime, end: datetime
    ) -> list[tuple[str, datetime]]: ...
    def save(self, asset: LibraryAsset, action: EntryDraft) -> None: ...
    def remove(self, asset_id: str, action: EntryDraft) -> None: ...
    def sha256_used(self, sha256: str) -> bool: ...


class AudioObjects(Protocol):
    def open(self, key: str) -> AbstractContextManager[BinaryIO]: ...
    def get_bytes(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...


class LibraryDesk:
    """One station's library for operators.

    ``airable`` gives a judge of whether an asset may air today where the station airs (its
    territory and use); ``clip`` makes a short MP3 of a master's ``[start, end)``
    seconds from its stream.
    """

    def __init__(
        self,
        store: LibraryDeskStore,
        objects: AudioObjects,
        station: str,
        now: Callable[[], datetime],
        airable: Callable[[], Callable[[LibraryAsset], bool]],
        clip: Callable[[BinaryIO, float, float], bytes],
    ) -> None:
        self.store = store
        self.objects = objects
        self.station = station
        self.now = now
        self.airable = airable
        self.clip = clip

    # -- reading ---------------------------------------------------------------

    def asset(self, asset_id: str) -> LibraryAsset:
        found = self.store.find(asset_id)
        if found is None or found.station != self.station:
            raise NoSuchAsset(f"no asset {asset_id!r} at station {self.station}")
        return found

    def page(self, query: AssetQuery, airable: bool | None, after: str | None,
             limit: int) -> tuple[list[LibraryAsset], str | None]:  # fmt: skip
        """Up to ``limit`` assets ``query`` finds after the cursor ``after``, and the cursor
        of the next page (None on the last). ``airable`` keeps those that may (True) or may
        not (False) air today."""
        judge = self.airable() if airable is not None else None
        found: list[LibraryAsset] = []
        cursor = after
        batch_size = limit + 1 if airable is None else max(limit + 1, 200)
        while True:
            batch = self.store.browse(self.station, query, cursor, batch_size)
            for asset in batch:
                if judge is not None and judge(asset) != airable:
                    cursor = asset.id
                    continue
                if len(found) == limit:  # one more than the page: there is a next
                    return found, found[-1].id
                found.append(asset)
                cursor = asset.id
            if len(batch) < batch_size:
                return found, None

    def rejects(self, after: str | None, limit: int) -> tuple[list[Reject], str | None]:
        found = self.store.rejects(self.station, after, limit + 1)
        return found[:limit], found[limit - 1].source if len(found) > limit else None

    def waveform(self, asset_id: str) -> bytes:
        """The peaks ingest computed for the studio (audiowaveform JSON)."""
        asset = self.asset(asset_id)
        if asset.waveform_key is None or not self.objects.exists(asset.waveform_key):
            raise NoAudio(f"asset {asset_id!r} has no waveform: it has no audio yet")
        return self.objects.get_bytes(asset.waveform_key)

    def preview(self, asset_id: str, seconds: float, start_s: float | None = None) -> bytes:
        """An MP3 of ``seconds`` of the asset from ``start_s`` (default: its cue-in)."""
        asset = self.asset(asset_id)
        if asset.audio is None or asset.master_key is None:
            raise NoAudio(f"asset {asset_id!r} has no audio yet")
        start = asset.audio.cue_in_s if start_s is None else start_s
        if not 0 <= start < asset.audio.duration_s:
            raise InvalidEdit(
                "start_s", f"must be within the audio's {asset.audio.duration_s:.3f} s", "query"
            )
        end = min(start + seconds, asset.audio.duration_s)
        with self.objects.open(asset.master_key) as master:
            return self.clip(master, start, end)

    def upcoming(self, asset_id: str) -> list[tuple[str, datetime]]:
        now = self.now()
        return self.store.scheduled(self.station, asset_id, now, now + KEEP_SCHEDULED)

    # -- changing --------------------------------------------------------------

    def edit_tags(self, asset_id: str, changes: Mapping[str, Any], who: str) -> LibraryAsset:
        """Set the tags named in ``changes`` (None clears one); the others stay."""
        asset = self.asset(asset_id)
        unknown = sorted(set(changes) - _EDITABLE_TAGS)
        if unknown:
            raise InvalidEdit(unknown[0], "is not a tag an operator sets")
        fields = dict(changes)
        if fields.get("isrc"):
            try:
                fields["isrc"] = normalize_isrc(str(fields["isrc"]))
            except InvalidIsrc as exc:
                raise InvalidEdit("isrc", str(exc)) from None
        if "artist" in fields and "artists" not in fields:
            fields["artists"] = (fields["artist"],) if fields["artist"] else ()
        merged = asset.tags.model_dump() | fields
        merged.pop("title_is_file_name", None)  # judged again from the new title
        try:
            tags = TrackTags.model_validate(merged)
        except ValidationError as exc:
            raise InvalidEdit(_where(exc), exc.errors()[0]["msg"]) from None
        before = {k: _plain(getattr(asset.tags, k)) for k in fields}
        after = {k: _plain(getattr(tags, k)) for k in fields}
        edited = dataclasses.replace(asset, tags=tags)
        self.store.save(edited, self._action("library.tags_edit", who, asset_id, before, after))
        return edited

    def edit_cues(self, asset_id: str, changes: Mapping[str, float], who: str) -> LibraryAsset:
        """Move cue points; they stay in the order ingest finds them, inside the audio."""
        asset = self.asset(asset_id)
        if asset.audio is None:
            raise NoAudio(f"asset {asset_id!r} has no audio yet, so no cue points")
        unknown = sorted(set(changes) - set(_CUES))
        if unknown:
            raise InvalidEdit(unknown[0], f"is not a cue point: use {', '.join(_CUES)}")
        cues = {k: getattr(asset.audio, k) for k in _CUES} | dict(changes)
        duration = asset.audio.duration_s
        for name in _CUES:
            if not 0 <= cues[name] <= duration:
                raise InvalidEdit(
                    name, f"{cues[name]} s is outside the audio (0 to {duration:.3f} s)"
                )
        if cues["cue_out_s"] <= cues["cue_in_s"]:
            raise InvalidEdit("cue_out_s", "must come after cue_in_s")
        for name in ("intro_end_s", "segue_s"):
            if not cues["cue_in_s"] <= cues[name] <= cues["cue_out_s"]:
                raise InvalidEdit(name, "must lie between cue_in_s and cue_out_s")
        before = {k: getattr(asset.audio, k) for k in changes}
        audio = dataclasses.replace(asset.audio, **cues)
        edited = dataclasses.replace(asset, audio=audio)
        action = self._action("library.cues_edit", who, asset_id, before, dict(changes))
        self.store.save(edited, action)
        return edited

    def edit_rights(self, asset_id: str, deals: list[UsageRights], who: str) -> LibraryAsset:
        """Replace the asset's deals (at least one: no deal is no right to air)."""
        asset = self.asset(asset_id)
        if not deals:
            raise InvalidEdit("deals", "give at least one deal")
        edited = dataclasses.replace(asset, rights=tuple(deals))
        before = [rights_view(r) for r in asset.rights]
        action = self._action("library.rights_edit", who, asset_id, before,
                              [rights_view(r) for r in deals])  # fmt: skip
        self.store.save(edited, action)
        return edited

    def remove(self, asset_id: str, who: str) -> None:
        """Remove the asset, unless the schedule airs it within :data:`KEEP_SCHEDULED`.

        Its master and waveform go too, once no asset has the same audio.
        """
        asset = self.asset(asset_id)
        soon = self.upcoming(asset_id)
        if soon:
            listed = ", ".join(f"{item} at {start.isoformat()}" for item, start in soon[:10])
            hours = KEEP_SCHEDULED.total_seconds() / 3600
            raise AssetScheduled(
                f"asset {asset_id!r} airs within {hours:.0f} hours: {listed}", soon
            )
        before = {"title": asset.title, "artist": asset.tags.artist, "sha256": asset.sha256}
        self.store.remove(asset_id, self._action("library.asset_remove", who, asset_id, before))
        if asset.sha256 and not self.store.sha256_used(asset.sha256):
            for key in (asset.master_key, asset.waveform_key):
                if key is not None:
                    self.objects.delete(key)

    def _action(self, action: str, who: str, asset_id: str, before: Any,
                after: Any = None) -> EntryDraft:  # fmt: skip
        return library_action(self.station, self.now(), action, who, asset_id, before, after)


def library_action(station: str, at: datetime, action: str, who: str, asset_id: str,
                   before: Any, after: Any = None) -> EntryDraft:  # fmt: skip
    """An operator's change to the library for the ledger, in the shape playout's actions take."""
    body = {"action": action, "who": who, "before": before, "after": after,
            "detail": {"asset_id": asset_id}, "correlation_id": None}  # fmt: skip
    return EntryDraft(station, EntryKind.OPERATOR_ACTION, str(ULID()), at, body)


def _where(exc: ValidationError) -> str:
    loc = exc.errors()[0].get("loc", ())
    return ".".join(str(part) for part in loc) or "tags"


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
