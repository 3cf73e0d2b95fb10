"""What every vector index refuses before touching its database."""

from __future__ import annotations

import json
import math

import pytest

from onair.storage.vector_index import (
    InvalidVector,
    check_filter,
    check_k,
    joined,
    split_metadata,
    validate_vector,
)


def test_a_good_vector_comes_back_as_floats() -> None:
    assert validate_vector([1, 0, 0.5], 3) == [1.0, 0.0, 0.5]


@pytest.mark.parametrize(
    ("vector", "error"),
    [
        ([1.0, 2.0], "2 dimensions, the index takes 3"),
        ([1.0, math.inf, 0.0], "NaN or infinite"),
        ([0.0, 0.0, 0.0], "all zeros"),
    ],
)
def test_bad_vectors_say_what_is_wrong(vector: list[float], error: str) -> None:
    with pytest.raises(InvalidVector, match=error):
        validate_vector(vector, 3)


def test_metadata_splits_into_filter_columns_and_json_and_joins_back() -> None:
    metadata = {"station": "demo", "kind": "music", "bpm": 120, "explicit": False}
    columns, rest = split_metadata(metadata)
    assert columns == {"station": "demo", "kind": "music", "language": None}
    assert json.loads(rest) == {"bpm": 120, "explicit": False}
    assert joined(columns, rest) == metadata
    assert joined({"station": "demo", "kind": "", "language": None}, None) == {"station": "demo"}


@pytest.mark.parametrize("value", [3, True, ""])
def test_filter_columns_take_only_non_empty_text(value: object) -> None:
    with pytest.raises(InvalidVector, match="kind must be non-empty text"):
        split_metadata({"kind": value})  # type: ignore[dict-item]
    with pytest.raises(InvalidVector, match="kind must be non-empty text"):
        check_filter({"kind": value})  # type: ignore[dict-item]


def test_filters_name_only_filterable_keys() -> None:
    assert check_filter(None) == {}
    assert check_filter({"language": "de"}) == {"language": "de"}
    with pytest.raises(InvalidVector, match=r"cannot filter on \['bpm', 'mood'\]"):
        check_filter({"bpm": "120", "mood": "calm", "kind": "music"})


@pytest.mark.parametrize(("k", "ok"), [(1, True), (4096, True), (0, False), (4097, False)])
def test_k_is_bounded(k: int, ok: bool) -> None:
    if ok:
        assert check_k(k) == k
    else:
        with pytest.raises(InvalidVector, match="k must be between 1 and 4096"):
            check_k(k)
