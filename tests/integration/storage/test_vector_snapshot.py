"""The SQLite index's in-memory snapshot: the same answers as sqlite-vec, never stale ones."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import sqlite_vec
from sqlalchemy.engine import Engine

from onair.storage import create_engine_for
from onair.storage import sqlite_vector_index as module
from onair.storage.migrate import upgrade
from onair.storage.sqlite_vector_index import SqliteVectorIndex
from onair.storage.vector_snapshot import VectorSnapshot, generation

DIMENSIONS = 384


@pytest.fixture
def engine(tmp_path: object) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/onair.sqlite3"
    upgrade(url)
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


def _vector(rng: random.Random) -> list[float]:
    return [rng.gauss(0, 1) for _ in range(DIMENSIONS)]


@pytest.fixture
def index(engine: Engine) -> SqliteVectorIndex:
    rng = random.Random(11)
    index = SqliteVectorIndex(engine)
    index.upsert_many(
        [
            (f"item-{n:04d}", _vector(rng), {
                "station": "demo" if n % 5 else "other",
                "kind": "music" if n % 3 else "jingle",
                "bpm": n,
            })
            for n in range(600)
        ]
    )  # fmt: skip
    return index


def _in_sqlite_vec(
    engine: Engine, query: list[float], k: int, where: str
) -> list[tuple[str, float]]:
    # ``where`` is one of this module's constants.
    text = f"SELECT item_id, distance FROM asset_embeddings WHERE embedding MATCH :q AND k = :k {where} ORDER BY distance"  # noqa: E501, S608
    sql = sa.text(text)
    with engine.connect() as conn:
        rows = conn.execute(sql, {"q": sqlite_vec.serialize_float32(query), "k": k}).all()
    return [(row.item_id, row.distance) for row in rows]


@pytest.mark.parametrize(
    ("where", "filters"),
    [("", {}), ("AND station = 'demo'", {"station": "demo"}),
     ("AND station = 'demo' AND kind = 'jingle'", {"station": "demo", "kind": "jingle"})],
)  # fmt: skip
def test_the_snapshot_answers_as_sqlite_vec(
    engine: Engine, index: SqliteVectorIndex, where: str, filters: dict[str, str]
) -> None:
    with engine.connect() as conn:
        snapshot = VectorSnapshot.load(conn, "asset_embeddings", DIMENSIONS)
    rng = random.Random(3)
    for _ in range(5):
        query = _vector(rng)
        expected = _in_sqlite_vec(engine, query, 25, where)
        found = snapshot.nearest(query, 25, filters)
        assert [n.item_id for n in found] == [item for item, _ in expected]
        assert [n.distance for n in found] == pytest.approx([d for _, d in expected], abs=1e-5)
    assert found[0].metadata["bpm"] % 5 != 0  # metadata comes back whole
    assert snapshot.nearest(query, 5, {"station": "nowhere"}) == []


def test_every_write_moves_the_generation(engine: Engine, index: SqliteVectorIndex) -> None:
    with engine.connect() as conn:
        before = generation(conn, "asset_embeddings")
    index.upsert("item-0001", _vector(random.Random(1)), {"station": "demo"})
    index.delete("item-0002")
    with engine.connect() as conn:
        assert generation(conn, "asset_embeddings") == before + 2
        assert generation(conn, "asset_sounds") == 0


@pytest.mark.parametrize("reload_after_s", [0.0, 3600.0])
def test_a_search_after_a_write_sees_it(
    index: SqliteVectorIndex, monkeypatch: pytest.MonkeyPatch, reload_after_s: float
) -> None:
    # Reloading at once, or never again (sqlite-vec answers): either way the new item is found.
    rng = random.Random(5)
    query = _vector(rng)
    assert index.nearest(query, 3)[0].item_id != "new"  # the snapshot is loaded here
    monkeypatch.setattr(module, "_RELOAD_AFTER_S", reload_after_s)
    index.upsert("new", query, {"station": "demo", "kind": "music"})
    assert index.nearest(query, 3)[0].item_id == "new"
    index.delete("new")
    assert all(n.item_id != "new" for n in index.nearest(query, 600))
