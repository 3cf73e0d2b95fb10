"""Objects in any S3-compatible store (AWS, MinIO, Ceph, Garage...).

An S3 object becomes visible only when its upload completes (multipart
uploads included), which is the all-or-nothing write the port promises.
Retries are botocore's own ("standard" mode), not a loop of ours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from onair.storage.object_store import (
    CHUNK_SIZE,
    ObjectInfo,
    ObjectNotFound,
    ObjectStoreError,
    ObjectStoreUnavailable,
    same_or_exists,
    validate_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3ObjectStore"]

# Multipart parts of 8 MiB, four at a time: about 32 MiB in flight at most,
# whatever the size of the master.
_TRANSFER = TransferConfig(
    multipart_threshold=8 * 1024 * 1024,
    multipart_chunksize=8 * 1024 * 1024,
    max_concurrency=4,
)
# A stream (not a file) is read ahead into memory up to this many parts; the
# default of 10 lets the reader run far ahead of a slow link.
_TRANSFER.max_in_memory_upload_chunks = 4
_MISSING = {"404", "NoSuchKey", "NotFound"}


class _HashingReader:
    """Hands boto3 the source's bytes, hashing them on the way, in full reads.

    s3transfer takes a first read shorter than the multipart threshold to mean
    a small object and sends it in one request, reading all of it into memory;
    pipes and sockets return short reads, so reads are filled here.
    """

    def __init__(self, source: BinaryIO) -> None:
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            data = self.source.read()
        else:
            parts, wanted = [], n
            while wanted > 0 and (chunk := self.source.read(wanted)):
                parts.append(chunk)
                wanted -= len(chunk)
            data = b"".join(parts)
        self.digest.update(data)
        self.size += len(data)
        return data


class S3ObjectStore:
    """An :class:`~onair.storage.object_store.ObjectStore` on an S3 bucket."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        create_bucket: bool = False,
        connect_timeout_s: float = 3.0,
        max_attempts: int = 3,
    ) -> None:
        self.bucket = bucket
        self.create_bucket = create_bucket
        self._object_lock: bool | None = None  # asked of the bucket on the first put_once
        self.description = f"S3 bucket {bucket!r} at {endpoint_url or 'AWS ' + region}"
        config = Config(
            connect_timeout=connect_timeout_s,
            read_timeout=60,
            retries={"mode": "standard", "max_attempts": max_attempts},
            s3={"addressing_style": "path"},
            signature_version="s3v4",
        )
        self._s3: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=config,
        )

    def _error(self, exc: Exception, key: str | None = None) -> ObjectStoreError:
        """One operator line for a botocore failure; never the credentials."""
        where = f"{self.description}" + (f", key {key!r}" if key else "")
        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _MISSING and key is not None:
                return ObjectNotFound(f"no object {key!r} in {self.description}")
            if code in ("NoSuchBucket", "404"):
                return ObjectStoreUnavailable(f"{self.description} does not exist")
            if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                return ObjectStoreUnavailable(f"{where}: access denied ({code})")
            return ObjectStoreError(f"{where}: {code or exc}")
        if isinstance(exc, EndpointConnectionError):
            return ObjectStoreUnavailable(f"{self.description} is unreachable")
        return ObjectStoreUnavailable(f"{where}: {type(exc).__name__}: {exc}")

    def check(self) -> None:
        try:
            self._s3.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if self.create_bucket and code in ("404", "NoSuchBucket"):
                self._s3.create_bucket(Bucket=self.bucket)
                return
            raise self._error(exc) from None
        except BotoCoreError as exc:
            raise self._error(exc) from None

    def put(
        self, key: str, source: BinaryIO, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        return self._upload(key, source, content_type, sha256=None)

    def _upload(
        self, key: str, source: BinaryIO, content_type: str, sha256: str | None
    ) -> ObjectInfo:
        validate_key(key)
        extra: dict[str, Any] = {"ContentType": content_type}
        if sha256:
            extra["Metadata"] = {"sha256": sha256}
        reader = _HashingReader(source)
        try:
            self._s3.upload_fileobj(
                cast(BinaryIO, reader), self.bucket, key, ExtraArgs=extra, Config=_TRANSFER
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, key) from None
        info = self.head(key)
        return ObjectInfo(
            info.key, info.size, info.content_type, info.last_modified, reader.digest.hexdigest()
        )

    def put_file(
        self, key: str, path: Path, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK_SIZE):
                digest.update(chunk)
        with path.open("rb") as fh:
            return self._upload(key, fh, content_type, sha256=digest.hexdigest())

    def put_once(self, key: str, data: bytes, *, content_type: str, retain_days: int) -> ObjectInfo:
        """Write once (``If-None-Match: *``), with Object Lock where the bucket has it.

        With Object Lock on, not even the account's root user can delete or
        overwrite the object version before ``retain_days`` have passed.
        """
        validate_key(key)
        digest = hashlib.sha256(data).hexdigest()
        extra: dict[str, Any] = {"ContentType": content_type, "Metadata": {"sha256": digest}}
        if self._locks_objects():
            extra["ObjectLockMode"] = "COMPLIANCE"
            extra["ObjectLockRetainUntilDate"] = datetime.now(UTC) + timedelta(days=retain_days)
            # Object Lock puts must carry a checksum; botocore adds the header when asked.
            extra["ChecksumAlgorithm"] = "SHA256"
        try:
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, IfNoneMatch="*", **extra)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return same_or_exists(self, key, data)
            raise self._error(exc, key) from None
        except BotoCoreError as exc:
            raise self._error(exc, key) from None
        info = self.head(key)
        return ObjectInfo(info.key, info.size, info.content_type, info.last_modified, digest)

    def _locks_objects(self) -> bool:
        if self._object_lock is None:
            try:
                config = self._s3.get_object_lock_configuration(Bucket=self.bucket)
            except ClientError:  # ObjectLockConfigurationNotFoundError: a bucket without it
                self._object_lock = False
            except BotoCoreError as exc:
                raise self._error(exc) from None
            else:
                lock = config.get("ObjectLockConfiguration", {})
                self._object_lock = lock.get("ObjectLockEnabled") == "Enabled"
        return self._object_lock

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        validate_key(key)
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, key) from None
        return cast(AbstractContextManager[BinaryIO], closing(body))

    def get_bytes(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def head(self, key: str) -> ObjectInfo:
        validate_key(key)
        try:
            meta = self._s3.head_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, key) from None
        return ObjectInfo(
            key=key,
            size=meta["ContentLength"],
            content_type=meta.get("ContentType", "application/octet-stream"),
            last_modified=meta["LastModified"],
            sha256=meta.get("Metadata", {}).get("sha256"),
        )

    def exists(self, key: str) -> bool:
        try:
            self.head(key)
        except ObjectNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        validate_key(key)
        try:
            self._s3.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, key) from None

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects under ``prefix``; a listing does not carry content types ("")."""
        pages = self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    yield ObjectInfo(item["Key"], item["Size"], "", item["LastModified"])
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc) from None

    def presigned_url(self, key: str, expires_s: int = 3600) -> str:
        self.head(key)
        return self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_s
        )
