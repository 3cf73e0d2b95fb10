"""One suite for the vector index on sqlite-vec and on pgvector, on both vector tables."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from onair.domain.library import SOUND_DIMENSIONS
from onair.storage import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.pg_vector_index import PgVectorIndex
from onair.storage.sqlite_vector_index import SqliteVectorIndex
from onair.storage.vector_index import DIMENSIONS, InvalidVector, VectorIndex

TABLES = {"asset_embeddings": DIMENSIONS, "asset_sounds": SOUND_DIMENSIONS}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


def _index(engine: Engine, table: str) -> PgVectorIndex | SqliteVectorIndex:
    adapter = PgVectorIndex if engine.dialect.name == "postgresql" else SqliteVectorIndex
    return adapter(engine, dimensions=TABLES[table], table=table)


@pytest.fixture(params=sorted(TABLES))
def index(engine: Engine, request: pytest.FixtureRequest) -> VectorIndex:
    return _index(engine, request.param)


def _unit(rng: random.Random, dimensions: int) -> list[float]:
    v = [rng.gauss(0, 1) for _ in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in v))
    return [x / norm for x in v]


def _cosine_distance(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return 1 - dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


@pytest.fixture
def library(index: VectorIndex) -> dict[str, tuple[list[float], str]]:
    rng = random.Random(7)
    items = {}
    for n in range(200):
        kind = "music" if n % 4 else "jingle"
        vector = _unit(rng, index.dimensions)
        metadata: dict[str, str | int] = {"station": "demo", "kind": kind, "bpm": 100 + n}
        if n % 40 == 0:
            metadata["language"] = "fr"
        index.upsert(f"a{n:03}", vector, metadata)
        items[f"a{n:03}"] = (vector, kind)
    return items


def test_nearest_are_the_true_nearest_by_cosine(
    index: VectorIndex, library: dict[str, tuple[list[float], str]]
) -> None:
    query = _unit(random.Random(99), index.dimensions)
    expected = sorted(library, key=lambda i: _cosine_distance(query, library[i][0]))[:10]
    found = index.nearest(query, k=10)
    assert [n.item_id for n in found] == expected
    assert found[0].distance == pytest.approx(
        _cosine_distance(query, library[expected[0]][0]), abs=1e-4
    )
    assert found[0].metadata["station"] == "demo"
    assert "bpm" in found[0].metadata


def test_a_filter_still_gives_k_results(
    index: VectorIndex, library: dict[str, tuple[list[float], str]]
) -> None:
    query = _unit(random.Random(5), index.dimensions)
    jingles = [i for i in library if library[i][1] == "jingle"]
    expected = sorted(jingles, key=lambda i: _cosine_distance(query, library[i][0]))[:10]
    found = index.nearest(query, k=10, where={"kind": "jingle", "station": "demo"})
    assert [n.item_id for n in found] == expected
    assert index.nearest(query, k=5, where={"station": "other"}) == []


def test_a_rare_filter_finds_every_match_far_from_the_query(
    index: VectorIndex, library: dict[str, tuple[list[float], str]]
) -> None:
    query = _unit(random.Random(11), index.dimensions)
    french = {"a000", "a040", "a080", "a120", "a160"}
    found = index.nearest(query, k=10, where={"language": "fr"})
    assert {n.item_id for n in found} == french
    distances = [n.distance for n in found]
    assert distances == sorted(distances)
    assert all(n.metadata["language"] == "fr" for n in found)


def test_upsert_replaces_and_delete_removes(index: VectorIndex) -> None:
    rng = random.Random(1)
    first, second = _unit(rng, index.dimensions), _unit(rng, index.dimensions)
    index.upsert("song", first, {"station": "demo", "kind": "music", "explicit": True})
    index.upsert("song", second, {"station": "demo", "kind": "promo", "bpm": 120, "gain": -1.5})
    assert index.count() == 1
    [hit] = index.nearest(second, k=1)
    assert hit.item_id == "song"
    assert hit.distance == pytest.approx(0, abs=1e-5)
    assert hit.metadata == {"station": "demo", "kind": "promo", "bpm": 120, "gain": -1.5}
    assert index.nearest(first, k=5, where={"kind": "music"}) == []
    index.delete("song")
    index.delete("song")
    assert index.count() == 0
    assert index.nearest(first, k=5) == []


def test_bad_vectors_and_filters_are_refused(index: VectorIndex) -> None:
    dimensions = index.dimensions
    with pytest.raises(InvalidVector, match="3 dimensions"):
        index.upsert("x", [1.0, 2.0, 3.0], {})
    with pytest.raises(InvalidVector, match="NaN"):
        index.upsert("x", [math.nan] * dimensions, {})
    with pytest.raises(InvalidVector, match="all zeros"):
        index.upsert("x", [0.0] * dimensions, {})
    with pytest.raises(InvalidVector, match="kind must be non-empty text"):
        index.upsert("x", [0.1] * dimensions, {"kind": 3})
    with pytest.raises(InvalidVector, match="bpm"):
        index.nearest([0.1] * dimensions, where={"bpm": 120})
    with pytest.raises(InvalidVector, match="language must be non-empty text"):
        index.nearest([0.1] * dimensions, where={"language": ""})
    with pytest.raises(InvalidVector, match="k must be between 1"):
        index.nearest([0.1] * dimensions, k=0)
    with pytest.raises(InvalidVector, match=f"{dimensions + 1} dimensions"):
        index.nearest([0.1] * (dimensions + 1))
    assert index.count() == 0


def test_the_tables_are_separate_indexes(engine: Engine) -> None:
    words, sounds = _index(engine, "asset_embeddings"), _index(engine, "asset_sounds")
    rng = random.Random(3)
    sound = _unit(rng, SOUND_DIMENSIONS)
    sounds.upsert("song", sound, {"station": "demo"})
    words.upsert("song", _unit(rng, DIMENSIONS), {"station": "demo"})
    words.delete("song")
    assert (words.count(), sounds.count()) == (0, 1)
    assert [n.item_id for n in sounds.nearest(sound, k=1)] == ["song"]


def test_only_the_vector_tables_are_taken(engine: Engine) -> None:
    with pytest.raises(ValueError, match="no vector table 'assets; DROP TABLE stations'"):
        SqliteVectorIndex(engine, table="assets; DROP TABLE stations")
    with pytest.raises(ValueError, match="no vector table 'assets'"):
        PgVectorIndex(engine, dimensions=SOUND_DIMENSIONS, table="assets")


def test_upsert_many_replaces_and_is_all_or_nothing(index: VectorIndex) -> None:
    rng = random.Random(4)
    vectors = [_unit(rng, index.dimensions) for _ in range(1200)]
    index.upsert_many([(f"b{n:04}", v, {"station": "demo", "n": n}) for n, v in enumerate(vectors)])
    assert index.count() == 1200
    moved = _unit(rng, index.dimensions)
    index.upsert_many(
        [
            ("b0007", vectors[0], {"station": "demo", "kind": "music"}),
            ("b0007", moved, {"station": "demo", "kind": "promo"}),  # the last one wins
        ]
    )
    [hit] = index.nearest(moved, k=1)
    assert (hit.item_id, hit.metadata) == ("b0007", {"station": "demo", "kind": "promo"})
    assert index.nearest(moved, k=1, where={"kind": "music"}) == []
    with pytest.raises(InvalidVector, match="all zeros"):
        index.upsert_many(
            [("b0001", moved, {"station": "demo"}), ("new", [0.0] * index.dimensions, {})]
        )
    assert index.count() == 1200
    assert [n.item_id for n in index.nearest(vectors[1], k=1)] == ["b0001"]
    index.upsert_many([])
    assert index.count() == 1200
