"""What discovery reads about an asset: a sentence of its metadata and sound, and a sound vector.

The sentence feeds both the text embedding and the full-text index, so a
search for "mellow late-night jazz" meets "calm, mellow, low energy" measured
from the audio as well as "jazz" from the label's tags. The sound vector is
the measured timbre with tempo, energy, dynamics and brightness: what
``onair library similar`` compares when the tags say nothing alike.
"""

from __future__ import annotations

import math

import numpy as np

from onair.domain.library import SOUND_DIMENSIONS, AssetKind, AudioFacts, Ending, LibraryAsset

__all__ = ["describe", "sound_vector", "sound_words"]

_KIND_WORDS = {
    AssetKind.STATION_ID: "station ID, station identification",
    AssetKind.JINGLE: "jingle",
    AssetKind.LINER: "liner, spoken station liner",
    AssetKind.SWEEPER: "sweeper",
    AssetKind.PROMO: "promo",
    AssetKind.SPOT: "commercial spot, advert",
    AssetKind.BED: "music bed",
    AssetKind.VOICE: "voice track, speech",
}
_AUDIBLE_DB = -90.0  # timbre bands below this are empty, not dark


def describe(asset: LibraryAsset) -> str:
    """One sentence of what the asset is and how it sounds."""
    tags = asset.tags
    parts = [asset.title]
    if tags.artist:
        parts.append(f"by {tags.artist}")
    featured = [a for a in tags.artists[1:] if a != tags.artist]
    if featured:
        parts.append("featuring " + ", ".join(featured))
    sentence = " ".join(parts) + "."
    facts = [
        f"{label}: {value}"
        for label, value in (
            ("Album", tags.album),
            ("Genre", tags.genre),
            ("Label", tags.label),
            ("Year", tags.year),
            ("Language", tags.language),
            ("Composer", tags.composer),
        )
        if value
    ]
    if asset.kind in _KIND_WORDS:
        facts.append(_KIND_WORDS[asset.kind])
    if tags.explicit:
        facts.append("explicit lyrics")
    if asset.audio is not None:
        facts.append(sound_words(asset.audio))
    return " ".join([sentence, *(f"{f}." for f in facts)])


def sound_words(audio: AudioFacts, *, figures: bool = True) -> str:
    """The measured sound in the words an operator searches with (and BPM and length)."""
    words = []
    if audio.bpm:
        pace = (
            "slow tempo" if audio.bpm < 85
            else "mid tempo" if audio.bpm < 110
            else "upbeat" if audio.bpm < 135
            else "fast tempo"
        )  # fmt: skip
        words.append(f"{pace}, {audio.bpm:.0f} BPM" if figures else pace)
    words.append(
        "calm, mellow, low energy" if audio.energy < 0.4
        else "moderate energy" if audio.energy < 0.7
        else "energetic, high energy"
    )  # fmt: skip
    brightness = _brightness(audio.timbre)
    if brightness is not None:
        words.append("bright" if brightness > 0.55 else "warm, dark" if brightness < 0.35 else "")
    if audio.loudness_range_lu > 12:
        words.append("wide dynamics")
    words.append("cold ending" if audio.ending is Ending.COLD else "fades out")
    if figures:
        minutes, seconds = divmod(round(audio.duration_s), 60)
        words.append(f"{minutes}:{seconds:02d} long")
    return ", ".join(w for w in words if w)


def _brightness(timbre: tuple[float, ...]) -> float | None:
    """Where the spectrum's weight sits, 0 (all bass) to 1 (all treble), by band."""
    levels = np.asarray(timbre, dtype=np.float64)
    if levels.size == 0 or levels.max() <= _AUDIBLE_DB:
        return None
    weight = 10 ** (np.maximum(levels, _AUDIBLE_DB) / 20)  # amplitude: power overweights bass
    return float((weight * np.arange(levels.size)).sum() / weight.sum() / (levels.size - 1))


def sound_vector(audio: AudioFacts | None) -> list[float] | None:
    """The sound as ``SOUND_DIMENSIONS`` values, or None when nothing was measured."""
    if audio is None or not audio.timbre:
        return None
    levels = np.maximum(np.asarray(audio.timbre, dtype=np.float64), _AUDIBLE_DB)
    if levels.max() <= _AUDIBLE_DB:
        return None
    shape = (levels - levels.mean()) / 20  # the spectrum's shape, whatever the level
    tempo = math.log2(audio.bpm / 120) if audio.bpm else 0.0
    brightness = _brightness(audio.timbre) or 0.0
    extra = [tempo, audio.energy * 2 - 1, audio.loudness_range_lu / 10 - 1, brightness * 2 - 1]
    vector = [*(float(v) for v in shape), *extra]
    assert len(vector) == SOUND_DIMENSIONS
    return vector
