"""Liquidsoap as playout's output: onair writes the script, runs it, feeds it, and listens to it.

Liquidsoap streams to Icecast with a fallback playlist and blank detection of
its own, so the mount keeps playing whatever happens to onair. This backend
supervises the process (a crash is restarted with backoff and the requests
that had not aired yet are pushed again), pushes annotated requests ahead of
time over telnet, and learns what went on air from the script's
``on_metadata`` callbacks, keeping the on-air state by ``onair_play_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import secrets
import shutil
import signal
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec
from urllib.parse import urlsplit

from onair.domain.playout import AirItem
from onair.observability import get_logger
from onair.playout.liquidsoap.requests import LiquidsoapTelnet, TelnetError, annotate_uri
from onair.playout.liquidsoap.script import LiveScript, live_script

__all__ = ["LiquidsoapBackend", "free_port"]

_log = get_logger(__name__)
_STARTUP_S = 30.0
_PR_SET_PDEATHSIG = 1
P = ParamSpec("P")
_STABLE_S = 30.0  # a process that ran this long resets the restart backoff


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _both(
    first: Callable[P, None] | None, then: Callable[P, None] | None
) -> Callable[P, None] | None:
    """A callback that calls ``first``, then ``then`` (either may be missing)."""
    if first is None or then is None:
        return first or then

    def both(*args: P.args, **kwargs: P.kwargs) -> None:
        first(*args, **kwargs)
        then(*args, **kwargs)

    return both


def _die_with_parent() -> None:
    """Linux: SIGTERM liquidsoap when onair dies, even by kill -9.

    A restarted onair starts its own liquidsoap; an orphan would hold the mount
    and stream a fallback nobody controls.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class _Pushed:
    item: AirItem
    uri: str
    rid: int | None = None


