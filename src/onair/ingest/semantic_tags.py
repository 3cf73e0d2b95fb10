"""Semantic tags: the mood and genre labels nearest an asset's embedding.

Each label is embedded once as a phrase. Moods are described in the words
:func:`~onair.ingest.description.sound_words` uses for the measured sound, and
an asset's sound words pick the nearest (so only assets with audio get a
mood). A genre label is given when the asset's genre tag, however a label
spells it ("Hip-Hop/Rap", "Deep House", "Electronica"), lies clearly near one;
a title alone is no ground for a genre guess.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from onair.domain.library import AssetKind, LibraryAsset
from onair.ingest.description import sound_words
from onair.ingest.ports import TextEmbedder

__all__ = ["GENRES", "MOODS", "SemanticTagger"]

MOODS = {
    "mellow": "slow tempo, calm, low energy, soft",
    "chill": "mid tempo, relaxed, laid back, low energy",
    "upbeat": "upbeat, lively, moderate energy",
    "energetic": "fast tempo, energetic, high energy, driving",
    "dark": "warm, dark, deep, brooding",
    "bright": "bright, airy, sparkling, cheerful",
    "dreamy": "slow, soft, spacious, wide dynamics",
    "intense": "loud, high energy, wide dynamics, dramatic",
}
GENRES = (
    "pop", "rock", "jazz", "blues", "soul", "r&b", "hip hop", "electronic", "dance", "house",
    "techno", "ambient", "classical", "country", "folk", "reggae", "latin", "metal", "punk",
    "indie", "funk", "gospel", "world music", "soundtrack",
)  # fmt: skip
_GENRE_MIN_SIMILARITY = 0.7  # measured: "Nu-Jazz" 0.80 to jazz, "Deep House" 0.79 to house
_SECOND_MOOD_WITHIN = 0.03  # a second mood only when it is about as near as the first

Matrix = npt.NDArray[np.float32]


class SemanticTagger:
    """Labels for assets; label and phrase embeddings are made once and kept."""

    def __init__(self, embedder: TextEmbedder) -> None:
        self.embedder = embedder
        self._labels: tuple[Matrix, Matrix] | None = None
        self._moods_of: dict[str, tuple[str, ...]] = {}  # sound words -> moods
        self._genre_of: dict[str, str | None] = {}  # genre tag (folded) -> label

    def tag_many(self, assets: Sequence[LibraryAsset]) -> list[tuple[str, ...]]:
        """``mood:<label>`` and ``genre:<label>`` tags for each asset, in order."""
        music = {
            a.id: (sound_words(a.audio, figures=False) if a.audio else None, _folded(a.tags.genre))
            for a in assets
            if a.kind is AssetKind.MUSIC
        }
        self._learn_moods({words for words, _ in music.values() if words})
        self._learn_genres({genre for _, genre in music.values() if genre})
        found = []
        for asset in assets:
            words, genre = music.get(asset.id, (None, None))
            tags = [f"mood:{m}" for m in self._moods_of[words]] if words else []
            label = self._genre_of.get(genre) if genre else None
            found.append((*tags, f"genre:{label}") if label else tuple(tags))
        return found

    def _learn_moods(self, phrases: set[str]) -> None:
        new = sorted(phrases - self._moods_of.keys())
        if not new:
            return
        moods, _ = self._label_vectors()
        closeness = np.asarray(self.embedder.embed(new), dtype=np.float32) @ moods.T
        names = list(MOODS)
        for phrase, row in zip(new, closeness, strict=True):
            order = np.argsort(-row)
            picked = [names[order[0]]]
            if row[order[0]] - row[order[1]] <= _SECOND_MOOD_WITHIN:
                picked.append(names[order[1]])
            self._moods_of[phrase] = tuple(picked)

    def _learn_genres(self, genres: set[str]) -> None:
        new = sorted(genres - self._genre_of.keys())
        if not new:
            return
        _, labels = self._label_vectors()
        vectors = self.embedder.embed([f"{g} music" for g in new])
        closeness = np.asarray(vectors, dtype=np.float32) @ labels.T
        for genre, row in zip(new, closeness, strict=True):
            best = int(np.argmax(row))
            self._genre_of[genre] = GENRES[best] if row[best] >= _GENRE_MIN_SIMILARITY else None

    def _label_vectors(self) -> tuple[Matrix, Matrix]:
        if self._labels is None:
            phrases = [f"{name}: {words}" for name, words in MOODS.items()]
            phrases += [f"{g} music" for g in GENRES]
            matrix = np.asarray(self.embedder.embed(phrases), dtype=np.float32)
            self._labels = (matrix[: len(MOODS)], matrix[len(MOODS) :])
        return self._labels


def _folded(genre: str | None) -> str | None:
    return genre.casefold() if genre else None
