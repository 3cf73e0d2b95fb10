"""Persistence: the database, object storage and the vector index."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onair.storage.db import (
        DatabaseUnavailable,
        check_database,
        create_engine_for,
        session_factory,
    )
    from onair.storage.errors import StorageError
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

# Each name and the module that defines it, imported on first use: a command
# that only reports a storage error should not load the database drivers.
_HOMES = {
    "DatabaseUnavailable": "onair.storage.db",
    "FilesystemObjectStore": "onair.storage.fs_store",
    "InvalidObjectKey": "onair.storage.object_store",
    "InvalidVector": "onair.storage.vector_index",
    "Neighbour": "onair.storage.vector_index",
    "ObjectInfo": "onair.storage.object_store",
    "ObjectNotFound": "onair.storage.object_store",
    "ObjectStore": "onair.storage.object_store",
    "ObjectStoreError": "onair.storage.object_store",
    "ObjectStoreUnavailable": "onair.storage.object_store",
    "SearchDocument": "onair.storage.text_search",
    "SqlTextSearch": "onair.storage.text_search",
    "StorageError": "onair.storage.errors",
    "VectorIndex": "onair.storage.vector_index",
    "check_database": "onair.storage.db",
    "create_engine_for": "onair.storage.db",
    "master_key": "onair.storage.object_store",
    "put_master": "onair.storage.object_store",
    "session_factory": "onair.storage.db",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
