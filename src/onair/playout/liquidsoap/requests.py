"""Liquidsoap requests: the annotated URI of one airing, and the telnet client that pushes them.

Liquidsoap 2.1 keeps a track's ``liq_*`` overrides for the tracks after it
unless they set their own, so :func:`annotate_uri` writes every key on every
track, even a zero fade.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from onair.domain.playout import AirItem

__all__ = [
    "ANNOTATION_KEYS",
    "LiquidsoapTelnet",
    "TelnetError",
    "annotate_uri",
    "annotation_value",
]

ANNOTATION_KEYS = (
    "liq_cue_in",
    "liq_cue_out",
    "liq_cross_duration",
    "liq_fade_in",
    "liq_fade_out",
    "liq_amplify",
    "onair_play_id",
    "onair_asset_id",
    "title",
    "artist",
)


def annotation_value(value: str) -> str:
    """``value`` as a quoted annotate value: backslashes and quotes escaped, one line.

    Liquidsoap 2.1 reads annotate values with its script lexer, which
    interpolates ``#{...}`` (the request then fails to resolve and a queue
    holding it stalls), and no escape stops that: ``#{`` becomes ``# {``.
    """
    flat = " ".join(value.splitlines()).replace("#{", "# {")
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def annotate_uri(
    item: AirItem, path: Path, *, cross_s: float, fade_in_s: float, fade_out_s: float
) -> str:
    """The ``annotate:`` request that airs ``item`` from ``path`` with its cues, gain and fades.

    ``cross_s`` is how long the next item overlaps this one's end
    (``liq_cross_duration`` is read from the ending track); ``fade_in_s`` is
    this item's fade-in where the previous one crosses into it, ``fade_out_s``
    its fade-out under the next one.
    """
    values = {
        "liq_cue_in": f"{item.cue_in_s:.3f}",
        "liq_cue_out": f"{item.cue_out_s:.3f}",
        "liq_cross_duration": f"{max(cross_s, 0.0):.3f}",
        "liq_fade_in": f"{max(fade_in_s, 0.0):.3f}",
        "liq_fade_out": f"{max(fade_out_s, 0.0):.3f}",
        "liq_amplify": f"{item.gain_db:.2f} dB",
        "onair_play_id": item.play_id,
        "onair_asset_id": item.asset_id,
        "title": item.title,
        "artist": item.artist or "",
    }
    fields = ",".join(f"{key}={annotation_value(values[key])}" for key in ANNOTATION_KEYS)
    return f"annotate:{fields}:{path}"


class TelnetError(RuntimeError):
    """Liquidsoap's telnet server is away or answered something unexpected."""


class LiquidsoapTelnet:
    """A client of Liquidsoap's telnet server on loopback, one connection per command."""

    def __init__(
        self, port: int, *, host: str = "127.0.0.1", queue_id: str = "onair", timeout_s: float = 5.0
    ) -> None:
        self.host, self.port, self.queue_id, self.timeout_s = host, port, queue_id, timeout_s

    async def command(self, line: str) -> str:
        """Send one command and return its answer, without the closing ``END``."""
        if "\n" in line or "\r" in line:
            raise ValueError("a telnet command is one line")
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._exchange(line)
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
            reason = str(exc) or type(exc).__name__
            raise TelnetError(
                f"liquidsoap telnet at {self.host}:{self.port} failed on {line.split()[0]!r}: "
                f"{reason}"
            ) from exc

    async def _exchange(self, line: str) -> str:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(line.encode() + b"\nquit\n")
            await writer.drain()
            answer = await reader.readuntil(b"END\r\n")
        finally:
            writer.close()
            await writer.wait_closed()
        return answer.decode(errors="replace").removesuffix("END\r\n").strip()

    async def push(self, uri: str) -> int:
        """Queue ``uri`` at the end of the request queue; returns its request id."""
        answer = await self.command(f"{self.queue_id}.push {uri}")
        if not answer.strip().isdigit():
            raise TelnetError(f"liquidsoap did not queue the request: {answer!r}")
        return int(answer)

    async def queued(self) -> list[int]:
        """Request ids waiting in the queue (not yet playing), in order."""
        answer = await self.command(f"{self.queue_id}.queue")
        return [int(rid) for rid in answer.split() if rid.isdigit()]

    async def metadata(self, rid: int) -> dict[str, str]:
        """The metadata Liquidsoap holds for request ``rid``."""
        answer = await self.command(f"request.metadata {rid}")
        found: dict[str, str] = {}
        for row in answer.splitlines():
            key, sep, value = row.partition("=")
            if sep:
                found[key.strip()] = _unquote(value.strip())
        return found

    async def skip(self) -> None:
        """End the track the queue is playing now."""
        await self.command(f"{self.queue_id}.skip")

    async def alive(self) -> bool:
        """Whether the telnet server answers."""
        try:
            await self.command("uptime")
        except TelnetError:
            return False
        return True


_ESCAPE = re.compile(rb"\\([01]\d\d|2[0-5]\d|.)", re.DOTALL)
_SIMPLE = {b"n": b"\n", b"t": b"\t", b"r": b"\r"}


def _unquote(value: str) -> str:
    """A value as ``request.metadata`` prints it (OCaml-quoted, bytes as ``\\DDD``)."""
    raw = value.removeprefix('"').removesuffix('"').encode()

    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        return bytes([int(code)]) if code.isdigit() else _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, raw).decode(errors="replace")