class LiquidsoapBackend:
    """Runs ``liquidsoap`` streaming to ``icecast_url`` and airs the items pushed to it.

    ``on_started(play_id, at)`` fires once per airing when it starts on air
    (``at`` in UTC); ``on_fault(line)`` and ``on_recovered(line)`` carry one
    line each for a crash, a refused Icecast, silence on air, and their ends.
    """

    def __init__(
        self,
        work_dir: Path,
        *,
        icecast_url: str,
        icecast_password: str,
        fallback_dir: Path,
        icecast_user: str = "source",
        station_name: str = "onair",
        blank_threshold_db: float = -50.0,
        blank_max_s: float = 5.0,
        ceiling_dbtp: float = -1.0,
        liquidsoap: str | None = None,
        max_backoff_s: float = 10.0,
        on_started: Callable[[str, datetime], None] | None = None,
        on_fault: Callable[[str], None] | None = None,
        on_recovered: Callable[[str], None] | None = None,
    ) -> None:
        parts = urlsplit(icecast_url)
        if not parts.hostname or not parts.path.strip("/"):
            raise ValueError(f"icecast URL must be http://host:port/mount, not {icecast_url!r}")
        self.work_dir = work_dir
        self._binary = liquidsoap or shutil.which("liquidsoap") or "liquidsoap"
        self._token = secrets.token_hex(8)
        self._script = LiveScript(
            telnet_port=free_port(),
            callback_url="",
            icecast_host=parts.hostname,
            icecast_port=parts.port or 80,
            icecast_password=icecast_password,
            icecast_user=icecast_user,
            mount=parts.path,
            fallback_dir=fallback_dir,
            station_name=station_name,
            blank_threshold_db=blank_threshold_db,
            blank_max_s=blank_max_s,
            ceiling_dbtp=ceiling_dbtp,
        )
        self.telnet = LiquidsoapTelnet(self._script.telnet_port)
        self._max_backoff_s = max_backoff_s
        self._on_started, self._on_fault, self._on_recovered = on_started, on_fault, on_recovered
        self._pending: dict[str, _Pushed] = {}
        self._aired: deque[str] = deque(maxlen=256)
        self._lock = asyncio.Lock()
        self._proc: asyncio.subprocess.Process | None = None
        self._server: asyncio.Server | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False
        self._faulty: set[str] = set()
        self.on_air: AirItem | None = None
        self.on_air_since: datetime | None = None

    @property
    def pid(self) -> int | None:
        """The running ``liquidsoap`` process id, if one runs."""
        return self._proc.pid if self._proc is not None and self._proc.returncode is None else None

    @property
    def pending(self) -> list[str]:
        """Play ids pushed and not yet on air, in air order."""
        return list(self._pending)

    def also_notify(
        self,
        *,
        on_started: Callable[[str, datetime], None] | None = None,
        on_fault: Callable[[str], None] | None = None,
        on_recovered: Callable[[str], None] | None = None,
    ) -> None:
        """Add listeners after those given when built (an engine made later subscribes here)."""
        self._on_started = _both(self._on_started, on_started)
        self._on_fault = _both(self._on_fault, on_fault)
        self._on_recovered = _both(self._on_recovered, on_recovered)

    async def start(self) -> None:
        """Write the script, open the callback receiver, start and supervise ``liquidsoap``."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._stopping = False
        self._server = await asyncio.start_server(self._receive, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}/liquidsoap/{self._token}"
        self._script = replace(self._script, callback_url=url)
        (self.work_dir / "onair.liq").write_text(live_script(self._script))
        await self._spawn()
        self._supervisor = asyncio.create_task(self._supervise(), name="liquidsoap-supervisor")

    async def stop(self) -> None:
        """Stop ``liquidsoap`` and the receiver."""
        self._stopping = True
        supervisor, self._supervisor = self._supervisor, None
        # Cancel until it is done: asyncio.wait_for on 3.11 can swallow a cancellation.
        while supervisor is not None and not supervisor.done():
            supervisor.cancel()
            await asyncio.wait({supervisor}, timeout=1)
        await self._terminate()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def push(
        self, item: AirItem, path: Path, cross_s: float, fade_in_s: float, fade_out_s: float
    ) -> int | None:
        """Queue ``item`` (audio at ``path``) after those already pushed; returns the request id.

        When Liquidsoap is away the item is kept and pushed when it is back
        (``None`` is returned then).
        """
        uri = annotate_uri(item, path, cross_s=cross_s, fade_in_s=fade_in_s, fade_out_s=fade_out_s)
        pushed = _Pushed(item, uri)
        async with self._lock:
            self._pending[item.play_id] = pushed
            if self.pid is None:
                return None
            try:
                pushed.rid = await self.telnet.push(uri)
            except TelnetError as exc:
                self._fault("telnet", f"{exc}; {item.play_id} will be pushed when it is back")
        return pushed.rid

    async def _spawn(self) -> None:
        log = (self.work_dir / "liquidsoap.log").open("ab")
        try:
            self._proc = await asyncio.create_subprocess_exec(
                self._binary, str(self.work_dir / "onair.liq"), stdout=log, stderr=log,
                preexec_fn=_die_with_parent,
            )  # fmt: skip
        except OSError as exc:
            self._proc = None
            self._fault("process", f"liquidsoap could not be started ({self._binary}): {exc}")
            return
        finally:
            log.close()
        deadline = time.monotonic() + _STARTUP_S
        while time.monotonic() < deadline and self._proc.returncode is None:
            if await self.telnet.alive():
                _log.info("liquidsoap started", pid=self._proc.pid, port=self._script.telnet_port)
                return
            await asyncio.sleep(0.1)
        self._fault("process", f"liquidsoap did not start: {self._log_tail()}")

    async def _supervise(self) -> None:
        failures = 0
        while not self._stopping:
            started, proc = time.monotonic(), self._proc
            if proc is not None:
                code = await proc.wait()
            failures = 1 if time.monotonic() - started > _STABLE_S else failures + 1
            delay = min(self._max_backoff_s, 0.5 * 2 ** (failures - 1))
            if proc is not None:  # a failed start was reported by _spawn
                self._fault("process", f"liquidsoap exited with code {code}; restarting it")
            await asyncio.sleep(delay)
            async with self._lock:
                await self._spawn()
                if self.pid is not None:
                    await self._repush()

    async def _repush(self) -> None:
        # The first request pushed may start airing while the rest are pushed,
        # and its callback takes it (and those before it) out of the pending.
        queued = list(self._pending.items())
        for play_id, pushed in queued:
            if play_id not in self._pending:
                continue
            try:
                pushed.rid = await self.telnet.push(pushed.uri)
            except TelnetError as exc:
                self._fault("telnet", str(exc))
                return
        self._recover("telnet", "liquidsoap answers on telnet again")
        self._recover("process", f"liquidsoap is back; pushed {len(queued)} requests again")

    async def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        proc.terminate()
        try:
            async with asyncio.timeout(10):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()

    async def _receive(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Minimal HTTP/1.x: one POST of JSON per connection, answered 204.
        try:
            async with asyncio.timeout(5):
                head = await reader.readuntil(b"\r\n\r\n")
            request_line, *headers = head.decode("latin-1").split("\r\n")
            length = 0
            for header in headers:
                name, _, value = header.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            async with asyncio.timeout(5):
                body = await reader.readexactly(min(length, 65536))
            ok = request_line.startswith(f"POST /liquidsoap/{self._token} ")
            status = b"204 No Content" if ok else b"404 Not Found"
            writer.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            await writer.drain()
            if ok:
                self._handle(json.loads(body))
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as exc:
            _log.warning("bad liquidsoap callback", error=str(exc))
        finally:
            writer.close()

    def _handle(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        at = datetime.fromtimestamp(float(event.get("at", time.time())), UTC)
        if kind == "track":
            self._track_started(str(event.get("onair_play_id", "")), at, event)
        elif kind == "blank":
            self._fault(
                "blank",
                f"silence under {self._script.blank_threshold_db:g} dB for "
                f"{self._script.blank_max_s:g} s on {self._script.mount}; skipped the track",
            )
        elif kind == "noise":
            self._recover("blank", f"sound is back on {self._script.mount}")
        elif kind == "icecast_error":
            self._fault(
                "icecast",
                f"liquidsoap cannot stream to icecast at {self._script.icecast_host}:"
                f"{self._script.icecast_port}{self._script.mount}: {event.get('message', '')}",
            )
        elif kind == "icecast_connected":
            self._recover("icecast", f"liquidsoap streams to {self._script.mount} again")

    def _track_started(self, play_id: str, at: datetime, event: dict[str, Any]) -> None:
        if not play_id:
            if event.get("onair_source") == "fallback" and self.on_air is not None:
                _log.warning("fallback on air", filename=event.get("filename"))
                self.on_air, self.on_air_since = None, at
            return
        if play_id in self._aired:
            return  # 2.1 repeats a track's metadata when the cross after it ends
        self._aired.append(play_id)
        order = list(self._pending)
        if play_id in self._pending:
            for skipped in order[: order.index(play_id)]:
                self._pending.pop(skipped)
                self._fault("skip", f"liquidsoap never aired {skipped}")
        pushed = self._pending.pop(play_id, None)
        self.on_air = pushed.item if pushed is not None else None
        self.on_air_since = at
        _log.info("on air", play_id=play_id, at=at.isoformat(), rid=event.get("rid"))
        if self._on_started is not None:
            self._on_started(play_id, at)

    def _fault(self, part: str, message: str) -> None:
        # One line per outage of each part: repeats while it stays down are not reported.
        if part in self._faulty and part not in ("process", "skip"):
            return
        self._faulty.add(part)
        _log.warning("liquidsoap fault", part=part, fault=message)
        if self._on_fault is not None:
            self._on_fault(message)

    def _recover(self, part: str, message: str) -> None:
        if part not in self._faulty:
            return
        self._faulty.discard(part)
        _log.info("liquidsoap recovered", part=part, message=message)
        if self._on_recovered is not None:
            self._on_recovered(message)

    def _log_tail(self) -> str:
        path = self.work_dir / "liquidsoap.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return " | ".join(lines[-3:])
