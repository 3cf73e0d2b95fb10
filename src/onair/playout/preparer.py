"""Audio of the look-ahead window fetched and decoded before it is needed, off the clock.

Decoding runs in a thread pool (PyAV releases the GIL while it decodes), so
neither the event loop nor the mixing thread waits for it unless an item is
asked for that was never prepared.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass

import numpy as np

from onair.domain.playout import AssetSound
from onair.playout.codecs.decoder import decode_cut
from onair.playout.master_cache import MasterCache

__all__ = ["Decoded", "Preparer"]


@dataclass(frozen=True)
class Decoded:
    """An asset's audio from cue-in to cue-out, and what went wrong decoding it, if anything."""

    audio: np.ndarray
    problem: str | None = None


class Preparer:
    """Fetches masters into the cache and decodes them ahead, one future per asset."""

    def __init__(self, cache: MasterCache, pool: Executor) -> None:
        self._cache = cache
        self._pool = pool
        self._ready: dict[str, Future[Decoded]] = {}

    def want(self, sound: AssetSound) -> None:
        """Start preparing ``sound`` unless it is already under way."""
        if sound.asset_id not in self._ready:
            self._ready[sound.asset_id] = self._pool.submit(self._prepare, sound)

    def take(self, sound: AssetSound) -> Decoded:
        """The decoded audio (waiting for it if needed); raises if it cannot be had."""
        self.want(sound)
        future = self._ready.pop(sound.asset_id)
        return future.result()

    def keep_only(self, asset_ids: set[str]) -> None:
        """Forget prepared audio no longer in the window (frees its memory)."""
        for asset_id in [a for a in self._ready if a not in asset_ids]:
            self._ready.pop(asset_id).cancel()

    def _prepare(self, sound: AssetSound) -> Decoded:
        path = self._cache.path(sound.master_key)
        audio, problem = decode_cut(path, sound.cue_in_s, sound.cue_out_s)
        return Decoded(audio, problem)
