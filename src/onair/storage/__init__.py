"""Persistence: the database, object storage and the vector index."""

from onair.storage.db import DatabaseUnavailable, StorageError, check_database, create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.object_store import (
    InvalidObjectKey,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreError,
    ObjectStoreUnavailable,
    master_key,
    put_master,
)

__all__ = [
    "DatabaseUnavailable",
    "FilesystemObjectStore",
    "InvalidObjectKey",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectStoreError",
    "ObjectStoreUnavailable",
    "StorageError",
    "check_database",
    "create_engine_for",
    "master_key",
    "put_master",
]
