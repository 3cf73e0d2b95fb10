"""Full-text search over the library's words: FTS5 in SQLite, tsvector in PostgreSQL.

An operator types free text (``mellow late-night jazz``, ``AC/DC "back in
black"``, ``o'brien``), not a query language. So the text is cut into words
(runs of Unicode letters and digits) and a document matches if it holds ANY
of them, stemmed: what operators type rarely matches a title word for word.
Words reach the database only as bound parameters (PostgreSQL) or as FTS5
strings (SQLite), so quotes, ``*``, ``NEAR``, ``AND`` or ``-`` are words too.

Both databases rank by how often and how rare the matched words are: SQLite
by FTS5's BM25, PostgreSQL by ``ts_rank_cd`` per word weighted by the word's
BM25 inverse document frequency (``ts_rank`` alone has no notion of rarity,
and with OR semantics a common word would outrank a rare one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

__all__ = ["MAX_QUERY_WORDS", "SearchDocument", "Searchable", "SqlTextSearch", "query_words"]

MAX_QUERY_WORDS = 32  # a pasted paragraph is not a search; FTS5 slows with each OR branch
_CHUNK = 500  # documents per statement batch

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchDocument:
    """The searchable words of one asset (title, artists, album, tags...)."""

    asset_id: str
    station: str
    kind: str
    text: str


class Searchable(Protocol):
    """What :meth:`SqlTextSearch.put_many` reads: a :class:`SearchDocument` or its like."""

    @property
    def asset_id(self) -> str: ...
    @property
    def station(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...


def query_words(query: str) -> list[str]:
    """The distinct words of ``query`` in order, case-folded, at most :data:`MAX_QUERY_WORDS`."""
    words = dict.fromkeys(word.casefold() for word in _WORD.findall(query))
    return list(words)[:MAX_QUERY_WORDS]


_SQLITE_DELETE = "DELETE FROM asset_search WHERE asset_id IN :ids"
_SQLITE_INSERT = sa.text(
    "INSERT INTO asset_search (asset_id, station, kind, text) "
    "VALUES (:asset_id, :station, :kind, :text)"
)
_SQLITE_MATCH = (
    "SELECT asset_id, -bm25(asset_search) AS score FROM asset_search "
    "WHERE asset_search MATCH :query AND station = :station{kind} "
    "ORDER BY score DESC, asset_id LIMIT :k"
)

_PG_UPSERT = sa.text(
    "INSERT INTO asset_search (asset_id, station, kind, text) "
    "VALUES (:asset_id, :station, :kind, :text) ON CONFLICT (asset_id) DO UPDATE SET "
    "station = EXCLUDED.station, kind = EXCLUDED.kind, text = EXCLUDED.text"
)
# One row per distinct stemmed word with its BM25 IDF, then each matching
# document scored by the IDF-weighted sum of its per-word cover density.
# Stop words (the english configuration's) yield an empty query, dropped here.
_PG_MATCH = (
    "WITH words AS MATERIALIZED ("
    " SELECT DISTINCT plainto_tsquery('onair_search', word) AS query"
    " FROM unnest(CAST(:words AS text[])) AS w(word)),"
    " weighted AS MATERIALIZED ("
    " SELECT words.query,"
    "  CAST(ln(1 + (total.n - df.n + 0.5) / (df.n + 0.5)) AS double precision) AS idf"
    " FROM words"
    " CROSS JOIN (SELECT count(*) AS n FROM asset_search) AS total"
    " CROSS JOIN LATERAL (SELECT count(*) AS n FROM asset_search"
    "  WHERE document @@ words.query) AS df"
    " WHERE numnode(words.query) > 0) "
    "SELECT s.asset_id, sum(ts_rank_cd(s.document, weighted.query, 1) * weighted.idf) AS score"
    " FROM asset_search AS s JOIN weighted ON s.document @@ weighted.query"
    " WHERE s.station = :station{kind}"
    " GROUP BY s.asset_id{every} ORDER BY score DESC, s.asset_id LIMIT :k"
)
_PG_EVERY = " HAVING count(*) = (SELECT count(*) FROM weighted)"


class SqlTextSearch:
    """Full-text search on the ``asset_search`` table, on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sqlite = engine.dialect.name == "sqlite"

    def put_many(self, rows: Sequence[Searchable]) -> None:
        """Index these documents, replacing any already indexed under their ids; all or nothing."""
        latest = list({row.asset_id: row for row in rows}.values())  # the last of an id wins
        with self.engine.begin() as conn:
            for start in range(0, len(latest), _CHUNK):
                chunk = [_params(row) for row in latest[start : start + _CHUNK]]
                if self._sqlite:
                    _sqlite_replace(conn, chunk)
                else:
                    conn.execute(_PG_UPSERT, chunk)

    def delete(self, asset_id: str) -> None:
        """Remove the asset's document; removing an absent one is not an error."""
        with self.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM asset_search WHERE asset_id = :id"), {"id": asset_id})

    def match(
        self, station: str, query: str, k: int = 50, kind: str | None = None
    ) -> list[tuple[str, float]]:
        """Up to ``k`` ``(asset id, score)`` of the station holding any word of ``query``.

        Best first; scores are positive and only comparable within one answer.
        When ``k`` or more documents hold every word, only they are ranked, as
        a web search engine's implicit AND would: "blue moon" means both words
        to an operator, and finding those skips scoring every document with
        one common word (100,000 assets: 5 ms instead of 35). Otherwise any
        word counts, ranked by BM25 alone. A query without a word finds nothing.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        words = query_words(query)
        if not words:
            return []
        with self.engine.connect() as conn:
            if len(words) > 1:
                found = self._match(conn, station, words, k, kind, every=True)
                if len(found) == k:
                    return found
            return self._match(conn, station, words, k, kind, every=False)

    def _match(
        self,
        conn: Connection,
        station: str,
        words: list[str],
        k: int,
        kind: str | None,
        *,
        every: bool,
    ) -> list[tuple[str, float]]:
        params: dict[str, Any] = {"station": station, "k": k, "kind": kind}
        if self._sqlite:
            params["query"] = (" AND " if every else " OR ").join(_fts5_string(w) for w in words)
            sql = _SQLITE_MATCH.format(kind="" if kind is None else " AND kind = :kind")
        else:
            params["words"] = words
            sql = _PG_MATCH.format(
                kind="" if kind is None else " AND s.kind = :kind",
                every=_PG_EVERY if every else "",
            )
        rows = conn.execute(sa.text(sql), params).all()
        return [(row.asset_id, float(row.score)) for row in rows]

    def count(self) -> int:
        """How many documents are indexed."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM asset_search")).scalar_one())


def _params(row: Searchable) -> dict[str, str]:
    return {"asset_id": row.asset_id, "station": row.station, "kind": row.kind, "text": row.text}


def _sqlite_replace(conn: Connection, chunk: list[dict[str, str]]) -> None:
    # FTS5 has no upsert (and no index on an UNINDEXED column): delete, then insert.
    delete = sa.text(_SQLITE_DELETE).bindparams(sa.bindparam("ids", expanding=True))
    conn.execute(delete, {"ids": [row["asset_id"] for row in chunk]})
    conn.execute(_SQLITE_INSERT, chunk)


def _fts5_string(word: str) -> str:
    """``word`` as an FTS5 string: never an operator, column filter or prefix query."""
    return '"' + word.replace('"', '""') + '"'
