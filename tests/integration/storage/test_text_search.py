"""Full-text search of the library on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from onair.storage import SearchDocument, SqlTextSearch, create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.text_search import MAX_QUERY_WORDS, query_words


@pytest.fixture
def search(database_url: str) -> Iterator[SqlTextSearch]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    yield SqlTextSearch(engine)
    engine.dispose()


def _doc(asset_id: str, text: str, kind: str = "music", station: str = "demo") -> SearchDocument:
    return SearchDocument(asset_id, station, kind, text)


def _ids(found: list[tuple[str, float]]) -> list[str]:
    return [asset_id for asset_id, _ in found]


@pytest.fixture
def shelf(search: SqlTextSearch) -> SqlTextSearch:
    search.put_many(
        [
            _doc("a1", "Blue in Green, Miles Davis, Kind of Blue, jazz, mellow, late night"),
            _doc("a2", "So What, Miles Davis, Kind of Blue, jazz, modal"),
            _doc("a3", "Back in Black, AC/DC, hard rock, loud"),
            _doc("a4", "Midnight City, M83, synth pop, night drive"),
            _doc("a5", "Night Fever, Bee Gees, disco, night"),
            _doc("a6", "Power ballad, Sinéad O'Connor, Nothing Compares 2 U, pop"),
            _doc("j1", "Late night jazz jingle", kind="jingle"),
            _doc("x1", "mellow late night jazz", station="other"),
        ]
    )
    return search


def test_a_document_with_more_of_the_words_ranks_first(shelf: SqlTextSearch) -> None:
    found = shelf.match("demo", "mellow late-night jazz", kind="music")
    assert _ids(found)[0] == "a1"  # mellow, late, night and jazz
    assert set(_ids(found)) == {"a1", "a2", "a4", "a5"}  # any one word is enough
    scores = [score for _, score in found]
    assert all(score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_a_rare_word_outranks_a_common_one(search: SqlTextSearch) -> None:
    common = [_doc(f"n{n}", f"night song number {n}") for n in range(20)]
    search.put_many([*common, _doc("rare", "theremin song")])
    found = search.match("demo", "night theremin")
    assert _ids(found)[0] == "rare"
    assert len(found) == 21


def test_words_are_stemmed_and_folded(shelf: SqlTextSearch) -> None:
    assert _ids(shelf.match("demo", "BALLADS")) == ["a6"]
    assert _ids(shelf.match("demo", "sinead")) == ["a6"]
    assert _ids(shelf.match("demo", "SINÉAD")) == ["a6"]
    assert _ids(shelf.match("demo", "mellowness")) == ["a1"]
    assert _ids(shelf.match("demo", "nights", kind="jingle")) == ["j1"]


def test_the_station_and_kind_filter(shelf: SqlTextSearch) -> None:
    assert _ids(shelf.match("other", "jazz")) == ["x1"]
    assert set(_ids(shelf.match("demo", "jazz"))) == {"a1", "a2", "j1"}
    assert _ids(shelf.match("demo", "jazz", kind="jingle")) == ["j1"]
    assert shelf.match("nowhere", "jazz") == []


def test_k_caps_the_answer(shelf: SqlTextSearch) -> None:
    assert len(shelf.match("demo", "night jazz", k=2)) == 2
    with pytest.raises(ValueError, match="k must be at least 1"):
        shelf.match("demo", "jazz", k=0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('AC/DC "back in black"', "a3"),
        ("o'connor", "a6"),
        ("black*", "a3"),
        ("NEAR(black rock)", "a3"),
        ("-loud", "a3"),
        ("hard AND NOT rock", "a3"),
        ("text:black", "a3"),
        ('"unbalanced (quote', None),
        ("^black", "a3"),
        ("{asset_id}: a3", None),
        ("compares 2", "a6"),
    ],
)
def test_query_syntax_is_just_words(shelf: SqlTextSearch, query: str, expected: str | None) -> None:
    found = _ids(shelf.match("demo", query))
    assert found[:1] == ([] if expected is None else [expected])


def test_a_query_without_words_finds_nothing(shelf: SqlTextSearch) -> None:
    for query in ("", "   ", '"" * - : ( ) ^', "'"):
        assert shelf.match("demo", query) == []


def test_stop_words_alone_do_not_fail(shelf: SqlTextSearch) -> None:
    # PostgreSQL's english configuration drops "the" and "of"; SQLite keeps them.
    found = _ids(shelf.match("demo", "the of"))
    assert set(found) <= {"a1", "a2"}


def test_put_replaces_and_delete_removes(search: SqlTextSearch) -> None:
    search.put_many([_doc("a1", "jazz standard"), _doc("a2", "jazz waltz")])
    search.put_many([_doc("a1", "polka"), _doc("a1", "sea shanty")])  # the last one wins
    assert search.count() == 2
    assert _ids(search.match("demo", "jazz")) == ["a2"]
    assert search.match("demo", "polka") == []
    assert _ids(search.match("demo", "shanty")) == ["a1"]
    search.put_many([_doc("a2", "jazz waltz", kind="jingle")])
    assert _ids(search.match("demo", "waltz", kind="jingle")) == ["a2"]
    search.delete("a1")
    search.delete("a1")
    assert search.count() == 1
    assert search.match("demo", "shanty") == []


def test_many_documents_in_one_call(search: SqlTextSearch) -> None:
    search.put_many([_doc(f"d{n:04}", f"track {n} word{n % 7}") for n in range(1200)])
    search.put_many([_doc(f"d{n:04}", f"track {n} other") for n in range(0, 1200, 2)])
    assert search.count() == 1200
    assert len(search.match("demo", "word3", k=1000)) == 1200 // 7 // 2 + 1
    search.put_many([])
    assert search.count() == 1200


def test_query_words_are_distinct_folded_and_capped() -> None:
    assert query_words('AC/DC "Back" back o\'Brien_x') == ["ac", "dc", "back", "o", "brien", "x"]
    assert query_words("Ça va, naïve café 2") == ["ça", "va", "naïve", "café", "2"]
    assert len(query_words(" ".join(f"w{n}" for n in range(100)))) == MAX_QUERY_WORDS


def test_when_k_documents_hold_every_word_only_they_are_ranked(search: SqlTextSearch) -> None:
    both = [_doc(f"both-{n}", f"Blue Moon number {n}") for n in range(3)]
    one = [_doc(f"blue-{n}", f"Blue Skies number {n}") for n in range(5)]
    search.put_many([*both, *one, _doc("moon", "Harvest Moon")])
    assert sorted(_ids(search.match("demo", "blue moon", k=3))) == ["both-0", "both-1", "both-2"]
    # Fewer than k hold both: any word counts, and the short title with the rarer word
    # ranks among them by BM25.
    wider = _ids(search.match("demo", "blue moon", k=5))
    assert len(wider) == 5
    assert "moon" in wider
    assert set(_ids(search.match("demo", "blue moon", k=20))) == {
        d.asset_id for d in [*both, *one]
    } | {"moon"}
