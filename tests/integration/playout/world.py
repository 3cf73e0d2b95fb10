"""A small station for playout tests: tone masters on disk, a schedule, a library in memory.

Each asset is a pure tone at its own frequency, so the rendered audio says
which item sounds when, and how loud: a crossfade shows as two tones at
once, a duck as one tone dropping by the duck depth.
"""

from __future__ import annotations

import wave
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from onair.domain.library import AssetKind, Ending
from onair.domain.playout import SAMPLE_RATE, AssetSound
from onair.domain.programming import ItemKind
from onair.domain.rights import UsageRights
from onair.domain.schedule import Playable, ScheduledItem
from onair.playout.lineup import AirRules, Lineup
from onair.playout.master_cache import MasterCache
from onair.playout.mixer import Mixer
from onair.playout.preparer import Preparer
from onair.playout.render import RenderReport, render, render_play_ids
from onair.playout.timeline import Timeline, TimelineSettings

T0 = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
STATION = "test"


class FolderMasters:
    """Masters as files in a folder, by key (the object store's shape, without a server)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        with (self.folder / key).open("rb") as stream:
            yield stream


def write_tone(path: Path, freq: float, seconds: float, amplitude: float = 0.25) -> None:
    """A stereo 16-bit WAV of a tone with 5 ms ramps (so its edges do not click)."""
    n = round(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    tone = amplitude * np.sin(2 * np.pi * freq * t)
    ramp = min(240, n // 2)
    tone[:ramp] *= np.linspace(0, 1, ramp)
    tone[n - ramp :] *= np.linspace(1, 0, ramp)
    pcm = (np.repeat(tone[:, None], 2, axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


@dataclass
class World:
    """Assets, a schedule and the ports over them."""

    folder: Path
    playables: dict[str, Playable] = field(default_factory=dict)
    sounds: dict[str, AssetSound] = field(default_factory=dict)
    items: list[ScheduledItem] = field(default_factory=list)
    freq: dict[str, float] = field(default_factory=dict)
    schedule_down: bool = False
    t0: datetime = T0  # where plan() starts the schedule

    def asset(
        self,
        asset_id: str,
        freq: float,
        seconds: float,
        *,
        kind: AssetKind = AssetKind.MUSIC,
        category: str = "music",
        intro_s: float = 5.0,
        tail_s: float = 3.0,
        ending: Ending = Ending.FADE,
        rights: tuple[UsageRights, ...] = (UsageRights(),),
        write: bool = True,
        artist: str | None = None,
        album: str | None = None,
    ) -> None:
        """A tone asset whose segue is ``tail_s`` before its end.

        Each asset is by its own artist ("Artist <id>") unless ``artist`` names one.
        """
        key = f"{asset_id}.wav"
        if write:
            write_tone(self.folder / key, freq, seconds)
        length_ms = round(seconds * 1000)
        by = artist or f"Artist {asset_id}"
        self.playables[asset_id] = Playable(
            id=asset_id, kind=kind, title=f"Title {asset_id}", artist=by,
            artists=(by,), artist_keys=(by.casefold() if artist else asset_id,),
            title_key=asset_id, album=album, album_key=album.casefold() if album else None,
            isrc=None, length_ms=length_ms,
            intro_ms=round(intro_s * 1000), segue_ms=length_ms - round(tail_s * 1000),
            category=category, ending=ending, rights=rights,
        )  # fmt: skip
        self.sounds[asset_id] = AssetSound(
            asset_id, key, 0.0, seconds, intro_s, seconds - tail_s, 0.0, ending
        )
        self.freq[asset_id] = freq

    def plan(self, *entries: tuple[str, ItemKind] | tuple[str, ItemKind, dict[str, Any]]) -> None:
        """Chain ``(asset, kind[, options])`` from T0 as the scheduler would.

        Options: ``hard`` (bool), ``at_s`` (the hard post, seconds from T0),
        ``talk_up`` (a voice over the next song's intro), ``planned_s``.
        """
        at = self.t0
        for n, entry in enumerate(entries):
            asset_id, kind = entry[0], entry[1]
            options: dict[str, Any] = entry[2] if len(entry) > 2 else {}
            playable = self.playables.get(asset_id)  # "": planned, no audio yet
            if "at_s" in options:
                at = self.t0 + timedelta(seconds=options["at_s"])
            length_s = playable.length_ms / 1000 if playable else 0.0
            duration = round(options.get("planned_s", length_s) * 1000)
            overlap = playable.length_ms - playable.segue_ms if playable else 0
            why: dict[str, Any] = {}
            if options.get("talk_up"):
                overlap, why = duration, {"talk_up": True}
            self.items.append(ScheduledItem(
                id=f"item-{n:03d}", hour=self.t0, position=n, start=at, duration_ms=duration,
                overlap_next_ms=overlap, kind=kind,
                category=options.get("category") or (playable and playable.category) or "music",
                hard=bool(options.get("hard")), nominal_start=at if options.get("hard") else None,
                slot=n, asset_id=asset_id or None, why=why,
            ))  # fmt: skip
            at += timedelta(milliseconds=duration - overlap)

    # -- the ports ---------------------------------------------------------------------

    def history(self, station: str, start: datetime, end: datetime) -> list[ScheduledItem]:
        if self.schedule_down:
            raise ConnectionError("database is away")
        return [i for i in self.items if start <= i.start < end]

    def sounds_of(self, ids: Collection[str]) -> dict[str, AssetSound]:
        return {i: self.sounds[i] for i in ids if i in self.sounds}

    def timeline(
        self,
        settings: TimelineSettings | None = None,
        rules: AirRules | None = None,
        t0: datetime = T0,
        resume_start: Callable[[ScheduledItem], datetime | None] | None = None,
    ) -> Timeline:
        library = _Library(self)
        lineup = Lineup(STATION, self, library, rules or AirRules(), render_play_ids(1))
        cache = MasterCache(FolderMasters(self.folder), self.folder / "cache")
        preparer = Preparer(cache, ThreadPoolExecutor(2))
        return Timeline(lineup, preparer, Mixer(), t0, settings, resume_start)

    def render(
        self, seconds: float, timeline: Timeline | None = None
    ) -> tuple[np.ndarray, RenderReport]:
        sink = _Collect()
        report = render(timeline or self.timeline(), STATION, round(seconds * SAMPLE_RATE), sink)
        return sink.pcm(), report

    def without_audio(self, asset_id: str) -> None:
        (self.folder / self.sounds[asset_id].master_key).unlink()

    def retimed(self, asset_id: str, **changes: Any) -> None:
        self.playables[asset_id] = replace(self.playables[asset_id], **changes)


class _Library:
    def __init__(self, world: World) -> None:
        self.world = world

    def playables(self, station: str, ids: Collection[str] | None = None) -> list[Playable]:
        wanted = self.world.playables if ids is None else ids
        return [self.world.playables[i] for i in wanted if i in self.world.playables]

    def sounds(self, station: str, ids: Collection[str]) -> dict[str, AssetSound]:
        return self.world.sounds_of(ids)


class _Collect:
    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []

    def write(self, pcm: np.ndarray) -> None:
        self.blocks.append(pcm.copy())

    def close(self) -> None:
        pass

    def pcm(self) -> np.ndarray:
        return np.concatenate(self.blocks)


def tone_db(pcm: np.ndarray, freq: float, start_s: float, seconds: float = 0.2) -> float:
    """The level of ``freq`` in a stretch of the left channel, dBFS of a sine's peak."""
    a, b = round(start_s * SAMPLE_RATE), round((start_s + seconds) * SAMPLE_RATE)
    x = pcm[a:b, 0].astype(np.float64)
    if len(x) == 0:
        return -200.0
    t = np.arange(len(x)) / SAMPLE_RATE
    window = np.hanning(len(x))
    # A single-bin DFT at the tone's frequency, normalized so a full-scale sine reads 0 dB.
    amp = abs(np.sum(x * window * np.exp(-2j * np.pi * freq * t))) * 2 / np.sum(window)
    return float(20 * np.log10(max(amp, 1e-10)))


def longest_silence_s(pcm: np.ndarray, threshold_dbfs: float = -50.0) -> float:
    """The longest run of 10 ms windows whose peak is under ``threshold_dbfs``."""
    hop = SAMPLE_RATE // 100
    frames = len(pcm) // hop
    peaks = np.abs(pcm[: frames * hop]).reshape(frames, -1).max(axis=1)
    quiet = peaks < 10 ** (threshold_dbfs / 20)
    longest = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        longest = max(longest, run)
    return longest / 100
