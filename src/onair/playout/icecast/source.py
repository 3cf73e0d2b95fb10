"""An Icecast 2.4 source client: one long-lived HTTP PUT to a mount, reconnecting with backoff.

The caller paces the audio: :meth:`IcecastSource.send` hands over encoded bytes
as they are produced in real time (Icecast relays what it gets, it does not
throttle sources). While Icecast is away the bytes wait in a small bounded
queue whose oldest chunks are dropped, so a live producer never blocks on it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterable, Callable
from types import TracebackType
from urllib.parse import urlsplit

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from onair.observability import get_logger

__all__ = ["IcecastSource", "SourceRefused"]

_log = get_logger(__name__)
_HEADER_TIMEOUT_S = 10.0
_WRITE_TIMEOUT_S = 10.0


class SourceRefused(ConnectionError):
    """Icecast answered the source's PUT with something other than 200."""


class IcecastSource:
    """Streams bytes to ``url`` (``http://host:port/mount``) as an Icecast source.

    Use it as ``async with IcecastSource(...) as source:`` (or :meth:`start` /
    :meth:`aclose`), then ``await source.send(chunk)`` or
    ``await source.stream(chunks)``. Faults (password refused, mount busy,
    connection lost) are reported once per outage through ``on_fault`` as one
    line and retried with exponential backoff; nothing raises into the caller.
    """

    def __init__(
        self,
        url: str,
        password: str,
        *,
        user: str = "source",
        content_type: str = "audio/mpeg",
        name: str = "onair",
        description: str = "",
        on_fault: Callable[[str], None] | None = None,
        on_connected: Callable[[str], None] | None = None,
        max_backoff_s: float = 5.0,
        queue_chunks: int = 64,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname or not parts.path.strip("/"):
            raise ValueError(f"icecast source URL must be http://host:port/mount, not {url!r}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.mount = parts.path
        self._user, self._password = user, password
        self._content_type, self._name, self._description = content_type, name, description
        self._on_fault, self._on_connected = on_fault, on_connected
        self._max_backoff_s = max_backoff_s
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=queue_chunks)
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._last_fault: str | None = None
        self._closing = False

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def connected(self) -> bool:
        """Whether Icecast accepted the source and the PUT is open now."""
        return self._connected.is_set()

    async def start(self) -> None:
        """Start connecting in the background (idempotent)."""
        if self._task is None or self._task.done():
            self._closing = False
            self._task = asyncio.create_task(self._run(), name=f"icecast-source{self.mount}")

    async def aclose(self) -> None:
        """Stop streaming and close the connection."""
        self._closing = True
        task, self._task = self._task, None
        # Cancel until it is done: asyncio.wait_for on 3.11 can swallow a cancellation.
        while task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=1)
        self._connected.clear()

    async def __aenter__(self) -> IcecastSource:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def wait_connected(self, within_s: float) -> bool:
        """Wait until Icecast has accepted the source; False when ``within_s`` ran out."""
        try:
            async with asyncio.timeout(within_s):
                await self._connected.wait()
        except TimeoutError:
            return False
        return True

    async def send(self, chunk: bytes) -> None:
        """Queue ``chunk`` for the mount; when the queue is full its oldest chunk is dropped."""
        if not chunk:
            return
        while self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(chunk)

    async def stream(self, chunks: AsyncIterable[bytes]) -> None:
        """Send every chunk of ``chunks`` (which paces them in real time) in order."""
        async for chunk in chunks:
            await self.send(chunk)

    async def update_metadata(self, title: str) -> bool:
        """Set the mount's now-playing title (``/admin/metadata?mode=updinfo``)."""
        params = {"mode": "updinfo", "mount": self.mount, "song": title}
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                reply = await client.get(
                    f"http://{self.where}/admin/metadata",
                    params=params,
                    auth=(self._user, self._password),
                )
        except httpx.HTTPError as exc:
            self._fault(f"icecast at {self.where} did not take the title for {self.mount}: {exc}")
            return False
        if reply.status_code != 200:
            self._fault(
                f"icecast at {self.where} refused the title for {self.mount}: "
                f"HTTP {reply.status_code}"
            )
            return False
        return True

    async def _run(self) -> None:
        while not self._closing:
            # Any failure is retried: a live source keeps trying whatever went wrong.
            retrying = AsyncRetrying(
                wait=wait_exponential_jitter(multiplier=0.25, max=self._max_backoff_s),
                retry=retry_if_exception_type(Exception),
                before_sleep=self._before_retry,
            )
            async for attempt in retrying:
                with attempt:
                    reader, writer = await self._connect()
            try:
                await self._pump(reader, writer)
            except Exception as exc:  # reported, then reconnected
                reason = str(exc) or type(exc).__name__
                self._fault(
                    f"icecast at {self.where} dropped the source for {self.mount}: {reason}"
                )
            finally:
                self._connected.clear()
                writer.close()
                with contextlib.suppress(OSError, TimeoutError):
                    async with asyncio.timeout(1):
                        await writer.wait_closed()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        async with asyncio.timeout(_HEADER_TIMEOUT_S):
            reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            async with asyncio.timeout(_HEADER_TIMEOUT_S):
                writer.write(self._request_head())
                await writer.drain()
                status = await _read_status(reader)
        except BaseException:
            writer.close()
            raise
        if status != 200:
            writer.close()
            raise self._refusal(status)
        self._connected.set()
        self._last_fault = None
        _log.info("icecast source connected", icecast=self.where, mount=self.mount)
        if self._on_connected is not None:
            self._on_connected(f"icecast at {self.where} accepted the source for {self.mount}")
        return reader, writer

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Icecast sends nothing after its 200; reading returns only when it hangs up.
        hangup = asyncio.create_task(reader.read())
        take: asyncio.Task[bytes] | None = None
        try:
            while True:
                take = asyncio.create_task(self._queue.get())
                done, _ = await asyncio.wait({take, hangup}, return_when=asyncio.FIRST_COMPLETED)
                if hangup in done:
                    raise ConnectionResetError("icecast closed the source connection")
                writer.write(take.result())
                async with asyncio.timeout(_WRITE_TIMEOUT_S):
                    await writer.drain()
        finally:
            hangup.cancel()
            if take is not None:
                take.cancel()

    def _request_head(self) -> bytes:
        token = base64.b64encode(f"{self._user}:{self._password}".encode()).decode()
        lines = [
            f"PUT {self.mount} HTTP/1.1",
            f"Host: {self.where}",
            f"Authorization: Basic {token}",
            "User-Agent: onair",
            f"Content-Type: {self._content_type}",
            f"Ice-Name: {_header_safe(self._name)}",
            f"Ice-Description: {_header_safe(self._description)}",
            "Ice-Public: 0",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")

    def _refusal(self, status: int) -> SourceRefused:
        if status == 401:
            return SourceRefused(
                f"icecast at {self.where} refused the source password for {self.mount}"
            )
        if status == 403:
            return SourceRefused(
                f"icecast at {self.where} refused the source for {self.mount} "
                "(HTTP 403: mount in use or source limit reached)"
            )
        return SourceRefused(f"icecast at {self.where} answered HTTP {status} for {self.mount}")

    def _before_retry(self, state: RetryCallState) -> None:
        self._report(state.outcome.exception() if state.outcome is not None else None)

    def _report(self, exc: BaseException | None) -> None:
        if isinstance(exc, SourceRefused):
            self._fault(str(exc))
        elif exc is not None:
            reason = str(exc) or type(exc).__name__
            self._fault(f"icecast at {self.where} is unreachable for {self.mount}: {reason}")

    def _fault(self, message: str) -> None:
        # One line per outage: the same fault while retrying is not repeated.
        if message == self._last_fault:
            return
        self._last_fault = message
        _log.warning("icecast source fault", icecast=self.where, mount=self.mount, fault=message)
        if self._on_fault is not None:
            self._on_fault(message)


async def _read_status(reader: asyncio.StreamReader) -> int:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        raise ConnectionError("icecast hung up before answering") from exc
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise ConnectionError(f"not an HTTP answer: {status_line!r}")
    return int(parts[1])


def _header_safe(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")
