"""Songs of fallback rotation as local files, for an engine that keeps its own fallback."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from onair.playout.lineup import AirRules
from onair.playout.master_cache import MasterCache, MasterUnavailable
from onair.playout.ports import PlayoutLibrary

__all__ = ["fallback_songs"]


def fallback_songs(
    library: PlayoutLibrary,
    station: str,
    rules: AirRules,
    cache: MasterCache,
    folder: Path,
    songs: int = 12,
) -> Path:
    """Up to ``songs`` songs of the fallback categories copied into ``folder``; returns it.

    Liquidsoap plays these when the engine feeds it nothing: whatever the
    database or the object store does later, these files are on this machine.
    """
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set(rules.fallback_categories)
    music = [p for p in library.playables(station) if p.kind == "music" and p.has_audio
             and (not wanted or p.category in wanted)]  # fmt: skip
    sounds = library.sounds(station, [p.id for p in music[:50]])
    for asset_id, sound in sorted(sounds.items())[:songs]:
        target = folder / f"{asset_id}.audio"
        if not target.exists():
            with contextlib.suppress(MasterUnavailable, OSError):
                shutil.copyfile(cache.path(sound.master_key), target)
    return folder
