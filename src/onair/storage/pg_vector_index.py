"""The vector index in PostgreSQL, with pgvector's HNSW cosine index.

pgvector's iterative index scan keeps searching until ``k`` rows pass the
filter, instead of filtering the first ``k`` found and returning fewer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa

from onair.storage.sql_vector_index import SqlVectorIndex
from onair.storage.vector_index import (
    Neighbour,
    Scalar,
    check_filter,
    split_metadata,
    validate_vector,
)

__all__ = ["PgVectorIndex"]


def _literal(values: list[float]) -> str:
    return "[" + ",".join(repr(v) for v in values) + "]"


class PgVectorIndex(SqlVectorIndex):
    """A :class:`~onair.storage.vector_index.VectorIndex` on ``asset_embeddings`` (pgvector)."""

    def upsert(self, item_id: str, vector: Sequence[float], metadata: Mapping[str, Scalar]) -> None:
        embedding = _literal(validate_vector(vector, self.dimensions))
        columns, rest = split_metadata(metadata)
        with self.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO asset_embeddings (item_id, embedding, station, kind, language, "
                    "metadata) VALUES (:id, CAST(:embedding AS vector), :station, :kind, "
                    ":language, CAST(:metadata AS jsonb)) ON CONFLICT (item_id) DO UPDATE SET "
                    "embedding = EXCLUDED.embedding, station = EXCLUDED.station, "
                    "kind = EXCLUDED.kind, language = EXCLUDED.language, "
                    "metadata = EXCLUDED.metadata"
                ),
                {"id": item_id, "embedding": embedding, **columns, "metadata": rest},
            )

    def delete(self, item_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sa.text("DELETE FROM asset_embeddings WHERE item_id = :id"), {"id": item_id}
            )

    def nearest(
        self, vector: Sequence[float], k: int = 10, where: Mapping[str, Scalar] | None = None
    ) -> list[Neighbour]:
        embedding = _literal(validate_vector(vector, self.dimensions))
        filters = check_filter(where)
        clauses = "".join(f" AND {name} = :{name}" for name in filters)
        # Column names come only from FILTERABLE (check_filter), values are bound.
        query = sa.text(
            "SELECT item_id, embedding <=> CAST(:embedding AS vector) AS distance, station, "
            f"kind, language, metadata FROM asset_embeddings WHERE true{clauses} "
            "ORDER BY embedding <=> CAST(:embedding AS vector) LIMIT :k"
        )
        with self.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL hnsw.iterative_scan = strict_order"))
            rows = conn.execute(query, {"embedding": embedding, "k": k, **filters}).all()
        return self._neighbours(rows)
