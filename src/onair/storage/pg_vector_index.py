"""The vector index in PostgreSQL, with pgvector's HNSW cosine index.

pgvector's iterative index scan keeps searching until ``k`` rows pass the
filter, instead of filtering the first ``k`` found and returning fewer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa

from onair.storage.sql_vector_index import CHUNK, SqlVectorIndex
from onair.storage.vector_index import (
    Item,
    Neighbour,
    Scalar,
    check_filter,
    check_k,
    validate_vector,
)

__all__ = ["PgVectorIndex"]

_UPSERT = (
    "INSERT INTO {table} (item_id, embedding, station, kind, language, metadata) "
    "VALUES (:id, CAST(:embedding AS vector), :station, :kind, :language, "
    "CAST(:metadata AS jsonb)) ON CONFLICT (item_id) DO UPDATE SET "
    "embedding = EXCLUDED.embedding, station = EXCLUDED.station, kind = EXCLUDED.kind, "
    "language = EXCLUDED.language, metadata = EXCLUDED.metadata"
)


def _literal(values: list[float]) -> str:
    return "[" + ",".join(repr(v) for v in values) + "]"


class PgVectorIndex(SqlVectorIndex):
    """A :class:`~onair.storage.vector_index.VectorIndex` on a pgvector table."""

    def upsert_many(self, items: Sequence[Item]) -> None:
        """:meth:`upsert` each item in one transaction: all or nothing; the last of an id wins."""
        rows = self._rows(items, _literal)
        upsert = sa.text(_UPSERT.format(table=self.table))
        with self.engine.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(upsert, rows[start : start + CHUNK])
            self._written(conn)

    def nearest(
        self, vector: Sequence[float], k: int = 10, where: Mapping[str, Scalar] | None = None
    ) -> list[Neighbour]:
        """The ``k`` items closest to ``vector`` among those matching ``where``, closest first."""
        embedding = _literal(validate_vector(vector, self.dimensions))
        filters = check_filter(where)
        query = sa.text(
            "SELECT item_id, embedding <=> CAST(:embedding AS vector) AS distance, station, "
            f"kind, language, metadata FROM {self.table} WHERE true{self._where(filters)} "
            "ORDER BY embedding <=> CAST(:embedding AS vector) LIMIT :k"
        )
        # HNSW is approximate: a candidate list wider than k keeps recall near 1.
        ef_search = min(1000, max(40, 2 * check_k(k)))
        with self.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL hnsw.iterative_scan = strict_order"))
            conn.execute(sa.text(f"SET LOCAL hnsw.ef_search = {ef_search}"))
            rows = conn.execute(query, {"embedding": embedding, "k": k, **filters}).all()
        return self._neighbours(rows)
