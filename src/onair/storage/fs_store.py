"""Objects as files in a folder: the embedded default.

A write goes to a temporary file in the same filesystem, is fsynced, then
renamed over the key, so a crash leaves either the old object or the new one,
never a partial one. Content type and SHA-256 live in a sidecar written after
the data; a sidecar whose size disagrees with the data (a crash between the
two renames) is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

from onair.storage.object_store import (
    CHUNK_SIZE,
    InvalidObjectKey,
    ObjectInfo,
    ObjectNotFound,
    ObjectStoreUnavailable,
    same_or_exists,
    validate_key,
)

__all__ = ["FilesystemObjectStore"]

_META, _TMP = ".onair-meta", ".onair-tmp"
_STALE_TMP_S = 3600.0


class FilesystemObjectStore:
    """An :class:`~onair.storage.object_store.ObjectStore` in a local folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"object folder {root}"

    def _path(self, key: str) -> Path:
        validate_key(key)
        if key.split("/", 1)[0] in (_META, _TMP):
            raise InvalidObjectKey(f"object key {key!r} uses a reserved folder")
        return self.root / key

    def _meta_path(self, key: str) -> Path:
        return self.root / _META / f"{key}.json"

    def check(self) -> None:
        """Create the folder if needed and prove it is writable; clear stale temp files."""
        try:
            (self.root / _TMP).mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root / _TMP):
                pass
        except OSError as exc:
            raise ObjectStoreUnavailable(f"{self.description} is not writable: {exc}") from None
        self._clear_stale_temps()

    def _clear_stale_temps(self) -> None:
        # Temp files of writers killed mid-write; live writers are younger.
        cutoff = time.time() - _STALE_TMP_S
        for tmp in (self.root / _TMP).iterdir():
            with suppress(OSError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()

    def put(
        self, key: str, source: BinaryIO, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        target = self._path(key)
        tmp_dir = self.root / _TMP
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK_SIZE):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        _fsync_dir(target.parent)
        meta = {"size": size, "sha256": digest.hexdigest(), "content_type": content_type}
        self._write_meta(key, meta)
        return self.head(key)

    def _write_meta(self, key: str, meta: dict[str, object]) -> None:
        path = self._meta_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.root / _TMP, prefix="meta-")
        with os.fdopen(fd, "w") as out:
            json.dump(meta, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)

    def put_file(
        self, key: str, path: Path, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        with path.open("rb") as source:
            return self.put(key, source, content_type=content_type)

    def put_once(self, key: str, data: bytes, *, content_type: str, retain_days: int) -> ObjectInfo:
        """Write once: a hard link from the temp file fails if anything holds the key."""
        target = self._path(key)
        if target.exists():
            return same_or_exists(self, key, data)
        tmp_dir = self.root / _TMP
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="once-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp_name, 0o444)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(tmp_name, target)
            except FileExistsError:
                return same_or_exists(self, key, data)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(tmp_name)
        _fsync_dir(target.parent)
        digest = hashlib.sha256(data).hexdigest()
        self._write_meta(key, {"size": len(data), "sha256": digest, "content_type": content_type})
        return self.head(key)

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        try:
            return cast(BinaryIO, self._path(key).open("rb"))
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectNotFound(f"no object {key!r} in {self.description}") from None

    def get_bytes(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise ObjectNotFound(f"no object {key!r} in {self.description}") from None
        if not path.is_file():
            raise ObjectNotFound(f"no object {key!r} in {self.description}")
        meta: dict[str, object] = {}
        with suppress(FileNotFoundError, ValueError):
            meta = json.loads(self._meta_path(key).read_text())
        if meta.get("size") != stat.st_size:
            meta = {}
        return ObjectInfo(
            key=key,
            size=stat.st_size,
            content_type=str(meta.get("content_type", "application/octet-stream")),
            last_modified=datetime.fromtimestamp(stat.st_mtime, UTC),
            sha256=cast(str | None, meta.get("sha256")),
        )

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        for path in (self._path(key), self._meta_path(key)):
            with suppress(FileNotFoundError):
                path.unlink()

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        if not self.root.is_dir():
            return
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            if rel == ".":
                dirnames[:] = [d for d in dirnames if d not in (_META, _TMP)]
                rel = ""
            keys.extend(f"{rel}/{name}" if rel else name for name in filenames)
        for key in sorted(k for k in keys if k.startswith(prefix)):
            with suppress(ObjectNotFound):
                yield self.head(key)

    def presigned_url(self, key: str, expires_s: int = 3600) -> str:
        """A ``file://`` URL: the folder needs no credentials, only the same machine."""
        self.head(key)  # the URL of a missing object is an error, as on S3
        return self._path(key).resolve().as_uri()


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
