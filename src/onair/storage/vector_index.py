"""The ``VectorIndex`` port: embeddings of assets for discovery and similarity.

Vectors are compared by cosine distance. ``station``, ``kind`` and ``language``
are columns that ``nearest`` can filter on inside the nearest-neighbour search
(so a filter still yields ``k`` results when ``k`` match); any other metadata
is carried along and returned, but not filterable.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from onair.storage.db import StorageError

__all__ = [
    "DIMENSIONS",
    "FILTERABLE",
    "MAX_K",
    "InvalidVector",
    "Item",
    "Neighbour",
    "VectorIndex",
    "check_filter",
    "check_k",
    "joined",
    "split_metadata",
    "validate_vector",
]

DIMENSIONS = 384  # all-MiniLM-L6-v2
FILTERABLE = ("station", "kind", "language")
MAX_K = 4096  # sqlite-vec's limit on k; the same on every adapter

Scalar = str | int | float | bool
Item = tuple[str, Sequence[float], Mapping[str, Scalar]]  # item id, vector, metadata


class InvalidVector(StorageError, ValueError):
    """A vector of the wrong size, zero or non-finite, bad metadata, a bad filter or ``k``."""


@dataclass(frozen=True)
class Neighbour:
    """One search result: the item, its cosine distance to the query (0 = same direction)."""

    item_id: str
    distance: float
    metadata: dict[str, Any] = field(default_factory=dict)


class VectorIndex(Protocol):
    """Nearest-neighbour search over asset embeddings."""

    dimensions: int

    def upsert(self, item_id: str, vector: Sequence[float], metadata: Mapping[str, Scalar]) -> None:
        """Add the item, or replace its vector and metadata."""

    def upsert_many(self, items: Sequence[Item]) -> None:
        """:meth:`upsert` each item in one transaction: all or nothing; the last of an id wins."""

    def delete(self, item_id: str) -> None:
        """Remove the item; removing an absent one is not an error."""

    def nearest(
        self, vector: Sequence[float], k: int = 10, where: Mapping[str, Scalar] | None = None
    ) -> list[Neighbour]:
        """The ``k`` items closest to ``vector`` among those matching ``where``, closest first."""

    def count(self) -> int: ...


def validate_vector(vector: Sequence[float], dimensions: int) -> list[float]:
    """``vector`` as floats, or :class:`InvalidVector` saying what is wrong with it."""
    values = [float(v) for v in vector]
    if len(values) != dimensions:
        raise InvalidVector(f"vector has {len(values)} dimensions, the index takes {dimensions}")
    if not all(math.isfinite(v) for v in values):
        raise InvalidVector("vector has NaN or infinite values")
    if not any(values):
        raise InvalidVector("vector is all zeros: its cosine distance to anything is undefined")
    return values


def _filterable_text(name: str, value: object) -> str:
    # Both adapters keep these in TEXT columns; "" is how sqlite-vec stores "absent".
    if not isinstance(value, str) or not value:
        raise InvalidVector(f"{name} must be non-empty text, not {value!r}")
    return value


def split_metadata(metadata: Mapping[str, Scalar]) -> tuple[dict[str, str | None], str]:
    """The filterable columns (None where absent), and the rest as JSON text."""
    columns = {
        name: None if metadata.get(name) is None else _filterable_text(name, metadata[name])
        for name in FILTERABLE
    }
    rest = {k: v for k, v in metadata.items() if k not in FILTERABLE}
    return columns, json.dumps(rest, sort_keys=True)


def check_filter(where: Mapping[str, Scalar] | None) -> dict[str, str]:
    """The equality filter, refused unless it names only filterable keys with text values."""
    where = dict(where or {})
    unknown = sorted(set(where) - set(FILTERABLE))
    if unknown:
        raise InvalidVector(f"cannot filter on {unknown}: only {list(FILTERABLE)} are filterable")
    return {name: _filterable_text(name, value) for name, value in where.items()}


def check_k(k: int) -> int:
    """``k`` if the index can return that many neighbours at once."""
    if not 1 <= k <= MAX_K:
        raise InvalidVector(f"k must be between 1 and {MAX_K}, not {k}")
    return k


def joined(columns: Mapping[str, Any], rest: str | dict[str, Any] | None) -> dict[str, Any]:
    """The metadata as upserted: the JSON remainder with the filterable columns set."""
    extra = json.loads(rest) if isinstance(rest, str) else dict(rest or {})
    return {**extra, **{k: v for k, v in columns.items() if v not in (None, "")}}
