"""Run the real ``onair`` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["closed_port", "onair", "running_server"]


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONAIR_")}
    env.update(extra or {})
    env["COLUMNS"] = "200"
    return env


def onair(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: float = 60,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "onair", *args],
        input=input_text,
        env=_env(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def running_server(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    startup_s: float = 30,
    log: Path | None = None,
    port: int | None = None,
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``onair serve`` (or ``demo``) on a free port (or ``port``); yields its base URL once
    /healthz answers.

    Its output is piped for the test to read, or written to ``log``: a server that logs
    more than a pipe holds (64 KiB) while nobody reads would block on its next line.
    """
    port = port or closed_port()
    out = log.open("a") if log else subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "onair", *args, "--port", str(port)],
        env=_env(env),
        cwd=cwd,
        stdout=out,
        stderr=subprocess.STDOUT if log else subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if proc.poll() is not None:
                printed, err = proc.communicate()
                if log:
                    printed = log.read_text()
                raise AssertionError(f"server exited {proc.returncode}: {err}\n{printed}")
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
        if log:
            out.close()  # type: ignore[union-attr]
