"""Tags read from real files of every format the station takes, made with ffmpeg."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.id3 import (
    ID3,
    TALB,
    TBPM,
    TCOM,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    TPE2,
    TPUB,
    TSRC,
    TXXX,
)
from mutagen.mp4 import MP4, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from onair.ingest.tags import UnreadableTags, read_tags
from tests.integration.ingest.synth import render

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg missing: .ci/run installs Debian's ffmpeg"
)

TAGS = {
    "title": "Summer Nights (feat. Rihanna)",
    "artist": "Calvin Harris & Disciples",
    "album": "Motion",
    "album_artist": "Calvin Harris",
    "isrc": "gb-ce1-14-00123",
    "label": "Columbia",
    "date": "2014-10-31",
    "genre": "Dance",
    "language": "ENG",
    "composer": "Adam Wiles",
    "publisher": "EMI Music Publishing",
    "bpm": "128",
}


def _silence(path: Path, extra: list[str] | None = None) -> Path:
    return render(path, ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.3"], extra)


def _id3(tags: ID3) -> None:
    tags.add(TIT2(encoding=3, text=TAGS["title"]))
    tags.add(TPE1(encoding=3, text=TAGS["artist"]))
    tags.add(TALB(encoding=3, text=TAGS["album"]))
    tags.add(TPE2(encoding=3, text=TAGS["album_artist"]))
    tags.add(TSRC(encoding=3, text=TAGS["isrc"]))
    tags.add(TXXX(encoding=3, desc="Label", text=TAGS["label"]))
    tags.add(TPUB(encoding=3, text="fallback label"))
    tags.add(TDRC(encoding=3, text=TAGS["date"]))
    tags.add(TCON(encoding=3, text=TAGS["genre"]))
    tags.add(TLAN(encoding=3, text=TAGS["language"]))
    tags.add(TCOM(encoding=3, text=TAGS["composer"]))
    tags.add(TXXX(encoding=3, desc="PUBLISHER", text=TAGS["publisher"]))
    tags.add(TBPM(encoding=3, text=TAGS["bpm"]))
    tags.add(TXXX(encoding=3, desc="EXPLICIT", text="1"))


def _vorbis(audio: FLAC | OggVorbis | OggOpus) -> None:
    if audio.tags is None:
        audio.add_tags()
    for key, value in TAGS.items():
        audio[key.replace("_", "")] = value
    audio["explicit"] = "yes"
    audio.save()


def make_mp3(path: Path, version: int) -> None:
    tags = ID3()
    _id3(tags)
    tags.save(_silence(path), v2_version=version)


def make_vorbis(path: Path) -> None:
    _silence(path)
    kind = {".flac": FLAC, ".ogg": OggVorbis, ".opus": OggOpus}[path.suffix]
    _vorbis(kind(path))


def make_m4a(path: Path) -> None:
    audio = MP4(_silence(path))
    audio["\xa9nam"], audio["\xa9ART"] = TAGS["title"], TAGS["artist"]
    audio["\xa9alb"], audio["aART"] = TAGS["album"], TAGS["album_artist"]
    audio["\xa9day"], audio["\xa9gen"], audio["\xa9wrt"] = "2014", TAGS["genre"], TAGS["composer"]
    audio["tmpo"], audio["rtng"] = [128], [1]
    for name in ("isrc", "label", "publisher", "language"):
        audio[f"----:com.apple.iTunes:{name.upper()}"] = MP4FreeForm(TAGS[name].encode())
    audio.save()


def make_aiff(path: Path) -> None:
    audio = AIFF(_silence(path))
    audio.add_tags()
    _id3(audio.tags)
    audio.save()


def make_wav(path: Path) -> None:
    meta = ["title", "artist", "album", "date", "genre", "language"]
    _silence(path, [arg for key in meta for arg in ("-metadata", f"{key}={TAGS[key]}")])


MAKERS: dict[str, Callable[[Path], None]] = {
    "song.mp3": lambda p: make_mp3(p, 4),
    "song-v23.mp3": lambda p: make_mp3(p, 3),
    "song.flac": make_vorbis,
    "song.ogg": make_vorbis,
    "song.opus": make_vorbis,
    "song.m4a": make_m4a,
    "song.aiff": make_aiff,
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_every_format_reads_into_the_same_normalized_tags(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    MAKERS[name](path)
    tags = read_tags(path)
    assert tags.title == "Summer Nights"
    assert tags.artist == "Calvin Harris & Disciples"
    assert tags.artists == ("Calvin Harris", "Disciples", "Rihanna")
    assert (tags.album, tags.album_artist) == ("Motion", "Calvin Harris")
    assert tags.isrc == "GBCE11400123"
    assert (tags.label, tags.publisher, tags.composer) == (
        "Columbia", "EMI Music Publishing", "Adam Wiles",
    )  # fmt: skip
    assert (tags.year, tags.genre, tags.language) == (2014, "Dance", "eng")
    assert tags.bpm == 128
    assert tags.explicit is True
    assert tags.problems == ()
    assert tags.original  # the tags as found are kept


def test_riff_info_of_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "song.wav"
    make_wav(path)
    tags = read_tags(path)
    assert tags.title == "Summer Nights"
    assert tags.artists == ("Calvin Harris", "Disciples", "Rihanna")
    assert (tags.album, tags.year, tags.genre) == ("Motion", 2014, "Dance")
    assert tags.original["INAM"] == ["Summer Nights (feat. Rihanna)"]


def test_id3v1_mojibake_is_repaired(tmp_path: Path) -> None:
    path = _silence(tmp_path / "old.mp3")
    tags = ID3()
    # A tagger that wrote UTF-8 bytes into ID3v1's Latin-1 fields.
    tags.add(TIT2(encoding=0, text="Déjà Vu".encode().decode("latin-1")))
    tags.add(TPE1(encoding=0, text="BEYONCÉ FEAT. JAY-Z".encode().decode("latin-1")))
    tags.save(path, v1=2)
    ID3(path).delete(path, delete_v1=False, delete_v2=True)
    read = read_tags(path)
    assert read.title == "Déjà Vu"
    assert read.artists == ("Beyoncé", "Jay-Z")


def test_unusable_values_are_named_not_fatal(tmp_path: Path) -> None:
    path = _silence(tmp_path / "bad.flac")
    audio = FLAC(path)
    audio["title"], audio["isrc"], audio["date"] = "Song", "NOT-AN-ISRC", "20O4"
    audio["explicit"], audio["bpm"] = "maybe", "9000"
    audio.save()
    tags = read_tags(path, whole_names=[])
    assert tags.title == "Song"
    assert (tags.isrc, tags.year, tags.explicit, tags.bpm) == (None, None, None, None)
    assert len(tags.problems) == 4
    assert any("NOT-AN-ISRC" in p for p in tags.problems)
    assert tags.original["ISRC"] == ["NOT-AN-ISRC"]


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.mp3", b"this is a text file, not audio\n" * 10), ("empty.flac", b"")],
)
def test_a_file_that_is_not_audio_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableTags, match=name):
        read_tags(path)
