"""The vector index in the SQLite file, with sqlite-vec's ``vec0`` table.

Filters are ``vec0`` metadata columns, applied inside the KNN search itself, so
a filter matching ``k`` or more items still yields ``k`` results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
import sqlite_vec

from onair.storage.sql_vector_index import CHUNK, SqlVectorIndex
from onair.storage.vector_index import (
    FILTERABLE,
    Item,
    Neighbour,
    Scalar,
    check_filter,
    check_k,
    validate_vector,
)

__all__ = ["SqliteVectorIndex"]

_INSERT = (
    "INSERT INTO {table} (item_id, embedding, station, kind, language, metadata) "
    "VALUES (:id, :embedding, :station, :kind, :language, :metadata)"
)


class SqliteVectorIndex(SqlVectorIndex):
    """A :class:`~onair.storage.vector_index.VectorIndex` on a vec0 table."""

    def upsert(self, item_id: str, vector: Sequence[float], metadata: Mapping[str, Scalar]) -> None:
        """Add the item, or replace its vector and metadata."""
        self.upsert_many([(item_id, vector, metadata)])

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

    def nearest(
        self, vector: Sequence[float], k: int = 10, where: Mapping[str, Scalar] | None = None
    ) -> list[Neighbour]:
        """The ``k`` items closest to ``vector`` among those matching ``where``, closest first."""
        blob = sqlite_vec.serialize_float32(validate_vector(vector, self.dimensions))
        filters = check_filter(where)
        query = sa.text(
            f"SELECT item_id, distance, station, kind, language, metadata FROM {self.table} "
            f"WHERE embedding MATCH :embedding AND k = :k{self._where(filters)} "
            "ORDER BY distance"
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query, {"embedding": blob, "k": check_k(k), **filters}).all()
        return self._neighbours(rows)
