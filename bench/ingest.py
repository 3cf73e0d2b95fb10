"""Ingest throughput against LibreTime's analyzer chain, on the same files in the same run.

Prints one JSON line: ``tracks``, ``onair_tracks_per_s``, ``reference_tracks_per_s``,
``speedup``, ``reference_ffmpeg_tracks_per_s``, ``speedup_ffmpeg``,
``reference_ffmpeg_parallel_tracks_per_s``, ``onair_cpu_s_per_audio_min``,
``reference_cpu_s_per_audio_min``, ``cpu_ratio``, ``onair_cpu_s_per_track``,
``reference_cpu_s_per_track``, the same figures for the mixed corpus under
``mixed``, ``load`` (the load average before and after), then for discovery
``search_assets``, ``catalog_rows_per_s``, ``index_assets_per_s``,
``search_p50_ms`` and ``search_p95_ms``. ``--profile`` prints instead, per
corpus, CPU seconds per stage per minute of audio (``bench/ingest_profile.py``)
and the peak memory of examining the longest file at the highest rate.

Two corpora, synthesized once and kept for later runs:

- ``--tracks`` (default 200) distinct four-minute 192 kbps MP3s (tones, noise,
  fades and silences that differ per file), in ``--corpus``;
- a mixed library (``bench/mixed_corpus.py``) in ``--mixed-corpus``: 36 files
  of MP3, Ogg Vorbis, Opus, FLAC, AAC/M4A and WAV at 22.05, 44.1, 48 and
  96 kHz, mono and stereo, 3 s to 20 minutes, 2 h 15 min in all.

- onair: ``onair ingest`` in full (one decode per file for duration, EBU R128
  loudness and true peak, cue points, intro, segue, ending, waveform, tempo,
  energy, SHA-256 and Chromaprint fingerprint; tags; masters and waveforms to
  the object folder; rows to SQLite), with one worker per core as it runs by
  default, into a fresh data dir.
- reference: per file, the chain LibreTime's analyzer runs, each its own
  decode: ``ffprobe`` for the duration, ffmpeg's ``replaygain`` filter, ffmpeg's
  ``silencedetect``, then its playability check (``liquidsoap -c`` playing the
  file into ``output.dummy``); one file at a time, as LibreTime's analyzer takes
  them. ``reference_ffmpeg_*`` is the chain without the liquidsoap check, one
  file at a time and one per core, for a like-for-like core count.
- CPU seconds, steadier than the rates on a shared machine. A minute of audio:
  onair ingesting the whole corpus in this process, one file at a time
  (examination, the object folder, the rows), against the reference chain's
  processes over the same files; ``cpu_ratio`` is the one over the other, core
  for core. A track: the median over ``--cpu-tracks`` (default 10) files of
  onair's examination of one file in this process (analysis, tags, hashes; no
  storage), and of the reference chain's processes.
- search: ``--search-assets`` (default 100,000) catalog rows (``bench/catalog.py``:
  varied titles, artists, albums, genres, labels and years), loaded from CSV as
  ``onair ingest --catalog`` does, indexed (MiniLM embeddings, full text,
  semantic tags), then 40 queries (moods, genres, artists, titles) five times
  each through the hybrid search, warm, as the API serves them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from catalog import write_catalog
from ingest_profile import peak_memory_mb, profile
from mixed_corpus import mixed_corpus
from onair import bootstrap
from onair.config import load_settings
from onair.ingest.batch import find_audio, run_batch
from onair.ingest.examine import Examined, IngestOptions, examine
from onair.ingest.ffmpeg.analysis import analyse
from onair.ingest.intake import Intake, Status

SECONDS = 240


def _synthesize(path: Path, seed: int) -> None:
    """A stepped melody over a drone and noise, different for every seed (and fingerprint)."""
    rng = random.Random(seed)
    notes = [110 * 2 ** (rng.randrange(36) / 12) for _ in range(8)]
    step = rng.uniform(0.25, 0.6)
    melody = "+".join(
        f"between(mod(t,{8 * step:.3f}),{n * step:.3f},{(n + 1) * step:.3f})*sin(2*PI*{f:.2f}*t)"
        for n, f in enumerate(notes)
    )
    noise, lead, fade = rng.uniform(0.02, 0.1), rng.uniform(0, 2), rng.uniform(0, 8)
    graph = (
        f"aevalsrc='0.3*({melody})':s=44100:d={SECONDS}[a];"
        f"sine=f={rng.uniform(50, 120):.1f}:d={SECONDS},volume=0.2[b];"
        f"anoisesrc=c=pink:a={noise:.3f}:d={SECONDS}:seed={seed}[c];"
        f"[a][b][c]amix=inputs=3:normalize=0,"
        f"adelay={lead * 1000:.0f}:all=1,atrim=0:{SECONDS},"
        f"afade=t=out:st={SECONDS - fade - 1:.2f}:d={fade + 0.01:.2f}"
    )
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-filter_complex", graph, "-ac", "2",
         "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "192k", str(path)],
        check=True,
    )  # fmt: skip


def corpus(folder: Path, tracks: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"track-{n:04d}.mp3" for n in range(tracks)]
    missing = [(p, n) for n, p in enumerate(paths) if not p.exists()]
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(lambda item: _synthesize(*item), missing))
    return paths


def _playability(path: Path) -> None:
    subprocess.run(
        ["liquidsoap", "-v", "-c", "output.dummy(audio_to_stereo(single(argv(1))))", "--",
         str(path)], check=True, capture_output=True,
    )  # fmt: skip


def _libretime_chain(path: Path) -> None:
    quiet = ["-hide_banner", "-nostats", "-loglevel", "info"]
    subprocess.run(
        ["ffprobe", "-v", "quiet", "-show_entries", "format=duration", "-of", "csv=p=0",
         str(path)], check=True, capture_output=True,
    )  # fmt: skip
    for graph in ("replaygain", "silencedetect=noise=-60dB:d=0.1"):
        subprocess.run(
            ["ffmpeg", *quiet, "-i", str(path), "-vn", "-af", graph, "-f", "null", "-"],
            check=True, capture_output=True,
        )  # fmt: skip


def _full_chain(path: Path) -> None:
    _libretime_chain(path)
    _playability(path)


def reference(paths: list[Path], parallel: int, *, playability: bool) -> tuple[float, float]:
    """Files a second, and the CPU seconds of the chain's processes."""
    chain = _full_chain if playability else _libretime_chain
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(chain, paths))
    rate = len(paths) / (time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return rate, after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime


def onair_cpu(paths: list[Path]) -> float:
    """CPU seconds of ingesting ``paths`` in this process, one at a time, storage and all."""
    with tempfile.TemporaryDirectory(prefix="onair-bench-cpu-") as data:
        settings = load_settings(None, data_dir=Path(data))
        bootstrap.prepare_data_dir(settings)
        access = bootstrap.open_library(settings)
        try:
            with ThreadPoolExecutor(1) as one:
                intake = Intake(settings.station, access.library, access.objects,
                                IngestOptions(), one)  # fmt: skip
                began = time.process_time()
                summary = asyncio.run(run_batch(intake, [str(p) for p in paths], in_flight=1))
                spent = time.process_time() - began
        finally:
            access.close()
    assert summary.counts[Status.INGESTED] == len(paths), summary.line()
    return spent


def audio_minutes(paths: list[Path]) -> float:
    return sum(analyse(p).duration_s for p in paths) / 60


def onair(paths: list[Path]) -> float:
    with tempfile.TemporaryDirectory(prefix="onair-bench-") as data:
        settings = load_settings(None, data_dir=Path(data))
        bootstrap.prepare_data_dir(settings)
        access = bootstrap.open_library(settings)
        files = find_audio(paths).files
        try:
            start = time.perf_counter()
            summary = asyncio.run(bootstrap.run_ingest(access, files, jobs=os.cpu_count() or 1))
            elapsed = time.perf_counter() - start
        finally:
            access.close()
    assert summary.counts[Status.INGESTED] == len(paths), summary.line()
    return len(paths) / elapsed


def cpu_per_track(paths: list[Path]) -> dict[str, float]:
    """Median CPU seconds a file: onair's examination here, the reference chain's processes."""
    examine(str(paths[0]), IngestOptions())  # imports and first-use set-up
    ours, theirs = [], []
    for path in paths:
        began = time.process_time()
        assert isinstance(examine(str(path), IngestOptions()), Examined), path
        ours.append(time.process_time() - began)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        _full_chain(path)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        theirs.append(after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
    return {
        "onair_cpu_s_per_track": round(statistics.median(ours), 3),
        "reference_cpu_s_per_track": round(statistics.median(theirs), 3),
    }


_QUERIES = (
    "mellow late-night jazz", "upbeat summer pop", "dark techno", "acoustic folk ballad",
    "love songs", "midnight radio", "deep house for the weekend", "classic rock anthem",
    "soul from the seventies", "reggae sunshine", "latin dance", "calm ambient morning",
    "angry metal", "country road trip", "indie rainy day", "funk groove", "blue moon",
    "silver highway", "hip hop party", "romantic r&b", "ocean dream", "neon city lights",
    "garden of velvet", "jazz piano", "blues guitar", "morning train", "storm and fire",
    "paradise", "wild heart", "gold", "Ana Silva", "Leo Costa", "Mia Novak", "Zoe Reyes",
    "Kai Okafor", "Eva Laine", "songs about rain", "something to wake up to",
    "quiet music for reading", "electronic dance hits",
)  # fmt: skip


def search(rows: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="onair-bench-search-") as data:
        feed = Path(data) / "catalog.csv"
        write_catalog(feed, rows, seed=7)
        settings = load_settings(None, data_dir=Path(data))
        bootstrap.prepare_data_dir(settings)
        access = bootstrap.open_library(settings)
        try:
            start = time.perf_counter()
            (load,) = bootstrap.load_catalogs(access, [feed])
            loaded = time.perf_counter() - start
            assert load.added == rows, load
            discovery = bootstrap.open_discovery(access)
            discovery.search(settings.station, "warm up the model")
            start = time.perf_counter()
            indexed = discovery.index_pending(settings.station)
            indexing = time.perf_counter() - start
            latencies = []
            for _ in range(5):
                for query in _QUERIES:
                    start = time.perf_counter()
                    found = discovery.search(settings.station, query)
                    latencies.append((time.perf_counter() - start) * 1000)
                    assert found, query
        finally:
            access.close()
    latencies.sort()
    return {
        "search_assets": indexed,
        "catalog_rows_per_s": round(rows / loaded),
        "index_assets_per_s": round(indexed / indexing),
        "search_p50_ms": round(latencies[len(latencies) // 2], 1),
        "search_p95_ms": round(latencies[int(len(latencies) * 0.95)], 1),
    }


def throughput(paths: list[Path]) -> dict[str, float | int]:
    """The rates, and CPU seconds a minute of audio, of onair and the reference on ``paths``."""
    minutes = audio_minutes(paths)
    onair_rate = onair(paths)
    full, full_cpu = reference(paths, 1, playability=True)
    ffmpeg, _ = reference(paths, 1, playability=False)
    ffmpeg_parallel, _ = reference(paths, os.cpu_count() or 1, playability=False)
    ours = onair_cpu(paths)
    return {
        "tracks": len(paths),
        "audio_min": round(minutes, 1),
        "onair_tracks_per_s": round(onair_rate, 2),
        "reference_tracks_per_s": round(full, 2),
        "speedup": round(onair_rate / full, 2),
        "reference_ffmpeg_tracks_per_s": round(ffmpeg, 2),
        "speedup_ffmpeg": round(onair_rate / ffmpeg, 2),
        "reference_ffmpeg_parallel_tracks_per_s": round(ffmpeg_parallel, 2),
        "onair_cpu_s_per_audio_min": round(ours / minutes, 3),
        "reference_cpu_s_per_audio_min": round(full_cpu / minutes, 3),
        "cpu_ratio": round(full_cpu / ours, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=200)
    parser.add_argument("--search-assets", type=int, default=100_000, help="0: no search figures")
    parser.add_argument("--cpu-tracks", type=int, default=10)
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "onair-bench-mp3"
    )
    parser.add_argument(
        "--mixed-corpus", type=Path, default=Path(tempfile.gettempdir()) / "onair-bench-mixed"
    )
    parser.add_argument("--profile", action="store_true", help="CPU seconds per stage instead")
    args = parser.parse_args()
    paths = corpus(args.corpus, args.tracks)
    mixed = mixed_corpus(args.mixed_corpus)
    load = [round(os.getloadavg()[0], 2)]
    if args.profile:
        longest = max(mixed, key=lambda p: p.stat().st_size)
        figures: dict[str, object] = {
            "mp3": profile(paths),
            "mixed": profile(mixed),
            "peak_memory_mb": {longest.name: peak_memory_mb(longest)},
        }
    else:
        if shutil.which("liquidsoap") is None:
            raise SystemExit("liquidsoap is not installed: apt-get install liquidsoap")
        figures = {
            **throughput(paths),
            **cpu_per_track(paths[: args.cpu_tracks]),
            "mixed": throughput(mixed),
            **(search(args.search_assets) if args.search_assets else {}),
        }
    figures["load"] = [*load, round(os.getloadavg()[0], 2)]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
