"""The awkward library's files are what its truth says: the cases tried on ingest and playout."""

from __future__ import annotations

from collections import Counter

import av
import mutagen
import numpy as np
import pyloudnorm
import pytest

from tests.fixtures.awkward_library import AwkwardLibrary, AwkwardTrack, plan_awkward_library


def _decode(library: AwkwardLibrary, track: AwkwardTrack) -> tuple[str, int, np.ndarray]:
    with av.open(str(library.path(track))) as container:
        stream = container.streams.audio[0]
        frames = [f.to_ndarray() for f in container.decode(stream)]
        codec, rate = stream.codec_context.name.removesuffix("float"), stream.rate
    audio = np.concatenate(frames, axis=1).astype(np.float64)
    if audio.shape[0] != track.channels:  # packed samples: one row, channels interleaved
        audio = audio.reshape(-1, track.channels).T
    return codec, rate, audio / (32768.0 if np.abs(audio).max() > 2 else 1.0)


def test_every_readable_file_decodes_as_planned(awkward_library: AwkwardLibrary) -> None:
    codecs: Counter[str] = Counter()
    for track in awkward_library.tracks:
        if track.case in ("unreadable", "truncated"):
            continue
        codec, rate, audio = _decode(awkward_library, track)
        codecs[codec] += 1
        assert (rate, audio.shape[0]) == (track.rate, track.channels), track.file
        # MP3 adds an encoder delay; nothing is a second off.
        assert abs(audio.shape[1] / rate - track.seconds) < 0.1, track.file
    assert set(codecs) == {"vorbis", "mp3", "flac"}
    assert min(codecs.values()) >= 3


def test_the_awkward_cases_sound_as_named(awkward_library: AwkwardLibrary) -> None:
    for track in awkward_library.of_case("dynamic"):
        _, rate, audio = _decode(awkward_library, track)
        assert pyloudnorm.Meter(rate).integrated_loudness(audio.T) == pytest.approx(-24, abs=1)
        assert 20 * np.log10(np.abs(audio).max()) > -0.5  # timpani at full scale
    for track in awkward_library.of_case("quiet_intro"):
        _, rate, audio = _decode(awkward_library, track)
        intro, music = audio[:, : 9 * rate], audio[:, 11 * rate :]
        assert 20 * np.log10(np.abs(intro).max()) == pytest.approx(-40, abs=1.5)
        assert 20 * np.log10(np.abs(music).max()) > -15
    for track in awkward_library.of_case("cold_open"):
        _, rate, audio = _decode(awkward_library, track)
        assert 20 * np.log10(np.abs(audio[:, 1000 : rate // 10]).max()) > -12
    for track in awkward_library.of_case("long_fade"):
        _, rate, audio = _decode(awkward_library, track)
        assert 40 <= track.fade_s <= 60
        late = audio[:, -round(track.fade_s / 2 * rate) :]  # the fade's second half
        assert 20 * np.log10(np.abs(late).max()) < -10
    _, _, silence = _decode(awkward_library, awkward_library.of_case("silence")[0])
    assert not silence.any()
    assert all(4 <= t.seconds <= 8 for t in awkward_library.of_case("short"))
    assert [round(t.seconds) for t in awkward_library.of_case("ten_minutes")] == [601]


def test_tags_are_as_messy_as_real_ones(awkward_library: AwkwardLibrary) -> None:
    for track in awkward_library.of_case("untagged"):
        tags = mutagen.File(awkward_library.path(track), easy=True).tags or {}
        assert not {"title", "artist", "album"} & set(tags.keys())  # an encoder tag at most
    album = awkward_library.of_case("half_tagged_album")
    assert len({t.tags.album for t in album if t.tags}) == 1
    assert sum(1 for t in album if t.tags and t.tags.album_artist) == 2
    assert len({t.tags.artist for t in album if t.tags}) >= 3


def test_broken_files_are_broken(awkward_library: AwkwardLibrary) -> None:
    with pytest.raises(av.error.InvalidDataError):
        av.open(str(awkward_library.path(awkward_library.of_case("unreadable")[0])))
    cut = awkward_library.of_case("truncated")[0]
    declared = mutagen.File(awkward_library.path(cut)).info.length
    _, rate, audio = _decode(awkward_library, cut)
    assert audio.shape[1] / rate < 0.6 * declared


def test_the_same_seed_plans_the_same_library() -> None:
    assert plan_awkward_library("big", seed=3) == plan_awkward_library("big", seed=3)
    assert plan_awkward_library("big", seed=3) != plan_awkward_library("big", seed=4)
    big = plan_awkward_library("big")
    assert 85 <= len(big) <= 95
    assert len({t.file for t in big}) == len(big)
