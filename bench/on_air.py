"""A day on air over an awkward library, with faults: silence, drift, early fades, loudness, peaks.

Prints one JSON line: ``hours``, ``longest_silence_s``, ``max_drift_s``,
``worst_early_fade_s``, ``loudness_within_1lu_share``, ``true_peak_max_dbtp``,
``post_error_max_s``, then ``targets`` (each figure's target), ``missed`` (the
targets missed), the breakdown (drift at the hard posts, items, the loudness
range, the faults injected) and each step's seconds.

- library: the ``big`` awkward library (``tests/fixtures/awkward_library.py``:
  about 90 Ogg Vorbis, MP3 and FLAC files with 40-60 s orchestral fades,
  -40 dBFS intros, cold opens, 5 s and ten-minute songs, 22.05 kHz mono,
  timpani at 0 dBFS over -24 LUFS, untagged files, a half-tagged album,
  silence, a failed download, a truncated MP3, IDs and beds), made once and
  cached (``--library``).
- station: ``onair_station.yaml`` (one music category, three voice links an
  hour, a hard legal ID at the top of every hour) applied, the library
  ingested (``onair ingest``), ``--hours`` of tomorrow built (``onair schedule
  build``) and every link voiced by the agents with eSpeak NG.
- faults: one song's master deleted from the object store, another's
  overwritten with garbage, the speech provider down for one hour's links, and
  an operator skip every three hours (the render's timed triggers).
- air: ``--hours`` rendered as ``onair playout render`` does, straight into
  the air check's meter (``tests/fixtures/air_check.py``; 24 hours of WAV would
  be 16 GB).

Targets: longest silence under 1 s, drift under 30 s after a fault and under
1 s at every hard post, no song faded further before its segue than the
station file's ``timing.early_fade_s`` (15 s unless the file says), at least
95% of items within 1 LU of the target, true peak at most -1 dBTP, every hard
post within 1 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root lets it import the awkward library and the air check from the fixtures.
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import asdict  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from io import BytesIO  # noqa: E402

from tests.fixtures.air_check import TARGETS, check_air  # noqa: E402
from tests.fixtures.air_meter import AirMeter  # noqa: E402
from tests.fixtures.awkward_library import build_awkward_library  # noqa: E402

from onair import bootstrap  # noqa: E402
from onair.agents.errors import SynthesisFailed  # noqa: E402
from onair.agents.ports import Speech, SpeechSynthesizer  # noqa: E402
from onair.bootstrap.ingest import worker_processes  # noqa: E402
from onair.config import Settings, load_settings  # noqa: E402
from onair.domain.playout import SAMPLE_RATE, Trigger  # noqa: E402
from onair.domain.programming import ItemKind  # noqa: E402
from onair.domain.schedule import ScheduledItem  # noqa: E402
from onair.playout.render import TimedTrigger, render  # noqa: E402
from onair.storage.repositories.playout_library import SqlPlayoutLibrary  # noqa: E402

STATION = "bench"
SKIP_EVERY_H = 3
_FIGURES = ("hours", "longest_silence_s", "max_drift_s", "worst_early_fade_s",
            "loudness_within_1lu_share", "true_peak_max_dbtp", "post_error_max_s")  # fmt: skip


class ProviderDown:
    """A speech provider that answers every request with an error (a failed TTS)."""

    def __init__(self, voice: SpeechSynthesizer) -> None:
        self.name = voice.name
        self._voice = voice

    def voices(self) -> dict[str, str]:
        return self._voice.voices()

    def synthesize(self, text: str, *, language: str, voice: str | None = None) -> Speech:
        raise SynthesisFailed("the speech provider answered 503 Service Unavailable")


def _onair(settings: Settings, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = os.environ | {"ONAIR_STATION": settings.station, "ONAIR_DATA_DIR": str(settings.data_dir)}
    return subprocess.run([sys.executable, "-m", "onair", *args], env=env, cwd=settings.data_dir,
                          stdout=subprocess.DEVNULL, check=False)  # fmt: skip


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    seconds[step] = round(time.perf_counter() - began, 1)


def _station(settings: Settings, library: Path, hours: int) -> datetime:
    """The station file applied, the library ingested, the hours from tomorrow 00:00 built."""
    _onair(settings, "station", "apply", str(HERE / "onair_station.yaml")).check_returncode()
    ingested = _onair(settings, "ingest", str(library), "--no-index")
    if ingested.returncode not in (0, 1):  # 1: some files rejected, as some must be
        ingested.check_returncode()
    zone = bootstrap.station_zone(settings)
    tomorrow = (datetime.now(zone) + timedelta(days=1)).date()
    days = str(hours // 24 + 1)  # and the next day's first hour, which the last one leads into
    _onair(settings, "schedule", "build", "--from", tomorrow.isoformat(), "--days",
           days).check_returncode()  # fmt: skip
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)


def _voice(settings: Settings, start: datetime, hours: int, tts_down: datetime) -> None:
    """Every hour's links voiced by the agents; the speech provider down for one hour."""
    with (
        bootstrap.open_stores(settings, objects=True) as stores,
        bootstrap.agent_runtime(stores) as runtime,
    ):
        voice = runtime.producer.synthesizer
        for n in range(hours):
            hour = start + timedelta(hours=n)
            runtime.producer.synthesizer = ProviderDown(voice) if hour == tts_down else voice
            runtime.fill_hour(hour)


