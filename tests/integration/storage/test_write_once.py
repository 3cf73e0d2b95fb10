"""Write-once objects (sealed ledger archives): never replaced, locked where S3 can."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from ulid import ULID

from onair.storage import FilesystemObjectStore, ObjectStore
from onair.storage.object_store import ObjectExists
from onair.storage.s3_store import S3ObjectStore
from tests.fixtures.s3 import S3_KEY_ID, S3_SECRET

KEY = "ledger/kxyz/2026/12/06/entries.jsonl.gz"


@pytest.fixture
def store(object_store: ObjectStore) -> ObjectStore:
    return object_store


def test_put_once_stores_then_refuses_other_bytes(store: ObjectStore) -> None:
    info = store.put_once(KEY, b"day one", content_type="application/gzip", retain_days=1)
    assert info.size == 7
    assert store.get_bytes(KEY) == b"day one"
    with pytest.raises(ObjectExists, match="never replaced"):
        store.put_once(KEY, b"day one, edited", content_type="application/gzip", retain_days=1)
    assert store.get_bytes(KEY) == b"day one"


def test_put_once_again_with_the_same_bytes_is_a_no_op(store: ObjectStore) -> None:
    store.put_once(KEY, b"sealed", content_type="application/json", retain_days=1)
    again = store.put_once(KEY, b"sealed", content_type="application/json", retain_days=1)
    assert again.size == 6
    assert store.get_bytes(KEY) == b"sealed"


def test_a_folder_archive_is_read_only(tmp_path: Path) -> None:
    fs = FilesystemObjectStore(tmp_path / "objects")
    fs.check()
    fs.put_once(KEY, b"sealed", content_type="application/json", retain_days=1)
    assert (tmp_path / "objects" / KEY).stat().st_mode & 0o222 == 0


def test_s3_object_lock_keeps_the_archive_in_compliance_mode(s3_endpoint_url: str) -> None:
    bucket = f"onair-lock-{str(ULID()).lower()}"
    client = boto3.client("s3", endpoint_url=s3_endpoint_url, region_name="us-east-1",
                          aws_access_key_id=S3_KEY_ID, aws_secret_access_key=S3_SECRET)  # fmt: skip
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    store = S3ObjectStore(bucket, endpoint_url=s3_endpoint_url, access_key_id=S3_KEY_ID,
                          secret_access_key=S3_SECRET)  # fmt: skip
    store.put_once(KEY, b"sealed day", content_type="application/gzip", retain_days=30)

    # moto answers GetObjectRetention with a 500; HEAD carries the same retention.
    head = client.head_object(Bucket=bucket, Key=KEY)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC) + timedelta(days=29)
    version = head["VersionId"]
    with pytest.raises(ClientError, match=r"AccessDenied|locked|retention"):
        client.delete_object(Bucket=bucket, Key=KEY, VersionId=version)
    with pytest.raises(ObjectExists):
        store.put_once(KEY, b"rewritten", content_type="application/gzip", retain_days=30)
    assert store.get_bytes(KEY) == b"sealed day"
