"""A synthesized demo library whose truth is known: music, station IDs, jingles, liners.

Every track is made from numpy (kick, bass, hats and a chord progression at a
chosen tempo, with or without a quieter intro, ending cold or on a fade, with
lead and tail silence), encoded with PyAV and tagged with mutagen. Beside the
audio go ``catalog.csv`` (metadata and usage rights, docs/catalog-csv.md) and
``truth.json`` (what each file really contains, for tests and benchmarks).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TALB, TCON, TDRC, TIT2, TPE1, TPE2, TSRC, TXXX

__all__ = [
    "DemoRecipe",
    "DemoTrack",
    "build_demo_library",
    "make_demo_file",
    "make_demo_files",
    "plan_demo_library",
    "write_demo_catalog",
]

RATE = 44100
_FIRST = ["Nova", "Luna", "Echo", "Velvet", "Neon", "Silver", "Paper", "Golden", "Midnight", "Wild"]
_SECOND = ["Harbor", "Tigers", "Avenue", "Signal", "Hearts", "Parade", "Lights", "Rivers", "Foxes"]
_SINGERS = ["Mara Quinn", "Jonah Vale", "Ama Osei", "Lio Park", "Sofia Reyes", "Theo Grant"]
_WORDS = ["Summer", "Static", "Gravity", "Neon", "Falling", "Tonight", "Satellite", "Gold", "Run"]
_GENRES = ["Pop", "Dance", "Indie", "Hip-Hop", "Rock", "R&B"]
_TEMPI = [84, 92, 100, 108, 118, 124, 128, 140, 174]
_PROGRESSION = [0, 7, 9, 5]  # I - V - vi - IV, in semitones above the key


@dataclass(frozen=True)
class DemoTrack:
    file: str
    kind: str  # music, station_id, jingle, liner
    title: str
    artist: str
    album: str | None
    isrc: str | None
    year: int | None
    genre: str | None
    explicit: bool
    vocal_gender: str | None
    bpm: float | None
    lead_s: float
    intro_s: float
    body_s: float
    ending: str  # cold or fade
    fade_s: float
    tail_s: float
    territories: str
    valid_from: str
    valid_until: str
    album_artist: str | None = None  # the band: a credited guest does not make another album

    @property
    def cue_out_s(self) -> float:
        return self.lead_s + self.intro_s + self.body_s + self.fade_s


def _music(bpm: float, key_hz: float, noise_seed: int, seconds: float) -> npt.NDArray[np.float32]:
    """Four bars of the progression, synthesized once and repeated to ``seconds``."""
    loop = _loop(bpm, key_hz, noise_seed)
    n = int(seconds * RATE)
    return np.tile(loop, (1, n // loop.shape[1] + 1))[:, :n]


def _loop(bpm: float, key_hz: float, noise_seed: int) -> npt.NDArray[np.float32]:
    beat = 60.0 / bpm
    n = round(4 * len(_PROGRESSION) * beat * RATE)
    t = np.arange(n, dtype=np.float64) / RATE
    bar = np.floor(t / (4 * beat)).astype(int) % len(_PROGRESSION)
    root = key_hz * np.power(2.0, np.asarray(_PROGRESSION)[bar] / 12)
    chord = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in (1.0, 1.26, 1.5)) / 3
    kick = np.sin(2 * np.pi * 55 * t) * np.exp(-(t % beat) * 18)
    bass = np.sin(2 * np.pi * root / 2 * t) * np.exp(-(t % beat) * 4)
    noise = np.random.default_rng(noise_seed).standard_normal(n)
    hats = noise * np.exp(-(t % (beat / 2)) * 70)
    left = 0.22 * chord + 0.45 * kick + 0.25 * bass + 0.05 * hats
    right = 0.22 * chord + 0.45 * kick + 0.25 * bass + 0.05 * np.roll(hats, 7)
    return np.stack([left, right]).astype(np.float32)


def _shape(
    track: DemoTrack, music: npt.NDArray[np.float32], gain: float
) -> npt.NDArray[np.float32]:
    """Silence, a quieter intro, the body, the ending, silence."""
    lead, tail = int(track.lead_s * RATE), int(track.tail_s * RATE)
    intro, fade = int(track.intro_s * RATE), int(track.fade_s * RATE)
    envelope = np.ones(music.shape[1], dtype=np.float32)
    envelope[:intro] = 0.2  # about 14 dB under the body: what a presenter talks over
    if fade:
        envelope[-fade:] = np.linspace(1, 0, fade, dtype=np.float32)
    else:
        envelope[-int(0.01 * RATE) :] = np.linspace(1, 0, int(0.01 * RATE))  # no click
    shaped = music * envelope * gain
    pad = lambda k: np.zeros((2, k), dtype=np.float32)  # noqa: E731
    return np.concatenate([pad(lead), shaped, pad(tail)], axis=1)


def _encode(path: Path, samples: npt.NDArray[np.float32]) -> None:
    mp3 = path.suffix == ".mp3"
    with av.open(str(path), "w") as out:
        # LAME's quality 7 encodes twice as fast as its default; demo audio can spare it.
        options = {"compression_level": "7"} if mp3 else {}
        codec = "libmp3lame" if mp3 else "flac"
        stream = out.add_stream(codec, rate=RATE, layout="stereo", options=options)
        assert isinstance(stream, av.AudioStream)
        if mp3:
            stream.bit_rate = 192_000
        for start in range(0, samples.shape[1], 65536):
            block = samples[:, start : start + 65536]
            if mp3:
                frame = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(block), format="fltp", layout="stereo"
                )
            else:
                pcm = np.ascontiguousarray((block.T.reshape(1, -1) * 32767).astype(np.int16))
                frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="stereo")
            frame.sample_rate = RATE
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def _tag(path: Path, track: DemoTrack) -> None:
    if path.suffix == ".mp3":
        tags = ID3()
        for frame in (TIT2(encoding=3, text=track.title), TPE1(encoding=3, text=track.artist)):
            tags.add(frame)
        if track.album:
            tags.add(TALB(encoding=3, text=track.album))
        if track.album_artist:
            tags.add(TPE2(encoding=3, text=track.album_artist))
        if track.isrc:
            tags.add(TSRC(encoding=3, text=track.isrc))
        if track.year:
            tags.add(TDRC(encoding=3, text=str(track.year)))
        if track.genre:
            tags.add(TCON(encoding=3, text=track.genre))
        tags.add(TXXX(encoding=3, desc="EXPLICIT", text="1" if track.explicit else "0"))
        tags.save(path)
        return
    audio = FLAC(path)
    audio["title"], audio["artist"] = track.title, track.artist
    for key, value in (("album", track.album), ("albumartist", track.album_artist),
                       ("isrc", track.isrc), ("genre", track.genre)):  # fmt: skip
        if value:
            audio[key] = value
    audio["explicit"] = "yes" if track.explicit else "no"
    audio.save()


def _isrc(rng: random.Random, year: int, n: int) -> str:
    country = rng.choice(["US", "GB", "DE", "SE", "FR"])
    registrant = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(3))
    return f"{country}{registrant}{year % 100:02d}{n:05d}"


def _rights(rng: random.Random) -> tuple[str, str, str]:
    roll = rng.random()
    if roll < 0.08:
        return "GB;IE", "", ""  # not licensed where a US station streams
    if roll < 0.15:
        return "WORLD", "2020-01-01", "2024-12-31"  # the window has closed
    if roll < 0.2:
        return "WORLD", "2030-01-01", ""  # not yet released to radio
    return "WORLD", "", ""


def _music_track(
    rng: random.Random, n: int, seconds: tuple[float, float], suffix: str
) -> DemoTrack:
    band = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}"
    artist = band if rng.random() < 0.7 else f"{band} feat. {rng.choice(_SINGERS)}"
    year = rng.randint(1985, 2026)
    fade = rng.random() < 0.5
    territories, valid_from, valid_until = _rights(rng)
    return DemoTrack(
        file=f"music/{n:04d}.{suffix}",
        kind="music",
        title=f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}",
        artist=artist,
        album=f"{rng.choice(_WORDS)} Sessions",
        album_artist=band,
        isrc=_isrc(rng, year, n),
        year=year,
        genre=rng.choice(_GENRES),
        explicit=rng.random() < 0.12,
        vocal_gender=rng.choice(["female", "male", "mixed", "instrumental"]),
        bpm=float(rng.choice(_TEMPI)),
        lead_s=round(rng.uniform(0.0, 1.5), 2),
        intro_s=0.0 if rng.random() < 0.25 else round(rng.uniform(5, 14), 2),
        body_s=round(rng.uniform(*seconds), 2),
        ending="fade" if fade else "cold",
        fade_s=round(rng.uniform(4, 8), 2) if fade else 0.0,
        tail_s=round(rng.uniform(0.0, 2.0), 2),
        territories=territories,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _imaging_track(rng: random.Random, n: int, kind: str) -> DemoTrack:
    length = {"station_id": (3, 8), "jingle": (4, 10), "liner": (5, 12)}[kind]
    return DemoTrack(
        file=f"imaging/{kind}-{n:04d}.flac", kind=kind,
        title=f"{kind.replace('_', ' ').title()} {n}",
        artist="onair demo", album=None, isrc=None, year=None, genre=None, explicit=False,
        vocal_gender=None, bpm=120.0, lead_s=0.05, intro_s=0.0,
        body_s=round(rng.uniform(*length), 2), ending="cold", fade_s=0.0, tail_s=0.1,
        territories="WORLD", valid_from="", valid_until="",
    )  # fmt: skip


@dataclass(frozen=True)
class DemoRecipe:
    """What one file of the demo library is made of: its truth and its synthesis."""

    track: DemoTrack
    key_hz: float
    noise_seed: int
    gain: float


def plan_demo_library(
    tracks: int = 300,
    *,
    seed: int = 1,
    seconds: tuple[float, float] = (150.0, 220.0),
    flac_songs: int = 0,
) -> list[DemoRecipe]:
    """The recipes of ``tracks`` items (about 1 in 8 imaging); the same seed, the same plan.

    Songs are MP3, one in five FLAC; the first ``flac_songs`` songs are all FLAC,
    which encodes about fourteen times faster than PyAV's LAME.
    """
    rng = random.Random(seed)
    recipes = []
    songs = 0
    for n in range(tracks):
        kind = "music" if n % 8 else ["station_id", "jingle", "liner"][(n // 8) % 3]
        if kind == "music":
            songs += 1
            flac = n % 5 == 0 or songs <= flac_songs
            track = _music_track(rng, n, seconds, "flac" if flac else "mp3")
        else:
            track = _imaging_track(rng, n, kind)
        key = 110 * 2 ** (rng.randrange(12) / 12)
        noise_seed = rng.randrange(2**32)
        gain = 10 ** (rng.uniform(-6, 0) / 20)
        recipes.append(DemoRecipe(track, key * 2, noise_seed, gain))
    return recipes


def make_demo_file(out_dir: Path, recipe: DemoRecipe) -> DemoTrack:
    """Synthesize, encode and tag one file (a plain function, so a process pool can run it)."""
    track = recipe.track
    length = track.intro_s + track.body_s + track.fade_s
    music = _music(track.bpm or 120.0, recipe.key_hz, recipe.noise_seed, length)
    samples = _shape(track, music, recipe.gain)
    path = out_dir / track.file
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a hidden name and renamed once whole: a stop leaves no half file.
    partial = path.with_name(f".{path.stem}.part{path.suffix}")
    _encode(partial, samples)
    _tag(partial, track)
    partial.replace(path)
    return track


def write_demo_catalog(out_dir: Path, made: Sequence[DemoTrack]) -> None:
    """``catalog.csv`` (metadata and rights) and ``truth.json`` beside the audio."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_catalog(out_dir / "catalog.csv", made)
    (out_dir / "truth.json").write_text(json.dumps([asdict(t) for t in made], indent=1))


