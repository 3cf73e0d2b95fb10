"""The vector index in the SQLite file, with sqlite-vec's ``vec0`` table.

Filters are ``vec0`` metadata columns, applied inside the KNN search itself, so
a filter matching ``k`` or more items still yields ``k`` results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
import sqlite_vec

from onair.storage.sql_vector_index import SqlVectorIndex
from onair.storage.vector_index import (
    Neighbour,
    Scalar,
    check_filter,
    check_k,
    split_metadata,
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
        blob = sqlite_vec.serialize_float32(validate_vector(vector, self.dimensions))
        columns, rest = split_metadata(metadata)
        text = {k: "" if v is None else v for k, v in columns.items()}  # vec0 takes no NULL
        # vec0 has no upsert: replace inside one transaction.
        with self.engine.begin() as conn:
            conn.execute(sa.text(f"DELETE FROM {self.table} WHERE item_id = :id"), {"id": item_id})
            conn.execute(
                sa.text(_INSERT.format(table=self.table)),
                {"id": item_id, "embedding": blob, **text, "metadata": rest},
            )

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
