"""What the two SQL vector indexes share: the table, deletes, counts and result rows.

Each vector table holds one kind of vector: ``asset_embeddings`` the text
embeddings (384 dimensions), ``asset_sounds`` the sound of the audio
(``SOUND_DIMENSIONS``). Table names are spliced into SQL, so only these are taken.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from onair.storage.vector_index import (
    DIMENSIONS,
    FILTERABLE,
    Item,
    Neighbour,
    Scalar,
    joined,
    split_metadata,
    validate_vector,
)

__all__ = ["DEFAULT", "VECTOR_TABLES", "SqlVectorIndex"]

CHUNK = 500  # items per statement batch

VECTOR_TABLES = frozenset({"asset_embeddings", "asset_sounds"})
DEFAULT = "asset_embeddings"


class SqlVectorIndex:
    """Base of the adapters on one vector table; they differ in their SQL."""

    def __init__(self, engine: Engine, dimensions: int = DIMENSIONS, table: str = DEFAULT) -> None:
        if table not in VECTOR_TABLES:
            raise ValueError(f"no vector table {table!r}: one of {sorted(VECTOR_TABLES)}")
        self.engine, self.dimensions, self.table = engine, dimensions, table

    def upsert(self, item_id: str, vector: Sequence[float], metadata: Mapping[str, Scalar]) -> None:
        """Add the item, or replace its vector and metadata."""
        self.upsert_many([(item_id, vector, metadata)])

    def upsert_many(self, items: Sequence[Item]) -> None:
        """Each adapter writes in its own SQL, then calls :meth:`_written`."""
        raise NotImplementedError

    def delete(self, item_id: str) -> None:
        """Remove the item; removing an absent one is not an error."""
        with self.engine.begin() as conn:
            conn.execute(sa.text(f"DELETE FROM {self.table} WHERE item_id = :id"), {"id": item_id})
            self._written(conn)

    def _written(self, conn: Connection) -> None:
        """Called inside every transaction that writes the table, before it commits."""

    def count(self) -> int:
        """How many items the index holds."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {self.table}")).scalar_one())

    def _rows(
        self, items: Sequence[Item], encode: Callable[[list[float]], Any]
    ) -> list[dict[str, Any]]:
        """The items as statement parameters, the last of an id winning.

        Every item is checked before any is written, so a bad one writes nothing.
        """
        rows: dict[str, dict[str, Any]] = {}
        for item_id, vector, metadata in items:
            embedding = encode(validate_vector(vector, self.dimensions))
            columns, rest = split_metadata(metadata)
            rows[item_id] = {"id": item_id, "embedding": embedding, **columns, "metadata": rest}
        return list(rows.values())

    @staticmethod
    def _where(filters: dict[str, str]) -> str:
        # Column names come only from FILTERABLE (check_filter); values are bound.
        return "".join(f" AND {name} = :{name}" for name in filters)

    @staticmethod
    def _neighbours(rows: Sequence[Any]) -> list[Neighbour]:
        return [
            Neighbour(
                row.item_id,
                max(0.0, float(row.distance)),  # float32 rounding gives -1e-16 for a match
                joined({name: getattr(row, name) for name in FILTERABLE}, row.metadata),
            )
            for row in rows
        ]
