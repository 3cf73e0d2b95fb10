"""``onair demo`` and ``onair demo-library``: a station to hear at once, and its music."""

from __future__ import annotations

import asyncio
import secrets
from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated

import typer

from onair import bootstrap
from onair.bootstrap.demo import DemoLibrary, grow_demo_library
from onair.bootstrap.ingest import worker_processes
from onair.cli import ingest as _ingest
from onair.cli.console import announce_urls, err, fail
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, HostOpt, PortOpt
from onair.cli.progress import progress_bar
from onair.cli.stores import settings_from
from onair.domain.program_check import program_from
from onair.ingest.ffmpeg.demo_library import DemoRecipe, build_demo_library, make_demo_files
from onair.scheduler.station_file import load_station_file

__all__ = ["demo", "demo_library"]


def demo(
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    host: HostOpt = None,
    port: PortOpt = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare the data dir, then exit.")
    ] = False,
    tracks: Annotated[
        int, typer.Option(min=0, max=10_000, help="Demo library size for an empty library.")
    ] = 60,
) -> None:
    """Prepare a demo station on embedded defaults (with a demo library) and serve it.

    The first run airs once a starter library is in (the imaging and a few songs)
    and makes the rest while on the air; with --no-serve it makes it all first.
    """
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir, host=host, port=port)
        revision = bootstrap.prepare_data_dir(settings)
        with bootstrap.open_library(settings) as stores:
            _seed_program(stores)
            _seed_admin(stores)
            growing = _seed_library(stores, tracks, whole=no_serve) if tracks else None
            _build_today(stores)
        where = settings.data_dir.resolve()
        err.print(f"demo station {settings.station} ready in {where}"
                  f" (database at revision {revision})", highlight=False)  # fmt: skip
        if growing is not None:
            err.print(f"the other {len(growing.rest())} items of the demo library are made"
                      " while the station airs; later hours are rebuilt with them",
                      highlight=False)  # fmt: skip
        if not no_serve:
            grow = grow_demo_library(growing) if growing is not None else None
            asyncio.run(bootstrap.serve(settings, frozenset(bootstrap.ROLES),
                                        announce=announce_urls, alongside=grow))  # fmt: skip


def _seed_admin(stores: bootstrap.Stores) -> None:
    """Give a station without users an ``admin`` once, its password shown this once."""
    from onair.cli.access import shell_user
    from onair.domain.access import Role

    access = stores.access()
    if access.users():
        return
    password = secrets.token_urlsafe(15)
    access.add_user("admin", Role.ADMIN, password, shell_user())
    settings = stores.settings
    err.print(f"studio: http://{settings.host}:{settings.port}/ (log in as admin with password"
              f" {password}; shown this once)", highlight=False, soft_wrap=True)  # fmt: skip


def _seed_library(access: bootstrap.Stores, tracks: int, *, whole: bool) -> DemoLibrary | None:
    """Give the station the demo library (made once, in the data dir).

    Returns the library when part of it is still to be made and ingested while
    the station airs; ``whole`` makes and ingests all of it first.
    """
    demo = DemoLibrary.planned(access.settings.data_dir / "demo-library", tracks)
    if demo.complete or (access.library.count(access.station) and not demo.folder.exists()):
        return None  # made before, or a library of the station's own
    demo.begin()
    first = list(demo.recipes) if whole else demo.starter()
    _make(demo, demo.missing(first))
    _ingest.ingest_folder(access, demo.folder, catalog=demo.catalog, search_index=whole)
    if whole:
        demo.mark_complete()
        return None
    return demo


def _make(demo: DemoLibrary, recipes: list[DemoRecipe]) -> None:
    if not recipes:
        return
    with progress_bar() as progress, worker_processes() as pool:
        task = progress.add_task("synthesizing the demo library", total=len(recipes))
        make_demo_files(demo.folder, recipes, pool=pool, on_track=lambda _: progress.advance(task))


def _build_today(stores: bootstrap.Stores) -> None:
    """Today's and tomorrow's schedule (hours already built are kept), so playout airs it."""
    scheduler = stores.scheduler()
    today = stores.now().astimezone(stores.zone()).date()
    with err.status("building today's schedule"):
        report = scheduler.build(stores.station, today, 2, seed=1, keep_built=True)
    if report.built:
        err.print(f"schedule: {len(report.built)} hours built from {today}", highlight=False)


def _seed_program(stores: bootstrap.Stores) -> None:
    """Give a station without programming the shipped demo station file."""
    if stores.program() is not None:
        return
    with as_file(files("onair.scheduler") / "demo_station.yaml") as path:
        program = load_station_file(path)
    if program.id != stores.station:
        program = program_from(program.export() | {"id": stores.station})
    applied = stores.programs.apply(program, "onair.scheduler/demo_station.yaml")
    err.print(f"station {program.id}: demo station file applied as version"
              f" {applied.version}", highlight=False)  # fmt: skip


def demo_library(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the library into.")],
    tracks: Annotated[int, typer.Option(min=1, max=100_000, help="How many items.")] = 300,
    seed: Annotated[int, typer.Option(help="The same seed makes the same library.")] = 1,
    min_seconds: Annotated[float, typer.Option(min=5.0, help="Shortest song body.")] = 150.0,
    max_seconds: Annotated[float, typer.Option(min=5.0, help="Longest song body.")] = 220.0,
) -> None:
    """Synthesize a demo library (music, IDs, jingles, liners) with catalog.csv and truth.json."""
    if min_seconds > max_seconds:
        fail("--min-seconds is longer than --max-seconds", 2)
    if out_dir.exists() and any(out_dir.iterdir()):
        fail(f"{out_dir} is not empty: choose a new folder", 2)
    with progress_bar() as progress, worker_processes() as pool:
        task = progress.add_task("synthesizing", total=tracks)
        made = build_demo_library(out_dir, tracks, seed=seed, seconds=(min_seconds, max_seconds),
                                  on_track=lambda _: progress.advance(task), pool=pool)  # fmt: skip
    music = sum(1 for t in made if t.kind == "music")
    err.print(f"{len(made)} items ({music} songs) in {out_dir}, catalog in"
              f" {out_dir / 'catalog.csv'}", highlight=False)  # fmt: skip
