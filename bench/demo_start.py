"""Seconds from ``onair demo`` starting to the first audio on ``/stream.mp3``.

Prints one JSON line:

- ``first_run_s``: a new data dir; the station airs from the starter library
  (the imaging and 16 songs) while the rest is made (median of ``--runs``);
- ``second_run_s``: the same data dir again, the library whole;
- ``whole_first_s``, the reference: the library made and ingested whole before
  the station airs, as ``onair demo`` did before (``onair demo --no-serve``,
  then ``onair demo``), once;
- ``speedup``: ``whole_first_s / first_run_s``;
- ``cpu_count`` and ``load_1m`` at the start, since both move the figures.

Each run is the real command in a subprocess with the Python packages installed,
as after ``make install``; "first audio" is 16 KiB of MP3 read from the stream.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

AUDIO_BYTES = 16 * 1024


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ONAIR_")}


def _heard(base: str) -> bool:
    try:
        with httpx.stream("GET", f"{base}/stream.mp3", timeout=5) as response:
            if response.status_code != 200:
                return False
            got = 0
            for chunk in response.iter_bytes():
                got += len(chunk)
                if got >= AUDIO_BYTES:
                    return True
    except httpx.HTTPError:
        return False
    return False


def first_audio_s(data: Path, *, until_whole: bool = False) -> float:
    """Seconds from starting ``onair demo`` on ``data`` to the first audio.

    The demo is stopped after, once its library is whole when ``until_whole``.
    """
    port = _port()
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "onair", "demo", "--data-dir", str(data), "--port", str(port)],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while not _heard(f"http://127.0.0.1:{port}"):
            if proc.poll() is not None:
                raise SystemExit(f"onair demo exited {proc.returncode} before any audio")
            time.sleep(0.2)
        heard = time.monotonic() - start
        while until_whole and not (data / "demo-library" / ".complete").exists():
            if proc.poll() is not None:
                raise SystemExit(
                    f"onair demo exited {proc.returncode} before its library was whole"
                )
            time.sleep(1)
        return heard
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="first runs to take the median of")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    root = Path(tempfile.mkdtemp(prefix="onair-demo-bench-"))
    try:
        firsts, seconds = [], []
        for n in range(args.runs):
            data = root / f"starter-{n}"
            firsts.append(first_audio_s(data, until_whole=True))
            seconds.append(first_audio_s(data))
        whole = root / "whole"
        start = time.monotonic()
        made = subprocess.run([sys.executable, "-m", "onair", "demo", "--no-serve",
                               "--data-dir", str(whole)], env=_env(),
                              capture_output=True, check=False)  # fmt: skip
        if made.returncode != 0:
            raise SystemExit(made.stderr.decode()[-500:])
        whole_first = time.monotonic() - start + first_audio_s(whole)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    first = statistics.median(firsts)
    print(json.dumps({
        "first_run_s": round(first, 1),
        "first_runs_s": [round(x, 1) for x in firsts],
        "second_run_s": round(statistics.median(seconds), 1),
        "whole_first_s": round(whole_first, 1),
        "speedup": round(whole_first / first, 2),
        "cpu_count": os.cpu_count(),
        "load_1m": round(load, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
