"""Examining one audio file: identity, tags and the one-decode analysis.

This is the CPU-heavy part of ingest and runs in worker processes; it reads
the file and returns plain data, writing nothing anywhere, so a worker killed
mid-file leaves no trace.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from onair.audio.airing_gain import airing_gain
from onair.domain.errors import DomainError
from onair.domain.library import AssetKind, AudioFacts
from onair.domain.tags import TrackTags
from onair.ingest.ffmpeg.aired_loudness import AiredLoudness
from onair.ingest.ffmpeg.analysis import AudioAnalysis, UnreadableAudio, analyse
from onair.ingest.ffmpeg.identity import file_sha256
from onair.ingest.stage_clock import UNTIMED, StageClock
from onair.ingest.tags import UnreadableTags, read_tags
from onair.ingest.truncation import check_complete
from onair.ingest.waveform import Waveform

__all__ = [
    "AUDIO_SUFFIXES",
    "Examined",
    "IngestOptions",
    "Refused",
    "examine",
    "kind_from_path",
    "peaks_json",
]

AUDIO_SUFFIXES = frozenset(
    {".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".wav", ".aif", ".aiff"}
)
_MIN_DURATION_S = 0.5  # shorter than any jingle: a broken or empty file
_MIN_AUDIBLE_S = 1.0  # less sound than this between the cue points cannot fill a slot
# ebur128 reports -70 LUFS, its absolute gate, for silence; anything under -50 LUFS
# needs more than +34 dB to reach a -16 LUFS target: hiss or a wrong file, not program.
_NEAR_SILENT_LUFS = -50.0
_NUMBERED = re.compile(r"^([a-z_]+?)[-_ ]?\d+$")
_KIND_WORDS = {
    "station_id": AssetKind.STATION_ID,
    "id": AssetKind.STATION_ID,
    "ids": AssetKind.STATION_ID,
    "jingle": AssetKind.JINGLE,
    "liner": AssetKind.LINER,
    "sweeper": AssetKind.SWEEPER,
    "promo": AssetKind.PROMO,
    "spot": AssetKind.SPOT,
    "bed": AssetKind.BED,
}


@dataclass(frozen=True)
class IngestOptions:
    target_lufs: float = -16.0
    ceiling_dbtp: float = -1.0
    silence_dbfs: float = -60.0
    max_gain_db: float = 12.0  # the most an asset is ever turned up
    kind: AssetKind | None = None  # None: from the file's folder and name, else music
    whole_names: tuple[str, ...] = ()  # credits never split ("Simon & Garfunkel")


@dataclass(frozen=True)
class Examined:
    path: str
    size: int
    mtime_ns: int
    sha256: str
    kind: AssetKind
    tags: TrackTags
    audio: AudioFacts
    peaks: bytes  # the waveform object, peaks.js / audiowaveform JSON


@dataclass(frozen=True)
class Refused:
    path: str
    size: int
    mtime_ns: int
    reason: str


def examine(path: str, options: IngestOptions, clock: StageClock = UNTIMED) -> Examined | Refused:
    """Everything ingest learns from the file at ``path``; never raises for bad audio.

    ``clock`` is told the CPU time of each stage (``bench/ingest.py --profile``).
    """
    file = Path(path)
    try:
        stat = file.stat()
    except OSError as exc:
        return Refused(path, 0, 0, f"{file.name}: cannot be read ({exc.strerror})")
    try:
        if stat.st_size == 0:
            raise UnreadableAudio(f"{file.name}: is empty (0 bytes)")
        with clock.stage("hash"):
            sha256 = file_sha256(file)
        analysis = analyse(file, silence_dbfs=options.silence_dbfs, clock=clock)
        if analysis.duration_s < _MIN_DURATION_S:
            raise UnreadableAudio(f"{file.name}: only {analysis.duration_s:.2f} s of audio")
        with clock.stage("tags"):
            check_complete(file, analysis.duration_s)
        _check_airable(file, analysis, options)
        with clock.stage("airing gain"):
            gain = _airing_gain(file, analysis, options)
        with clock.stage("tags"):
            tags = _tags(file, options.whole_names)
    except (DomainError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        return Refused(path, stat.st_size, stat.st_mtime_ns, str(reason))
    return Examined(
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        sha256=sha256,
        kind=options.kind or kind_from_path(file),
        tags=tags,
        audio=_facts(analysis, gain, tags),
        peaks=_peaks(analysis, clock),
    )


def _peaks(analysis: AudioAnalysis, clock: StageClock) -> bytes:
    with clock.stage("waveform"):
        return peaks_json(analysis.waveform, analysis.sample_rate)


def _check_airable(file: Path, analysis: AudioAnalysis, options: IngestOptions) -> None:
    """Refuse audio that would air as dead air: silence, near-silence, a blip."""
    audible = analysis.cue_out_s - analysis.cue_in_s
    if audible <= 0:
        raise UnreadableAudio(f"{file.name}: silent, nothing above {options.silence_dbfs:g} dBFS")
    if not analysis.loudness_lufs > _NEAR_SILENT_LUFS:  # NaN and -inf too
        raise UnreadableAudio(
            f"{file.name}: near-silent, {analysis.loudness_lufs:.1f} LUFS is under"
            f" {_NEAR_SILENT_LUFS:g} LUFS"
        )
    if audible < _MIN_AUDIBLE_S:
        raise UnreadableAudio(
            f"{file.name}: only {audible:.2f} s of sound above {options.silence_dbfs:g} dBFS"
        )


def _tags(file: Path, whole_names: tuple[str, ...]) -> TrackTags:
    try:
        tags = read_tags(file, whole_names)
    except UnreadableTags as exc:
        # The audio decoded, so the file airs; it only has no usable tags.
        return TrackTags(title=file.stem, title_is_file_name=True, problems=(str(exc),))
    if tags.title:
        return tags
    # The file's name stands in for a missing title: shown, marked, never spoken.
    return tags.model_copy(update={"title": file.stem, "title_is_file_name": True})


def _airing_gain(file: Path, analysis: AudioAnalysis, options: IngestOptions) -> float:
    """To the target as aired, through the program limiter (see :mod:`airing_gain`)."""
    return airing_gain(
        analysis.loudness_lufs,
        analysis.true_peak_dbtp,
        target_lufs=options.target_lufs,
        ceiling_dbtp=options.ceiling_dbtp,
        max_gain_db=options.max_gain_db,
        aired=AiredLoudness(file, options.ceiling_dbtp),  # decodes once for every gain tried
    ).gain_db


def _facts(analysis: AudioAnalysis, gain: float, tags: TrackTags) -> AudioFacts:
    return AudioFacts(
        duration_s=analysis.duration_s,
        codec=analysis.codec,
        sample_rate=analysis.sample_rate,
        channels=analysis.channels,
        bitrate=analysis.bitrate,
        loudness_lufs=_finite(analysis.loudness_lufs),
        loudness_range_lu=analysis.loudness_range_lu,
        true_peak_dbtp=_finite(analysis.true_peak_dbtp),
        gain_db=round(gain, 2),
        cue_in_s=analysis.cue_in_s,
        cue_out_s=analysis.cue_out_s,
        intro_end_s=analysis.intro_end_s,
        segue_s=analysis.segue_s,
        ending=analysis.ending,
        bpm=tags.bpm or analysis.bpm,  # the label's tempo when it gives one
        energy=analysis.energy,
        fingerprint=analysis.fingerprint,
        version=analysis.version,
        timbre=analysis.timbre,
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def kind_from_path(path: Path) -> AssetKind:
    """``jingles/morning.wav`` and ``imaging/jingle-0004.flac`` are jingles; else music.

    A folder named for a kind (singular or plural) decides, or a file named
    ``<kind>-<number>``; a song called "Bed of Roses" stays music.
    """
    for folder in reversed(path.parts[-3:-1]):
        word = folder.lower().replace(" ", "_")
        kind = _KIND_WORDS.get(word) or _KIND_WORDS.get(word.removesuffix("s"))
        if kind:
            return kind
    numbered = _NUMBERED.match(path.stem.lower())
    if numbered and numbered.group(1) in _KIND_WORDS:
        return _KIND_WORDS[numbered.group(1)]
    return AssetKind.MUSIC


def peaks_json(waveform: Waveform, sample_rate: int) -> bytes:
    """Waveform peaks in the audiowaveform JSON format (version 2, 8 bits) peaks.js reads."""
    minima = np.asarray(waveform.minima, dtype=np.float32)
    maxima = np.asarray(waveform.maxima, dtype=np.float32)
    channels, length = minima.shape if minima.ndim == 2 else (0, 0)
    pairs = np.stack([minima, maxima], axis=-1).transpose(1, 0, 2)  # length x channels x 2
    data = np.clip(np.round(pairs * 127), -128, 127).astype(np.int8)
    document = {
        "version": 2,
        "channels": channels,
        "sample_rate": sample_rate,
        "samples_per_pixel": max(1, round(sample_rate / waveform.peaks_per_s)),
        "bits": 8,
        "length": length,
        "data": data.reshape(-1).tolist(),
    }
    return json.dumps(document, separators=(",", ":")).encode()
