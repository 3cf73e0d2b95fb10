"""A mixed library for the ingest bench: six codecs, four rates, mono and stereo, 3 s to 20 min.

Each file is synthesized once (numpy, streamed into ffmpeg a block at a time, so
a 20-minute 96 kHz file never sits in memory whole) and kept for later runs.
The material is built to look like a station's library to every measurement:
songs with a beat, a melody and a fade or a cold end, loud brickwalled masters
and quiet dynamic ones whose peaks reach full scale (these go through the
aired-loudness measurement), spoken liners, short jingles, a CD track with a
hidden track after minutes of digital silence, and two 20-minute show files.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["ITEMS", "Item", "mixed_corpus"]

_ENCODERS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "192k"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "5"],
    "opus": ["-c:a", "libopus", "-b:a", "128k"],
    "flac": ["-c:a", "flac"],
    "m4a": ["-c:a", "aac", "-b:a", "192k"],
    "wav": ["-c:a", "pcm_s16le"],
}
_BLOCK_S = 10.0


@dataclass(frozen=True)
class Item:
    sound: str  # song, loud, dynamic, speech, jingle, hidden, show
    suffix: str
    rate: int
    channels: int
    seconds: float

    def name(self, n: int) -> str:
        khz = f"{self.rate / 1000:g}k"
        return f"{n:02d}-{self.sound}-{khz}-{self.channels}ch-{self.seconds:g}s.{self.suffix}"


ITEMS = (
    Item("song", "mp3", 44_100, 2, 240), Item("loud", "mp3", 44_100, 2, 205),
    Item("dynamic", "mp3", 48_000, 2, 185), Item("song", "mp3", 22_050, 1, 150),
    Item("jingle", "mp3", 44_100, 2, 8), Item("speech", "mp3", 22_050, 1, 30),
    Item("song", "mp3", 44_100, 2, 420),
    Item("song", "ogg", 44_100, 2, 260), Item("dynamic", "ogg", 48_000, 2, 230),
    Item("song", "ogg", 96_000, 2, 200), Item("song", "ogg", 22_050, 1, 180),
    Item("jingle", "ogg", 44_100, 2, 5), Item("hidden", "ogg", 44_100, 2, 660),
    Item("loud", "ogg", 44_100, 2, 95),
    Item("song", "opus", 48_000, 2, 240), Item("dynamic", "opus", 48_000, 2, 320),
    Item("speech", "opus", 48_000, 1, 60), Item("jingle", "opus", 48_000, 2, 4),
    Item("show", "opus", 48_000, 2, 1200),
    Item("song", "flac", 44_100, 2, 250), Item("dynamic", "flac", 96_000, 2, 210),
    Item("song", "flac", 48_000, 1, 120), Item("jingle", "flac", 22_050, 2, 3),
    Item("show", "flac", 96_000, 2, 1200), Item("loud", "flac", 44_100, 2, 300),
    Item("song", "m4a", 44_100, 2, 225), Item("loud", "m4a", 48_000, 2, 275),
    Item("song", "m4a", 96_000, 2, 190), Item("song", "m4a", 22_050, 1, 140),
    Item("speech", "m4a", 44_100, 1, 20), Item("jingle", "m4a", 48_000, 2, 10),
    Item("song", "wav", 44_100, 2, 215), Item("dynamic", "wav", 48_000, 2, 180),
    Item("jingle", "wav", 96_000, 2, 6), Item("speech", "wav", 22_050, 1, 45),
    Item("jingle", "wav", 44_100, 1, 3),
)  # fmt: skip


def mixed_corpus(folder: Path) -> list[Path]:
    """The files of :data:`ITEMS` in ``folder``, synthesized where missing."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / item.name(n) for n, item in enumerate(ITEMS)]
    missing = [(p, n) for n, p in enumerate(paths) if not p.exists()]
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(lambda job: _write(job[0], ITEMS[job[1]], job[1]), missing))
    return paths


def _write(path: Path, item: Item, seed: int) -> None:
    partial = path.with_name(f".partial-{path.name}")
    command = [
        "ffmpeg", "-loglevel", "error", "-y", "-f", "f32le", "-ar", str(item.rate),
        "-ac", str(item.channels), "-i", "-", *_ENCODERS[item.suffix],
        "-metadata", f"title=Bench {item.sound} {seed}",
        "-metadata", f"artist=Bench Artist {seed % 7}",
        "-f", {"m4a": "mp4"}.get(item.suffix, item.suffix), str(partial),
    ]  # fmt: skip
    with subprocess.Popen(command, stdin=subprocess.PIPE) as encoder:
        assert encoder.stdin is not None
        for block in _Sound(item, seed).blocks():
            encoder.stdin.write(block.astype("<f4").tobytes())
        encoder.stdin.close()
    if encoder.returncode:
        raise RuntimeError(f"ffmpeg could not write {path.name}")
    partial.rename(path)


