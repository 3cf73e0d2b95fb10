"""The library desk the API's asset routes work through, wired to the station's stores."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import BinaryIO

from onair.bootstrap.playout import playout_rules
from onair.bootstrap.stores import Stores
from onair.domain.library import LibraryAsset
from onair.ingest.library_desk import LibraryDesk
from onair.playout.codecs.preview import preview_mp3
from onair.storage.repositories.library_desk import SqlLibraryDesk

__all__ = ["library_desk"]


def library_desk(stores: Stores) -> LibraryDesk:
    """The desk over ``stores``; the object store is reached at the first call that needs it."""

    def airable() -> Callable[[LibraryAsset], bool]:
        rules = playout_rules(stores.settings, stores.program())
        day = stores.now().date()
        return lambda asset: any(r.allows(rules.use, rules.territory, day) for r in asset.rights)

    return LibraryDesk(SqlLibraryDesk(stores.engine, stores.ledger), _Objects(stores),
                       stores.station, stores.now, airable, preview_mp3)  # fmt: skip


class _Objects:
    """The object store, opened only when a route first needs audio (a process whose store
    is away still lists and edits the library)."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        return self._stores.objects.open(key)

    def get_bytes(self, key: str) -> bytes:
        return self._stores.objects.get_bytes(key)

    def exists(self, key: str) -> bool:
        return self._stores.objects.exists(key)

    def delete(self, key: str) -> None:
        self._stores.objects.delete(key)
