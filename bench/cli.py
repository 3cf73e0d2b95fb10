"""Seconds an operator waits for ``onair`` to answer: its help, a playout trigger, a listing.

Prints one JSON line:

- ``help_s``: ``onair --help``;
- ``trigger_s``: ``onair playout skip`` sent to a running station (the API and
  playout roles of ``onair serve``, on the port the settings name);
- ``library_list_s``: ``onair library list`` of a library of ``--tracks``
  catalog rows (``bench/catalog.py``), the first 100 as the command shows them;
- ``reference_s``: ``python -c pass`` with the same interpreter, the floor any
  Python command starts from, so the figures can be read against this machine's
  speed and load;
- the same four as CPU seconds (``help_cpu_s`` ...: user and system time of the
  command's process), which other work on the machine moves less than wall time;
- ``runs``, ``cpu_count`` and ``load_1m`` at the start.

Each figure is the median of ``--runs`` runs, end to end: the real ``onair``
entry point of the virtualenv this runs in, in a subprocess, from start to exit.
The four commands take turns in each round, so a change in the machine's load
falls on all of them alike. The station and its data dir are set up by the
bench (``onair ingest --catalog``, then ``onair serve``) and removed after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from catalog import write_catalog


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _onair() -> list[str]:
    """The ``onair`` script installed beside this interpreter, as ``make install`` puts it."""
    script = Path(sys.executable).with_name("onair")
    return [str(script)] if script.exists() else [sys.executable, "-m", "onair"]


def _children_cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` from start to exit; it must succeed."""
    cpu, start = _children_cpu_s(), time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()}")
    return wall, _children_cpu_s() - cpu


def _station(data: Path, env: dict[str, str], tracks: int) -> subprocess.Popen[bytes]:
    """A data dir with a library of ``tracks`` rows, and a station serving it, answering."""
    catalog = data.parent / "catalog.csv"
    write_catalog(catalog, tracks, seed=17)
    loaded = subprocess.run([*_onair(), "ingest", "--catalog", str(catalog), "--no-index"],
                            env=env, capture_output=True, check=False)  # fmt: skip
    if loaded.returncode != 0:
        raise SystemExit(f"onair ingest --catalog exited {loaded.returncode}: {loaded.stderr!r}")
    station = subprocess.Popen([*_onair(), "serve", "--role", "api", "--role", "playout"],
                               env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        if station.poll() is not None:
            raise SystemExit(f"onair serve exited {station.returncode} before it answered")
        try:
            httpx.get(f"http://127.0.0.1:{env['ONAIR_PORT']}/healthz", timeout=2)
            return station
        except httpx.TransportError:
            if time.monotonic() > deadline:
                station.kill()
                raise SystemExit("onair serve did not answer within 120 s") from None
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="rounds to take the median of")
    parser.add_argument("--tracks", type=int, default=1000, help="catalog rows in the library")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    root = Path(tempfile.mkdtemp(prefix="onair-cli-bench-"))
    data = root / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONAIR_")}
    env.update(ONAIR_DATA_DIR=str(data), ONAIR_PORT=str(_port()), COLUMNS="120")
    commands = {
        "reference": [sys.executable, "-c", "pass"],
        "help": [*_onair(), "--help"],
        "trigger": [*_onair(), "playout", "skip"],
        "library_list": [*_onair(), "library", "list"],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    station = _station(data, env, args.tracks)
    try:
        for _ in range(args.runs):
            for name, command in commands.items():
                wall, cpu = _timed(command, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    finally:
        station.send_signal(signal.SIGINT)
        try:
            station.wait(timeout=30)
        except subprocess.TimeoutExpired:
            station.kill()
        shutil.rmtree(root, ignore_errors=True)
    figures: dict[str, float | int] = {}
    for name in commands:
        figures[f"{name}_s"] = round(statistics.median(walls[name]), 3)
    for name in commands:
        figures[f"{name}_cpu_s"] = round(statistics.median(cpus[name]), 3)
    figures.update(runs=args.runs, cpu_count=os.cpu_count() or 0, load_1m=round(load, 2))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
