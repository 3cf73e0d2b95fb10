"""The ``ObjectStore`` port: audio masters, waveforms, voice segments, archives.

Objects are written from streams and read as streams, so a 1 GB master never
sits whole in memory, and a write is all-or-nothing: no reader ever sees part
of an object under its key.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from onair.domain import library
from onair.storage.db import StorageError

__all__ = [
    "CHUNK_SIZE",
    "InvalidObjectKey",
    "ObjectExists",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectStoreError",
    "ObjectStoreUnavailable",
    "master_key",
    "put_master",
    "same_or_exists",
    "validate_key",
]

CHUNK_SIZE = 1024 * 1024


class ObjectStoreError(StorageError):
    """Base of the object store's errors."""


class ObjectNotFound(ObjectStoreError):
    """No object under that key."""


class ObjectExists(ObjectStoreError):
    """A write-once key that already holds other bytes (sealed archives are never replaced)."""


class ObjectStoreUnavailable(ObjectStoreError):
    """The store (a folder or an S3 endpoint) cannot be used right now."""


class InvalidObjectKey(ObjectStoreError, ValueError):
    """A key that could escape the store or that S3 would mangle."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str
    last_modified: datetime
    sha256: str | None = None


class ObjectStore(Protocol):
    """Where audio and documents live, by key (``masters/ab/cd/<sha256>``)."""

    description: str

    def check(self) -> None:
        """Raise :class:`ObjectStoreUnavailable` unless objects can be written and read."""

    def put(
        self, key: str, source: BinaryIO, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        """Store what ``source`` yields under ``key``, replacing any object there."""

    def put_file(
        self, key: str, path: Path, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo: ...

    def put_once(self, key: str, data: bytes, *, content_type: str, retain_days: int) -> ObjectInfo:
        """Store ``data`` under ``key`` for good: never replaced, locked where the store can.

        The same bytes again is a no-op; other bytes raise :class:`ObjectExists`.
        On S3 a bucket with Object Lock keeps the object in compliance mode for
        ``retain_days``; a folder makes the file read-only.
        """

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A readable stream of the object; raises :class:`ObjectNotFound`."""

    def get_bytes(self, key: str) -> bytes:
        """The whole object, for small ones (manifests, waveform peaks)."""

    def head(self, key: str) -> ObjectInfo:
        """Size, type and time of the object; raises :class:`ObjectNotFound`."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting what is not there is not an error."""

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects whose keys start with ``prefix``, in key order."""

    def presigned_url(self, key: str, expires_s: int = 3600) -> str:
        """A URL a player or browser can GET the object from without credentials."""


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative path of printable segments."""
    if not key or len(key.encode()) > 1024:
        raise InvalidObjectKey(f"object key {key[:80]!r} must be 1 to 1024 bytes")
    if key.startswith("/") or key.endswith("/") or not key.isprintable() or "\\" in key:
        raise InvalidObjectKey(f"object key {key!r} must be a relative path of printable text")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise InvalidObjectKey(f"object key {key!r} has an empty, '.' or '..' segment")
    return key


def master_key(sha256: str) -> str:
    """The content address of an audio master: ``masters/ab/cd/<sha256>``."""
    try:
        return library.master_key(sha256)
    except ValueError as exc:
        raise InvalidObjectKey(str(exc)) from None


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def put_master(
    store: ObjectStore, source: Path | BinaryIO, *, content_type: str = "application/octet-stream"
) -> ObjectInfo:
    """Store an audio master under its SHA-256; the same content twice is stored once.

    A stream is spooled to a temporary file while it is hashed, since the key
    must be known before the upload starts and the audio must not be held in
    memory.
    """
    if isinstance(source, Path):
        return _put_master_file(store, source, content_type)
    with tempfile.NamedTemporaryFile(prefix="onair-master-", delete=False) as spool:
        shutil.copyfileobj(source, spool, CHUNK_SIZE)
    try:
        return _put_master_file(store, Path(spool.name), content_type)
    finally:
        os.unlink(spool.name)


def _put_master_file(store: ObjectStore, path: Path, content_type: str) -> ObjectInfo:
    key = master_key(_hash_file(path))
    try:
        return store.head(key)
    except ObjectNotFound:
        return store.put_file(key, path, content_type=content_type)


def same_or_exists(store: ObjectStore, key: str, data: bytes) -> ObjectInfo:
    """The object at ``key`` if it holds ``data``; :class:`ObjectExists` if it holds other bytes."""
    if store.get_bytes(key) != data:
        raise ObjectExists(f"{store.description} already holds other bytes under {key!r}:"
                           " write-once objects are never replaced")  # fmt: skip
    return store.head(key)