def make_demo_files(
    out_dir: Path,
    recipes: Sequence[DemoRecipe],
    *,
    pool: Executor | None = None,
    on_track: Callable[[DemoTrack], None] | None = None,
) -> None:
    """Make the files of ``recipes``, on ``pool``'s workers when given (each file is one task)."""
    if pool is None:
        for recipe in recipes:
            track = make_demo_file(out_dir, recipe)
            if on_track:
                on_track(track)
        return
    futures = [pool.submit(make_demo_file, out_dir, recipe) for recipe in recipes]
    for future in as_completed(futures):
        track = future.result()
        if on_track:
            on_track(track)


def build_demo_library(
    out_dir: Path,
    tracks: int = 300,
    *,
    seed: int = 1,
    seconds: tuple[float, float] = (150.0, 220.0),
    on_track: Callable[[DemoTrack], None] | None = None,
    pool: Executor | None = None,
) -> list[DemoTrack]:
    """Write ``tracks`` items (about 1 in 8 imaging) with catalog.csv and truth.json."""
    recipes = plan_demo_library(tracks, seed=seed, seconds=seconds)
    make_demo_files(out_dir, recipes, pool=pool, on_track=on_track)
    made = [r.track for r in recipes]
    write_demo_catalog(out_dir, made)
    return made


def _categories(made: Sequence[DemoTrack]) -> dict[str, str]:
    """The demo station's rotations by recency: the newest songs power, the oldest gold."""
    songs = sorted((t for t in made if t.isrc), key=lambda t: -(t.year or 0))
    shares = (("power", 0.15), ("current", 0.25), ("recurrent", 0.25))
    categories: dict[str, str] = {}
    start = 0
    for name, share in shares:
        end = start + round(share * len(songs))
        categories.update((t.file, name) for t in songs[start:end])
        start = end
    categories.update((t.file, "gold") for t in songs[start:])
    return categories


def _write_catalog(path: Path, made: Sequence[DemoTrack]) -> None:
    category = _categories(made)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["isrc", "title", "artist", "album", "year", "genre", "explicit", "file",
                         "territories", "valid_from", "valid_until", "vocal_gender",
                         "category"])  # fmt: skip
        for t in made:
            if t.isrc:
                writer.writerow([t.isrc, t.title, t.artist, t.album, t.year, t.genre,
                                 "yes" if t.explicit else "no", t.file, t.territories,
                                 t.valid_from, t.valid_until, t.vocal_gender or "",
                                 category[t.file]])  # fmt: skip