def _songs(settings: Settings, start: datetime, end: datetime) -> list[ScheduledItem]:
    with bootstrap.open_stores(settings) as stores:
        items = stores.schedules.history(STATION, start, end)
    return [i for i in items if i.kind is ItemKind.MUSIC and i.asset_id]


def _break_masters(settings: Settings, start: datetime, hours: int) -> list[str]:
    """A song's master deleted, another's overwritten with garbage: what each fault hit."""
    songs = _songs(settings, start, start + timedelta(hours=hours))
    missing = next(s for s in songs if s.start >= start + timedelta(hours=0.2 * hours))
    corrupt = next(s for s in songs if s.start >= start + timedelta(hours=0.45 * hours)
                   and s.asset_id != missing.asset_id)  # fmt: skip
    with bootstrap.open_stores(settings, objects=True) as stores:
        library = SqlPlayoutLibrary(stores.engine)
        sounds = library.sounds(STATION, [missing.asset_id or "", corrupt.asset_id or ""])
        stores.objects.delete(sounds[missing.asset_id or ""].master_key)
        garbage = BytesIO(os.urandom(200_000))
        stores.objects.put(sounds[corrupt.asset_id or ""].master_key, garbage)
    return [f"master missing from {missing.start.isoformat()} ({missing.asset_id})",
            f"master corrupt from {corrupt.start.isoformat()} ({corrupt.asset_id})"]  # fmt: skip


def _skips(start: datetime, hours: int) -> list[TimedTrigger]:
    """An operator skip every three hours, 20 minutes and 7 seconds past (once in a short run)."""
    offsets = [k + 1 / 3 + 7 / 3600 for k in range(0, hours, SKIP_EVERY_H)] or [hours / 2]
    return [TimedTrigger(start + timedelta(hours=h), Trigger.SKIP) for h in offsets]


def _air(
    settings: Settings, start: datetime, hours: int, triggers: list[TimedTrigger]
) -> dict[str, object]:
    """Render the hours into the meter and check the air against the schedule.

    The as-run log is left in the data dir (``asrun.json``) for ``--keep`` to show.
    """
    meter = AirMeter()
    with bootstrap.open_stores(settings, objects=True) as stores:
        with bootstrap.render_timeline(stores, start) as timeline:
            report = render(timeline, STATION, hours * 3600 * SAMPLE_RATE, meter,
                            triggers=triggers)  # fmt: skip
        end = start + timedelta(hours=hours)
        schedule = stores.schedules.history(STATION, start - timedelta(hours=1), end)
        sounds = SqlPlayoutLibrary(stores.engine).sounds(
            STATION, {e.asset_id for e in report.as_run if e.asset_id}
        )
        program = stores.program()
        # The station's limit on fading a song before its segue (the station file's timing),
        # not the playout setting of the same name, which is how long such a fade lasts.
        fade_limit = program.timing.early_fade_s if program else settings.playout_early_fade_s
    rows = [asdict(e) for e in report.as_run]
    (settings.data_dir / "asrun.json").write_text(json.dumps(rows, indent=1, default=str))
    segues = {k: s.segue_s - s.cue_in_s for k, s in sounds.items()}
    figures = check_air(meter, report.as_run, schedule, segues, start,
                        target_lufs=settings.loudness_target_lufs)  # fmt: skip
    result = figures.as_dict()
    result["failovers"] = len(report.failovers)
    result["skips_applied"] = sum(1 for _, did in report.triggers if did)
    result["missed"] = figures.misses(fade_limit)
    result["early_fade_limit_s"] = fade_limit
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=24, choices=range(1, 25), metavar="1-24")
    parser.add_argument("--library", type=Path, help="Where the library is made and kept",
                        default=Path.home() / ".cache" / "onair" / "bench-awkward-big")  # fmt: skip
    parser.add_argument("--keep", action="store_true",
                        help="Keep the station's data dir (and the as-run log in it).")  # fmt: skip
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="onair-bench-onair-"))
    settings = load_settings(None, data_dir=work / "data", station=STATION)
    settings.data_dir.mkdir(parents=True)
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    with _timed(seconds, "library_s"), worker_processes() as pool:
        build_awkward_library(args.library, "big", pool=pool)
    with _timed(seconds, "station_s"):
        start = _station(settings, args.library, args.hours)
    tts_down = start + timedelta(hours=int(0.7 * args.hours))
    with _timed(seconds, "voice_s"):
        _voice(settings, start, args.hours, tts_down)
    faults = _break_masters(settings, start, args.hours)
    faults.append(f"speech provider down for the links of {tts_down.isoformat()}")
    skips = _skips(start, args.hours)
    faults += [f"operator skip at {t.at.isoformat()}" for t in skips]
    with _timed(seconds, "render_s"):
        air = _air(settings, start, args.hours, skips)
    seconds["total_s"] = round(time.perf_counter() - began, 1)
    fade_limit = air["early_fade_limit_s"]
    targets = {name: f"{sense} {fade_limit if limit is None else limit}"
               for name, (sense, limit) in TARGETS.items()}  # fmt: skip
    first = {k: air.pop(k) for k in _FIGURES}
    print(json.dumps(first | {"targets": targets, "missed": air.pop("missed")} | air
                     | {"faults": faults} | seconds))  # fmt: skip
    if args.keep:
        print(f"kept {settings.data_dir} (as-run log: asrun.json)", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
