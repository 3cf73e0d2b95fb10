"""The engine's audio to an Icecast mount: encoded to MP3 and sent as the mount's source.

Titles go to Icecast's metadata when the track's first sample is handed out,
never before (the DMCA forbids announcing what is coming). Icecast counts the
mount's listeners itself; its count is read from its statistics, off the air's clock.
"""

from __future__ import annotations

import asyncio

import numpy as np
import numpy.typing as npt

from onair.domain.playout import SAMPLE_RATE
from onair.playout.codecs.encoder import StreamEncoder
from onair.playout.icecast.source import IcecastSource
from onair.playout.icecast.stats import IcecastListeners

__all__ = ["IcecastOutput"]


class IcecastOutput:
    """A live output of the engine: MP3 to ``source``'s mount, titles as they start."""

    def __init__(
        self,
        source: IcecastSource,
        *,
        bitrate: int = 128_000,
        listeners: IcecastListeners | None = None,
    ) -> None:
        self.source = source
        self.stats = listeners
        self._encoder = StreamEncoder("mp3", bitrate)
        self._titles: set[asyncio.Task[bool]] = set()

    async def feed_async(self, pcm: npt.NDArray[np.float32], titles: list[tuple[int, str]]) -> None:
        chunks = await asyncio.to_thread(self._encoder.encode, pcm)
        await self.source.send(b"".join(chunk.data for chunk in chunks))
        for offset, title in titles:
            task = asyncio.create_task(self._announce(offset / SAMPLE_RATE, title))
            self._titles.add(task)
            task.add_done_callback(self._titles.discard)

    async def _announce(self, after_s: float, title: str) -> bool:
        await asyncio.sleep(after_s)
        return await self.source.update_metadata(title)

    def listeners(self) -> dict[str, int]:
        """The mount's listeners as Icecast last counted them (none without its stats)."""
        if self.stats is None or self.stats.count is None:
            return {}
        return {self.source.mount: self.stats.count}
