"""The demo station's library: on the air from a few songs, whole a few minutes later.

Synthesizing and ingesting the 60 items of the demo library takes minutes on a
small machine, most of it LAME encoding. A newcomer should hear the station
sooner, so the library is made in two parts: a starter (every imaging item and
the first :data:`STARTER_SONGS` songs, as FLAC, which encodes far faster) before
the station airs, and the rest while it airs. Once the rest is in, the
scheduler rebuilds the hours that have not started, so they rotate the whole
library.

Files are written under a hidden name and renamed when whole, and
``.complete`` marks a library whose every file is ingested: an interrupted
demo carries on where it stopped.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from onair.bootstrap.ingest import open_discovery, run_ingest, worker_processes
from onair.bootstrap.station import Station
from onair.domain.events import new_envelope
from onair.ingest.ffmpeg.demo_library import (
    DemoRecipe,
    make_demo_file,
    plan_demo_library,
    write_demo_catalog,
)
from onair.observability import get_logger
from onair.scheduler.desk import REBUILD

__all__ = ["STARTER_SONGS", "DemoLibrary", "grow_demo_library"]

# Enough songs for the hour on air: the scheduler relaxes its separation rules to
# fill it, and the hours after it are rebuilt once the whole library is in.
STARTER_SONGS = 16
DEMO_SEED = 1

log = get_logger("onair.demo")


@dataclass(frozen=True)
class DemoLibrary:
    """The demo library's folder and the plan of what goes in it."""

    folder: Path
    recipes: tuple[DemoRecipe, ...]

    @classmethod
    def planned(cls, folder: Path, tracks: int) -> DemoLibrary:
        recipes = tuple(plan_demo_library(tracks, seed=DEMO_SEED, flac_songs=STARTER_SONGS))
        return cls(folder, recipes)

    @property
    def catalog(self) -> Path:
        return self.folder / "catalog.csv"

    @property
    def complete(self) -> bool:
        """Every file made and ingested (a library from an older onair counts as whole)."""
        return (self.folder / ".complete").exists() or (
            self.catalog.exists() and not (self.folder / ".plan").exists()
        )

    def mark_complete(self) -> None:
        (self.folder / ".complete").touch()
        (self.folder / ".plan").unlink(missing_ok=True)

    def begin(self) -> None:
        """Write the catalog from the plan, so the rows are in before their audio."""
        if self.folder.exists() and not (self.folder / ".plan").exists():
            shutil.rmtree(self.folder)  # an older onair's interrupted build: files may be cut
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".plan").touch()
        for partial in self.folder.rglob(".*.part.*"):  # a file cut short by a stop
            partial.unlink()
        write_demo_catalog(self.folder, [r.track for r in self.recipes])

    def starter(self) -> list[DemoRecipe]:
        songs = [r for r in self.recipes if r.track.kind == "music"][:STARTER_SONGS]
        return [r for r in self.recipes if r.track.kind != "music" or r in songs]

    def rest(self) -> list[DemoRecipe]:
        starter = set(self.starter())
        return [r for r in self.recipes if r not in starter]

    def missing(self, recipes: list[DemoRecipe]) -> list[DemoRecipe]:
        return [r for r in recipes if not (self.folder / r.track.file).exists()]

    def files(self, recipes: list[DemoRecipe]) -> list[str]:
        return [str((self.folder / r.track.file).resolve()) for r in recipes]


def grow_demo_library(demo: DemoLibrary) -> Callable[[Station], Awaitable[None]]:
    """The task that makes and ingests the rest of the library while the station airs.

    It then asks the scheduler over the station's bus, as an operator's rebuild
    would, to rebuild today and tomorrow: the hours that have started are kept.
    """

    async def grow(station: Station) -> None:
        rest = demo.rest()
        todo = demo.missing(rest)
        log.info("demo_library_growing", to_make=len(todo), to_ingest=len(rest))
        # One worker: the other core keeps the air and the stream going.
        pool = worker_processes(1, background=True)
        try:
            for recipe in todo:
                await asyncio.wrap_future(pool.submit(make_demo_file, demo.folder, recipe))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        access = station.stores
        summary = await run_ingest(access, demo.files(rest), jobs=1)
        indexed = await asyncio.to_thread(
            open_discovery(access).index_pending, station.settings.station
        )
        demo.mark_complete()
        zone = await asyncio.to_thread(access.zone)
        payload = {"from": access.now().astimezone(zone).date().isoformat(), "days": 2}
        reply = await station.bus.request(
            new_envelope(REBUILD, station.settings.station, payload), timeout_s=300
        )
        log.info("demo_library_whole", items=len(demo.recipes), ingest=summary.line(),
                 indexed=indexed, schedule=reply.payload)  # fmt: skip

    return grow