class _Sound:
    """The samples of one item, as a function of time, ``_BLOCK_S`` at a time."""

    def __init__(self, item: Item, seed: int) -> None:
        self.item = item
        self.rng = np.random.default_rng(seed)
        rng = self.rng
        self.beat = 60 / rng.uniform(72, 172)
        self.notes = 110 * 2 ** (rng.choice([0, 2, 3, 5, 7, 8, 10, 12, 14, 15], 16) / 12)
        self.root = float(self.notes[0]) / 2
        self.lead = 0.0 if item.sound in ("jingle", "speech") else float(rng.uniform(0.1, 1.5))
        self.fade = float(rng.uniform(3, 9)) if rng.random() < 0.6 and item.seconds > 60 else 0.0
        self.level = {"loud": 1.6, "dynamic": 0.25, "jingle": 0.9}.get(item.sound, 0.5)
        self.seed = seed
        # A voice of its own: pitch, pace and breath differ per item.
        self.pitch = float(rng.uniform(95, 220))
        self.pace = float(rng.uniform(2.8, 4.6))
        self.phrase = float(rng.uniform(3.0, 5.5))

    def blocks(self) -> Iterator[npt.NDArray[np.float32]]:
        rate, total = self.item.rate, int(self.item.seconds * self.item.rate)
        step = int(_BLOCK_S * rate)
        for number, start in enumerate(range(0, total, step)):
            t = np.arange(start, min(start + step, total)) / rate
            noise = np.random.default_rng((self.seed, number)).standard_normal((2, t.size))
            left, right = self._mix(t, noise)
            if self.item.channels == 1:
                yield ((left + right) / 2).astype(np.float32).reshape(-1, 1)
            else:
                yield np.stack([left, right], axis=1).astype(np.float32)

    def _mix(
        self, t: npt.NDArray[np.float64], noise: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        sound = self.item.sound
        if sound == "speech" or (sound == "show" and (t[0] // 90 + self.seed) % 2 == 0):
            voice = self._speech(t, noise[0])
            left = right = voice
        else:
            melody, beat = self._melody(t), self._drums(t, noise[1])
            left, right = 0.7 * melody + beat, 0.5 * melody + beat
            if sound == "dynamic":  # quiet passages, loud hits that reach full scale
                swell = 0.15 + 0.85 * (0.5 + 0.5 * np.sin(2 * np.pi * t / 37)) ** 4
                hits = 3.5 * self._hits(t)
                left, right = left * swell + hits, right * swell + hits
        shape = self._shape(t)
        hiss = 0.002 * noise[0]
        out_l, out_r = self.level * left * shape + hiss, self.level * right * shape + hiss
        if sound == "loud":  # a brickwalled master: soft-clipped to just under full scale
            out_l, out_r = 0.98 * np.tanh(out_l), 0.98 * np.tanh(out_r)
        if sound == "hidden":  # a CD track: 4 minutes, 6 of digital silence, a hidden minute
            silent = (t >= 240) & (t < 600)
            out_l, out_r = np.where(silent, 0.0, out_l), np.where(silent, 0.0, out_r)
        return out_l, out_r

    def _shape(self, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        end = self.item.seconds
        shape = (t >= self.lead).astype(np.float64)
        shape *= np.clip((t - self.lead) / 0.02, 0, 1)
        if self.fade:
            shape *= np.clip((end - 0.5 - t) / self.fade, 0, 1)
        else:
            shape *= (t < end - 0.3).astype(np.float64)
        return shape

    def _melody(self, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        step = np.floor(t / self.beat).astype(np.int64)
        since = t - step * self.beat
        freq = self.notes[step % self.notes.size]
        tone = sum(np.sin(2 * np.pi * freq * h * since) / h for h in (1, 2, 3))
        pad = 0.3 * np.sin(2 * np.pi * self.root * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.1 * t))
        return 0.35 * tone * np.exp(-since * 3.0) + pad

    def _drums(
        self, t: npt.NDArray[np.float64], noise: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        since = np.mod(t, self.beat)
        kick = np.sin(2 * np.pi * 55 * since * (1 + 2 * np.exp(-since * 30))) * np.exp(-since * 12)
        hat = noise * np.exp(-np.mod(t + self.beat / 2, self.beat) * 60)
        return 0.5 * kick + 0.15 * hat

    def _hits(self, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        bar = 8 * self.beat
        since = np.mod(t, bar)
        return np.sin(2 * np.pi * 80 * since) * np.exp(-since * 20) * (np.mod(t // bar, 3) == 0)

    def _speech(
        self, t: npt.NDArray[np.float64], noise: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        syllables = np.sin(2 * np.pi * self.pace * t) ** 2
        phrase = (np.mod(t, self.phrase) < self.phrase - 0.8).astype(np.float64)  # a breath
        pitch = self.pitch * (1 + 0.2 * np.sin(2 * np.pi * 0.6 * t))
        phase = 2 * np.pi * np.cumsum(pitch) / self.item.rate
        voiced = sum(np.sin(phase * h) / h for h in (1, 2, 3, 5, 8))
        return 0.6 * (voiced + 0.2 * noise) * syllables * phrase
