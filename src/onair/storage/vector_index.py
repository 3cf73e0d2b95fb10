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
    "InvalidVector",
    "Neighbour",
    "VectorIndex",
    "split_metadata",
    "validate_vector",
]

DIMENSIONS = 384  # all-MiniLM-L6-v2
FILTERABLE = ("station", "kind", "language")

Scalar = str | int | float | bool


class InvalidVector(StorageError, ValueError):
    """A vector of the wrong size or with non-finite values, or a bad filter."""


@dataclass(frozen=True)
class Neighbour:
    item_id: str
    distance: float
    metadata: dict[str, Any] = field(default_factory=dict)


class VectorIndex(Protocol):
    """Nearest-neighbour search over asset embeddings."""

    dimensions: int

    def upsert(self, item_id: str, vector: Sequence[float], metadata: Mapping[str, Scalar]) -> None:
        """Add the item, or replace its vector and metadata."""

    def delete(self, item_id: str) -> None:
        """Remove the item; removing an absent one is not an error."""

    def nearest(
        self, vector: Sequence[float], k: int = 10, where: Mapping[str, Scalar] | None = None
    ) -> list[Neighbour]:
        """The ``k`` items closest to ``vector`` among those matching ``where``, closest first."""

    def count(self) -> int: ...


def validate_vector(vector: Sequence[float], dimensions: int) -> list[float]:
    values = [float(v) for v in vector]
    if len(values) != dimensions:
        raise InvalidVector(f"vector has {len(values)} dimensions, the index takes {dimensions}")
    if not all(math.isfinite(v) for v in values):
        raise InvalidVector("vector has NaN or infinite values")
    return values


def split_metadata(metadata: Mapping[str, Scalar]) -> tuple[dict[str, Any], str]:
    """The filterable columns, and the rest as JSON text."""
    columns = {name: metadata.get(name) for name in FILTERABLE}
    rest = {k: v for k, v in metadata.items() if k not in FILTERABLE}
    return columns, json.dumps(rest, sort_keys=True)


def check_filter(where: Mapping[str, Scalar] | None) -> dict[str, Scalar]:
    where = dict(where or {})
    unknown = sorted(set(where) - set(FILTERABLE))
    if unknown:
        raise InvalidVector(f"cannot filter on {unknown}: only {list(FILTERABLE)} are filterable")
    return where


def joined(columns: Mapping[str, Any], rest: str | dict[str, Any] | None) -> dict[str, Any]:
    extra = json.loads(rest) if isinstance(rest, str) else dict(rest or {})
    return {**extra, **{k: v for k, v in columns.items() if v not in (None, "")}}
