"""Discovery: index assets for search, find them by words, find what sounds alike.

Search is hybrid: the operator's words are matched in the full-text index (a
title, an artist, "jazz") and their meaning in the text embeddings ("mellow
late-night" finds calm, slow tracks that never use those words). The two
rankings are fused by reciprocal rank (Cormack, Clarke and Buettcher, SIGIR
2009), which needs no calibration between a BM25 score and a cosine distance.
``similar`` fuses the same way the nearest text embeddings (what the asset
is) with the nearest sound vectors (how it sounds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from onair.domain.errors import DomainError
from onair.domain.library import AssetKind, LibraryAsset
from onair.ingest.description import describe, sound_vector
from onair.ingest.ports import Library, Near, NearestIndex, SearchText, TextEmbedder, TextIndex
from onair.ingest.semantic_tags import SemanticTagger

__all__ = ["Discovery", "Found", "NothingToSearch", "fuse"]

_RRF_K = 60  # the constant of reciprocal-rank fusion; 60 is the paper's
_CANDIDATES = 50  # from each ranking, before fusion
_BATCH = 256  # assets embedded and written at a time while indexing


class NothingToSearch(DomainError):
    """The query has no words to search for."""


@dataclass(frozen=True)
class Found:
    """One result: the asset, its fused score, and its place in each ranking (1 = first)."""

    asset_id: str
    score: float
    ranks: dict[str, int] = field(default_factory=dict)


def fuse(rankings: Mapping[str, Sequence[str]], k: int, exclude: str | None = None) -> list[Found]:
    """Reciprocal-rank fusion of ranked id lists, best ``k`` first (ties by id, stable)."""
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for name, ids in rankings.items():
        for place, item in enumerate((i for i in ids if i != exclude), start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (_RRF_K + place)
            ranks.setdefault(item, {})[name] = place
    best = sorted(scores, key=lambda item: (-scores[item], item))[:k]
    return [Found(item, round(scores[item], 6), ranks[item]) for item in best]


class Discovery:
    """Search and similarity over one library's indexes."""

    def __init__(
        self,
        library: Library,
        embedder: TextEmbedder,
        meanings: NearestIndex,
        sounds: NearestIndex,
        words: TextIndex,
    ) -> None:
        self.library = library
        self.embedder = embedder
        self.meanings = meanings
        self.sounds = sounds
        self.words = words
        self.tagger = SemanticTagger(embedder)

    def index_pending(self, station: str, on_batch: Callable[[int], None] | None = None) -> int:
        """Index every asset changed since it was last indexed; how many were indexed.

        Each batch is written to the three indexes before it is marked indexed,
        so an interrupted run leaves at worst assets indexed twice, never an
        asset marked indexed that search cannot find.
        """
        done, after = 0, None
        while batch := self.library.stale_for_index(station, _BATCH, after):
            self._index(batch)
            done += len(batch)
            after = batch[-1].id
            if on_batch is not None:
                on_batch(len(batch))
        return done

    def _index(self, assets: Sequence[LibraryAsset]) -> None:
        texts = [describe(a) for a in assets]
        vectors = self.embedder.embed(texts)
        semantic = self.tagger.tag_many(assets)
        self.meanings.upsert_many(
            [(a.id, v, _filterable(a)) for a, v in zip(assets, vectors, strict=True)]
        )
        sounding = [(a, sound_vector(a.audio)) for a in assets]
        self.sounds.upsert_many([(a.id, v, _filterable(a)) for a, v in sounding if v is not None])
        self.words.put_many(
            [
                SearchText(a.id, a.station, a.kind.value, " ".join([text, *tags]))
                for a, text, tags in zip(assets, texts, semantic, strict=True)
            ]
        )
        self.library.mark_indexed(
            assets[0].station,
            {a.id: tags for a, tags in zip(assets, semantic, strict=True)},
            as_of={a.id: a.updated_at for a in assets},
        )

    def search(
        self, station: str, query: str, k: int = 10, kind: AssetKind | None = None
    ) -> list[Found]:
        """The assets that best match ``query`` in words and in meaning, best first."""
        if not query.strip():
            raise NothingToSearch("the search has no words: say what to look for")
        where = _where(station, kind)
        wide = max(_CANDIDATES, k)
        # The two rankings are independent, and both release the GIL: run them side by side.
        with ThreadPoolExecutor(1) as pool:
            by_words = pool.submit(self.words.match, station, query, wide, kind and kind.value)
            by_meaning = self.meanings.nearest(self.embedder.embed([query])[0], wide, where)
            words = [item for item, _ in by_words.result()]
        return fuse({"meaning": _ids(by_meaning), "words": words}, k)

    def similar(self, asset_id: str, k: int = 10, *, any_kind: bool = False) -> list[Found]:
        """Assets like ``asset_id`` in what they are and how they sound, of its kind."""
        asset = self.library.get(asset_id)
        where = _where(asset.station, None if any_kind else asset.kind)
        wide = max(_CANDIDATES, k + 1)
        meaning = self.embedder.embed([describe(asset)])[0]
        rankings = {"meaning": _ids(self.meanings.nearest(meaning, wide, where))}
        sound = sound_vector(asset.audio)
        if sound is not None:
            rankings["sound"] = _ids(self.sounds.nearest(sound, wide, where))
        return fuse(rankings, k, exclude=asset_id)


def _filterable(asset: LibraryAsset) -> dict[str, str | int | float | bool]:
    metadata: dict[str, str | int | float | bool] = {
        "station": asset.station,
        "kind": asset.kind.value,
    }
    if asset.tags.language:
        metadata["language"] = asset.tags.language
    return metadata


def _where(station: str, kind: AssetKind | None) -> dict[str, str]:
    return {"station": station} | ({"kind": kind.value} if kind else {})


def _ids(neighbours: Sequence[Near]) -> list[str]:
    return [n.item_id for n in neighbours]
