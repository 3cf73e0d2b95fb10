"""Playout: an hour rendered against Liquidsoap 2.1 and ffmpeg, then a live run with listeners.

Prints one JSON line: ``render_s``, ``liquidsoap_render_s``, ``ffmpeg_floor_s``,
``cpu_share``, ``cpu_share_1000``, ``start_error_p99_ms``, ``hard_start_worst_ms``,
then the breakdown (items, speed ratios, listeners, the live runs' lengths).

- station: the demo station and library (``onair demo --no-serve``: synthesized
  songs with intros, fades and cold endings, IDs and liners, ingested) with
  tomorrow's schedule built, so no hour of it has started.
- render: ``onair playout render`` of one full hour to MP3 128 kbps (crossfades,
  talk-up ducks, gain to the loudness target, the true-peak limiter), LAME at its
  default quality 3, spans of the hour encoded on every core; ``render_cpu_s`` is
  the CPU time it took on all cores (steadier than wall time on a busy machine;
  ``liquidsoap_cpu_s`` and ``ffmpeg_floor_cpu_s`` are the same for the others).
- liquidsoap: the same airings, in order, as ``annotate:`` requests with the same
  cue points, crossfade lengths, fades and gain, through Liquidsoap 2.1's
  ``cue_cut``/``amplify``/``cross`` chain on ``clock.assign_new(sync="none")``
  into ``output.file(%mp3(bitrate=128))``; ``liquidsoap_q3_render_s`` again with
  LAME's quality 3 (``internal_quality=3``), the setting onair and ffmpeg encode at
  (Liquidsoap's own default is 2, slower).
- floor: one ``ffmpeg`` decoding the same masters between the same cue points and
  encoding them, one after another, to MP3 128 kbps (no mixing at all).
- live: the playout role airing the schedule in real time for ``--minutes``
  (default 10) from three minutes before a hard post, on the built-in stream with
  ``--listeners`` (default 100) loopback listeners split between the MP3 and the
  Opus mounts (in another process). ``cpu_share`` is this process's CPU time over
  the run's wall time; start errors are |actual - scheduled| of every scheduled
  item that started, and of the hard ones.
- crowd: the same again from three minutes before the following hour's post, for
  ``--minutes-1000`` (default 5), with 1,000 listeners: ``cpu_share_1000``. The
  AAC mount has no listeners in either run, so it is not encoded (a mount is
  encoded only while someone listens).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import psutil
import uvicorn

from onair import bootstrap
from onair.config import Settings, load_settings
from onair.domain.playout import SAMPLE_RATE, AsRunEntry
from onair.domain.schedule import ScheduledItem
from onair.playout.codecs.encoder import FileEncoder
from onair.playout.liquidsoap.requests import annotate_uri
from onair.playout.liquidsoap.script import render_with_liquidsoap
from onair.playout.master_cache import MasterCache
from onair.playout.render import render
from onair.playout.stream_app import StreamApp
from onair.playout.timeline import Airing, HappeningKind, Timeline

HERE = Path(__file__).parent


def _prepare(data_dir: Path) -> Settings:
    """The demo station with its library and tomorrow's schedule."""
    settings = load_settings(None, data_dir=data_dir)
    onair = [sys.executable, "-m", "onair"]
    subprocess.run([*onair, "demo", "--no-serve", "--data-dir", str(data_dir)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    zone = bootstrap.station_zone(settings)
    tomorrow = (datetime.now(zone) + timedelta(days=1)).date()
    build = ["schedule", "build", "--from", tomorrow.isoformat(), "--days", "1"]
    subprocess.run([*onair, *build, "--data-dir", str(data_dir)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return settings


def _hour(settings: Settings) -> datetime:
    """Tomorrow 10:00 station time, a music hour of the demo station."""
    zone = bootstrap.station_zone(settings)
    day = (datetime.now(zone) + timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, 10, tzinfo=zone)


def _render_onair(
    settings: Settings, start: datetime, out: Path
) -> tuple[float, float, list[Airing]]:
    """Seconds to render the hour as ``onair playout render`` does, its CPU seconds, what aired."""
    airings: list[Airing] = []
    me = psutil.Process()
    with bootstrap.open_render(settings, start) as timeline:
        _watch(timeline, airings)
        cpu0, began = sum(me.cpu_times()[:2]), time.perf_counter()
        render(timeline, settings.station, 3600 * SAMPLE_RATE, FileEncoder(out))
        seconds = time.perf_counter() - began
        cpu = sum(me.cpu_times()[:2]) - cpu0
    return seconds, cpu, airings


def _watch(timeline: Timeline, airings: list[Airing]) -> None:
    advance = timeline.advance

    def watched(frames: int):  # type: ignore[no-untyped-def]
        block, happened = advance(frames)
        airings.extend(h.airing for h in happened if h.kind is HappeningKind.STARTED and h.airing)
        return block, happened

    timeline.advance = watched  # type: ignore[method-assign]


def _plan(settings: Settings, airings: list[Airing]) -> list[tuple[Airing, Path, float]]:
    """Each airing with its local master and how long the next one overlaps its end."""
    objects = bootstrap.open_library(settings)
    cache = MasterCache(objects.objects, settings.data_dir / "cache" / "masters")
    plan = []
    for n, airing in enumerate(airings):
        following = airings[n + 1] if n + 1 < len(airings) else None
        end = airing.start + airing.length
        cross = max(0, end - following.start) / SAMPLE_RATE if following else 0.0
        plan.append((airing, cache.path(airing.item.master_key), cross))
    objects.close()
    return plan


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (Liquidsoap, ffmpeg) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _render_liquidsoap(
    plan: list[tuple[Airing, Path, float]], work: Path, quality: int | None = None
) -> tuple[float, float]:
    requests, fade_in = [], 0.0
    for airing, path, cross in plan:
        requests.append(annotate_uri(airing.item, path, cross_s=cross, fade_in_s=fade_in,
                                     fade_out_s=cross))  # fmt: skip
        fade_in = cross
    cpu0, began = _children_cpu(), time.perf_counter()
    render_with_liquidsoap(requests, work / "liquidsoap.mp3", work_dir=work / "liq",
                           quality=quality, timeout_s=3600)  # fmt: skip
    return time.perf_counter() - began, _children_cpu() - cpu0


def _render_ffmpeg(plan: list[tuple[Airing, Path, float]], work: Path) -> tuple[float, float]:
    """The floor: decode each master between its cue points and encode, nothing else."""
    args: list[str] = ["ffmpeg", "-loglevel", "error", "-y"]
    chains = []
    for n, (airing, path, _) in enumerate(plan):
        item = airing.item
        args += ["-i", str(path)]
        chains.append(f"[{n}:a]atrim={item.cue_in_s:.3f}:{item.cue_out_s:.3f},"
                      f"aresample=48000,aformat=channel_layouts=stereo[a{n}]")  # fmt: skip
    inputs = "".join(f"[a{n}]" for n in range(len(plan)))
    graph = ";".join(chains) + f";{inputs}concat=n={len(plan)}:v=0:a=1[out]"
    args += ["-filter_complex", graph, "-map", "[out]", "-c:a", "libmp3lame", "-b:a", "128k",
             str(work / "floor.mp3")]  # fmt: skip
    cpu0, began = _children_cpu(), time.perf_counter()
    subprocess.run(args, check=True)
    return time.perf_counter() - began, _children_cpu() - cpu0


def _free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


async def _live(
    settings: Settings, post: datetime, minutes: float, listeners: int, mounts: tuple[str, ...] = ()
) -> dict:
    """Air from three minutes before ``post`` for ``minutes``, with listeners on ``mounts``."""
    offset = (post - timedelta(minutes=3)).timestamp() - time.time()
    station = await bootstrap.open_station(settings, frozenset({"playout"}))
    playout = await bootstrap.start_playout(station, wall_clock=lambda: time.time() + offset)
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(StreamApp(playout.hub), log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    crowd = await asyncio.create_subprocess_exec(
        sys.executable, str(HERE / "listeners.py"), f"http://127.0.0.1:{port}", str(listeners),
        *mounts,
    )  # fmt: skip
    me = psutil.Process()
    cpu0, wall0 = sum(me.cpu_times()[:2]), time.perf_counter()
    await asyncio.sleep(minutes * 60)
    cpu = sum(me.cpu_times()[:2]) - cpu0
    wall = time.perf_counter() - wall0
    heard = playout.hub.listeners()
    crowd.terminate()
    await crowd.wait()
    await playout.stop()
    server.should_exit = True
    await serving
    await station.close()
    return {"cpu_share": cpu / wall, "aired": playout.engine.aired, "listeners_heard": heard,
            "live_s": wall}  # fmt: skip


def _start_errors(
    settings: Settings, aired: list[AsRunEntry], post: datetime
) -> tuple[float, float, int]:
    with bootstrap.open_scheduler(settings) as scheduler:
        items: dict[str, ScheduledItem] = {
            i.id: i for i in scheduler.schedules.history(
                settings.station, post - timedelta(hours=1), post + timedelta(hours=1))
        }  # fmt: skip
    errors, hard = [], []
    for entry in aired:
        item = items.get(entry.schedule_item_id or "")
        if item is None or entry.scheduled_start is None:
            continue
        if any(note.startswith("joined") for note in entry.adjustments):
            continue  # on air when the run began: it did not start in it
        error = abs((entry.actual_start - entry.scheduled_start).total_seconds() * 1000)
        errors.append(error)
        if item.hard:
            hard.append(error)
    p99 = float(np.percentile(errors, 99)) if errors else float("nan")
    return p99, max(hard) if hard else float("nan"), len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="Reuse a prepared demo data dir.")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--listeners", type=int, default=100)
    parser.add_argument("--minutes-1000", type=float, default=5.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="onair-bench-playout-"))
    data_dir = args.data_dir or work / "data"
    settings = _prepare(data_dir)
    hour = _hour(settings)
    render_s, render_cpu_s, airings = _render_onair(settings, hour, work / "onair.mp3")
    plan = _plan(settings, airings)
    liquidsoap_s, liquidsoap_cpu_s = _render_liquidsoap(plan, work)
    # Liquidsoap's %mp3 asks LAME for quality 2 by default; onair and ffmpeg use LAME's 3.
    liquidsoap_q3_s, _ = _render_liquidsoap(plan, work, quality=3)
    floor_s, floor_cpu_s = _render_ffmpeg(plan, work)
    post = hour + timedelta(hours=1)  # the next hour's hard legal ID
    live = asyncio.run(_live(settings, post, args.minutes, args.listeners))
    p99, hard, starts = _start_errors(settings, live["aired"], post)
    crowd = asyncio.run(_live(settings, post + timedelta(hours=1), args.minutes_1000, 1000))
    print(
        json.dumps(
            {
                "render_s": round(render_s, 2),
                "liquidsoap_render_s": round(liquidsoap_s, 2),
                "ffmpeg_floor_s": round(floor_s, 2),
                "cpu_share": round(live["cpu_share"], 4),
                "cpu_share_1000": round(crowd["cpu_share"], 4),
                "start_error_p99_ms": round(p99, 2),
                "hard_start_worst_ms": round(hard, 2),
                "items": len(airings),
                "render_cpu_s": round(render_cpu_s, 2),
                "liquidsoap_cpu_s": round(liquidsoap_cpu_s, 2),
                "ffmpeg_floor_cpu_s": round(floor_cpu_s, 2),
                "liquidsoap_q3_render_s": round(liquidsoap_q3_s, 2),
                "vs_liquidsoap": round(liquidsoap_s / render_s, 2),
                "vs_liquidsoap_q3": round(liquidsoap_q3_s / render_s, 2),
                "vs_floor": round(render_s / floor_s, 2),
                "listeners": args.listeners,
                "listeners_connected_at_end": live["listeners_heard"],
                "live_s": round(live["live_s"], 1),
                "listeners_1000_connected_at_end": crowd["listeners_heard"],
                "live_1000_s": round(crowd["live_s"], 1),
                "live_items": len(live["aired"]),
                "live_scheduled_starts": starts,
                "cores": os.cpu_count(),
            }
        )
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
