"""The vector index in the SQLite file, with sqlite-vec's ``vec0`` table.

Filters are ``vec0`` metadata columns, applied inside the KNN search itself, so
a filter matching ``k`` or more items still yields ``k`` results. Searches run
on an in-memory snapshot of the table (:mod:`onair.storage.vector_snapshot`)
while it is current; while the table changes faster than a snapshot is worth
reloading, they run in sqlite-vec. Both are exact.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence

import sqlalchemy as sa
import sqlite_vec
from sqlalchemy.engine import Connection, Engine
from threadpoolctl import ThreadpoolController

from onair.storage.sql_vector_index import CHUNK, DEFAULT, SqlVectorIndex
from onair.storage.vector_index import (
    DIMENSIONS,
    FILTERABLE,
    Item,
    Neighbour,
    Scalar,
    check_filter,
    check_k,
    validate_vector,
)
from onair.storage.vector_snapshot import VectorSnapshot, bump_generation, generation

__all__ = ["SqliteVectorIndex"]

_RELOAD_AFTER_S = 5.0  # a stale snapshot is reloaded at most this often

_INSERT = (
    "INSERT INTO {table} (item_id, embedding, station, kind, language, metadata) "
    "VALUES (:id, :embedding, :station, :kind, :language, :metadata)"
)


class SqliteVectorIndex(SqlVectorIndex):
    """A :class:`~onair.storage.vector_index.VectorIndex` on a vec0 table."""

    def __init__(self, engine: Engine, dimensions: int = DIMENSIONS, table: str = DEFAULT) -> None:
        super().__init__(engine, dimensions, table)
        self._snapshot: VectorSnapshot | None = None
        self._loaded_at = -_RELOAD_AFTER_S
        self._loading = threading.Lock()
        self._blas = ThreadpoolController()

    def upsert_many(self, items: Sequence[Item]) -> None:
        """:meth:`upsert` each item in one transaction: all or nothing; the last of an id wins."""
        rows = self._rows(items, sqlite_vec.serialize_float32)
        for row in rows:  # vec0 takes no NULL: "" is its "absent"
            row.update({name: row[name] or "" for name in FILTERABLE})
        delete = sa.text(f"DELETE FROM {self.table} WHERE item_id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)
        )
        insert = sa.text(_INSERT.format(table=self.table))
        # vec0 has no upsert: replace inside one transaction.
        with self.engine.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                conn.execute(delete, {"ids": [row["id"] for row in chunk]})
                conn.execute(insert, chunk)
            self._written(conn)

    def _written(self, conn: Connection) -> None:
        bump_generation(conn, self.table)  # the snapshot of an older generation is stale

    def nearest(
        self, vector: Sequence[float], k: int = 10, where: Mapping[str, Scalar] | None = None
    ) -> list[Neighbour]:
        """The ``k`` items closest to ``vector`` among those matching ``where``, closest first."""
        values = validate_vector(vector, self.dimensions)
        filters, k = check_filter(where), check_k(k)
        with self.engine.connect() as conn:
            snapshot = self._current(conn)
            if snapshot is not None:
                # Memory-bound: more threads barely help one search and starve the others.
                with self._blas.limit(limits=1, user_api="blas"):
                    return snapshot.nearest(values, k, filters)
            query = sa.text(
                f"SELECT item_id, distance, station, kind, language, metadata FROM {self.table} "
                f"WHERE embedding MATCH :embedding AND k = :k{self._where(filters)} "
                "ORDER BY distance"
            )
            blob = sqlite_vec.serialize_float32(values)
            rows = conn.execute(query, {"embedding": blob, "k": k, **filters}).all()
        return self._neighbours(rows)

    def _current(self, conn: Connection) -> VectorSnapshot | None:
        """A snapshot at the table's generation, or None to search in sqlite-vec."""
        at = generation(conn, self.table)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == at:
            return snapshot
        with self._loading:
            if time.monotonic() - self._loaded_at < _RELOAD_AFTER_S:
                return None  # changing under a burst of writes: not worth a reload each time
            self._loaded_at = time.monotonic()
            self._snapshot = VectorSnapshot.load(conn, self.table, self.dimensions)
            return self._snapshot if self._snapshot.generation == at else None
