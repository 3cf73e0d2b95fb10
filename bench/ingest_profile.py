"""CPU seconds per stage of ``onair ingest`` a minute of audio (``bench/ingest.py --profile``).

Each file goes through ingest as a run does, in this process and one at a time
so that process CPU time is the file's: examined with a stage clock (decode,
loudness, true peak, airing gain, cue points, tempo, fingerprint, waveform,
timbre, tags, hash), then stored through the real intake (the master copied to
the object folder, the waveform object, the rows in SQLite), and at the end
indexed for search as ``onair ingest`` does (text embeddings, sound vectors,
full text). Decode and loudness run in one filter graph; a second, decode-only
pass of each file tells them apart. The text model's one-off load is given on
its own, not per minute.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any, BinaryIO

from av.filter import Graph

from onair import bootstrap
from onair.config import load_settings
from onair.ingest.examine import Examined, IngestOptions, examine
from onair.ingest.ffmpeg.filter_graph import ready_frames
from onair.ingest.intake import Intake
from onair.ingest.stage_clock import StageClock

__all__ = ["peak_memory_mb", "profile"]

_ORDER = (
    "decode", "loudness", "true peak", "airing gain", "cue points", "tempo", "fingerprint",
    "waveform", "sound embedding", "text embedding", "tags", "hash", "copy to object store",
    "database writes", "search index",
)  # fmt: skip


class _Examined(Executor):
    """Hands the intake the examination already made, instead of examining again."""

    def __init__(self) -> None:
        self.result: Examined | None = None

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(self.result)
        return done


class _TimedStore:
    """The object store, its writes timed as the object-store stage."""

    def __init__(self, store: Any, clock: StageClock) -> None:
        self._store, self._clock = store, clock

    def put_file(self, key: str, path: Path, *, content_type: str) -> Any:
        with self._clock.stage("copy to object store"):
            return self._store.put_file(key, path, content_type=content_type)

    def put(self, key: str, source: BinaryIO, *, content_type: str) -> Any:
        with self._clock.stage("copy to object store"):
            return self._store.put(key, source, content_type=content_type)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _decode_only(path: Path) -> None:
    graph = Graph()
    source = graph.add("amovie", filename=str(path), dec_threads="1")
    planar = graph.add("aformat", "sample_fmts=fltp")
    sink = graph.add("abuffersink")
    source.link_to(planar)
    planar.link_to(sink)
    graph.configure()
    for _ in ready_frames(graph):
        pass


def profile(paths: list[Path]) -> dict[str, float]:
    """CPU seconds per minute of audio for each stage, ``text_model_load_s`` and ``audio_min``."""
    clock = StageClock()
    examine(str(paths[0]), IngestOptions())  # imports and first-use set-up
    audio_s = 0.0
    with tempfile.TemporaryDirectory(prefix="onair-bench-profile-") as data:
        settings = load_settings(None, data_dir=Path(data))
        bootstrap.prepare_data_dir(settings)
        access = bootstrap.open_library(settings)
        try:
            ready = _Examined()
            intake = Intake(settings.station, access.library,
                            _TimedStore(access.objects, clock), IngestOptions(), ready)  # fmt: skip
            for path in paths:
                result = examine(str(path), IngestOptions(), clock)
                assert isinstance(result, Examined), result
                audio_s += result.audio.duration_s
                with clock.stage("decode"):
                    _decode_only(path)
                ready.result = result
                with clock.stage("database writes"):
                    asyncio.run(intake.ingest(str(path)))
            discovery = bootstrap.open_discovery(access)
            began = time.process_time()
            discovery.embedder.embed(["the model loads on first use"])
            model_load = time.process_time() - began
            _index(discovery, settings.station, clock)
        finally:
            access.close()
    seconds = clock.seconds
    seconds["loudness"] = seconds.pop("decode and loudness") - seconds["decode"]
    minutes = audio_s / 60
    per_min = {stage: round(seconds[stage] / minutes, 4) for stage in _ORDER}
    per_min["total"] = round(sum(seconds.values()) / minutes, 4)
    return {**per_min, "text_model_load_s": round(model_load, 2), "audio_min": round(minutes, 1)}


def _index(discovery: Any, station: str, clock: StageClock) -> None:
    embedder = discovery.embedder
    embed = embedder.embed

    def timed(texts: list[str]) -> list[list[float]]:
        with clock.stage("text embedding"):
            return embed(texts)  # type: ignore[no-any-return]

    embedder.embed = timed
    with clock.stage("search index"):
        discovery.index_pending(station)


def peak_memory_mb(path: Path) -> float:
    """The peak resident memory of a fresh process that examines ``path``."""
    # VmHWM, not ru_maxrss: that keeps the high-water mark of the process it was forked from.
    code = (
        "import re, sys\n"
        "from onair.ingest.examine import IngestOptions, examine\n"
        "examine(sys.argv[1], IngestOptions())\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return round(int(out.split()[-1]) / 1024, 1)
