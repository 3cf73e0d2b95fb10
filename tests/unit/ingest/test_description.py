from __future__ import annotations

import math

import pytest

from onair.domain.library import (
    SOUND_DIMENSIONS,
    TIMBRE_BANDS,
    AssetKind,
    AudioFacts,
    Ending,
    LibraryAsset,
)
from onair.domain.tags import TrackTags
from onair.ingest.description import describe, sound_vector, sound_words
from onair.ingest.discovery import fuse

DARK = tuple(-20.0 - 2 * n for n in range(TIMBRE_BANDS))  # falling: bass-heavy
BRIGHT = tuple(-70.0 + 2 * n for n in range(TIMBRE_BANDS))  # rising: treble-heavy


def _audio(**changes: object) -> AudioFacts:
    facts = {
        "duration_s": 250.4, "codec": "mp3", "sample_rate": 44100, "channels": 2,
        "bitrate": 192000, "loudness_lufs": -14.0, "loudness_range_lu": 6.0,
        "true_peak_dbtp": -1.0, "gain_db": -2.0, "cue_in_s": 0.1, "cue_out_s": 249.0,
        "intro_end_s": 8.0, "segue_s": 245.0, "ending": Ending.FADE, "bpm": 72.0,
        "energy": 0.2, "fingerprint": "", "timbre": DARK,
    } | changes  # fmt: skip
    return AudioFacts(**facts)  # type: ignore[arg-type]


def _asset(audio: AudioFacts | None = None, kind: AssetKind = AssetKind.MUSIC) -> LibraryAsset:
    tags = TrackTags(
        title="Blue Night", artist="Ana Silva feat. Joe", artists=("Ana Silva", "Joe"),
        album="Quiet Hours", genre="Jazz", year=2019, explicit=True,
    )  # fmt: skip
    return LibraryAsset(id="A1", station="demo", kind=kind, tags=tags, audio=audio)


def test_the_sentence_carries_tags_and_sound() -> None:
    text = describe(_asset(_audio()))
    for words in ("Blue Night", "by Ana Silva feat. Joe", "featuring Joe", "Album: Quiet Hours",
                  "Genre: Jazz", "Year: 2019", "explicit lyrics", "slow tempo, 72 BPM",
                  "calm, mellow, low energy", "warm, dark", "fades out", "4:10 long"):  # fmt: skip
        assert words in text


def test_a_catalog_entry_without_audio_is_described_by_its_tags_alone() -> None:
    text = describe(_asset(None))
    assert "Genre: Jazz" in text
    assert "BPM" not in text
    assert "energy" not in text


def test_imaging_says_what_it_is() -> None:
    assert "station ID" in describe(_asset(_audio(), AssetKind.STATION_ID))


@pytest.mark.parametrize(
    ("bpm", "energy", "words"),
    [
        (72.0, 0.2, "slow tempo"),
        (100.0, 0.5, "mid tempo"),
        (124.0, 0.55, "upbeat"),
        (150.0, 0.9, "fast tempo"),
        (150.0, 0.9, "energetic, high energy"),
        (100.0, 0.5, "moderate energy"),
    ],
)
def test_measured_tempo_and_energy_in_words(bpm: float, energy: float, words: str) -> None:
    assert words in sound_words(_audio(bpm=bpm, energy=energy))


def test_without_figures_only_the_qualities_remain() -> None:
    assert (
        sound_words(_audio(), figures=False)
        == "slow tempo, calm, mellow, low energy, warm, dark, fades out"
    )


def test_brightness_follows_the_spectrum() -> None:
    assert "bright" in sound_words(_audio(timbre=BRIGHT))
    assert "bright" not in sound_words(_audio(timbre=DARK))


def test_the_sound_vector_ignores_level_but_not_shape() -> None:
    quiet = tuple(v - 12 for v in DARK)
    a, b = sound_vector(_audio()), sound_vector(_audio(timbre=quiet))
    c = sound_vector(_audio(timbre=BRIGHT))
    assert a is not None
    assert b is not None
    assert c is not None
    assert len(a) == SOUND_DIMENSIONS
    assert a == pytest.approx(b)
    assert _cosine(a, c) < _cosine(a, b)


def test_no_sound_vector_without_a_measured_timbre() -> None:
    assert sound_vector(None) is None
    assert sound_vector(_audio(timbre=())) is None
    assert sound_vector(_audio(timbre=(-120.0,) * TIMBRE_BANDS)) is None


def test_fusion_rewards_agreement_and_excludes_the_asset_itself() -> None:
    found = fuse({"words": ["a", "b", "c"], "meaning": ["c", "d", "a"]}, k=3, exclude="d")
    assert [f.asset_id for f in found] == ["a", "c", "b"]
    assert found[0].ranks == {"words": 1, "meaning": 2}  # "d" takes no place
    assert found[0].score == pytest.approx(1 / 61 + 1 / 62, abs=1e-6)
    assert all(f.asset_id != "d" for f in found)


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
