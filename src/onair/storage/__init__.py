"""Persistence: the database, object storage and the vector index."""

from onair.storage.db import (
    DatabaseUnavailable,
    StorageError,
    check_database,
    create_engine_for,
    session_factory,
)
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
from onair.storage.text_search import SearchDocument, SqlTextSearch
from onair.storage.vector_index import InvalidVector, Neighbour, VectorIndex

__all__ = [
    "DatabaseUnavailable",
    "FilesystemObjectStore",
    "InvalidObjectKey",
    "InvalidVector",
    "Neighbour",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectStoreError",
    "ObjectStoreUnavailable",
    "SearchDocument",
    "SqlTextSearch",
    "StorageError",
    "VectorIndex",
    "check_database",
    "create_engine_for",
    "master_key",
    "put_master",
    "session_factory",
]
