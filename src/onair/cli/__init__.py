"""The ``onair`` command: serve a station, run the demo, manage the database and settings."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import datetime
from enum import StrEnum
from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from onair import bootstrap
from onair.cli import agents as _agents
from onair.cli import audit as _audit
from onair.cli import ingest as _ingest
from onair.cli import library as _library
from onair.cli import playout as _playout
from onair.cli import report as _report
from onair.cli import schedule as _schedule
from onair.cli import station as _station
from onair.cli.console import err, fail, out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt
from onair.cli.progress import progress_bar
from onair.cli.stores import settings_from
from onair.config import Settings
from onair.domain.program_check import program_from
from onair.domain.programming import NoProgram
from onair.ingest.ffmpeg.demo_library import build_demo_library
from onair.scheduler.station_file import load_station_file

__all__ = ["app", "main"]

app = typer.Typer(
    help="onair: radio automation that schedules, airs and proves every hour.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The station database: schema migrations.", no_args_is_help=True)
config_app = typer.Typer(help="The effective settings.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")


class Role(StrEnum):
    API = "api"
    SCHEDULER = "scheduler"
    PLAYOUT = "playout"
    AGENTS = "agents"
    INGEST = "ingest"
    COMPLIANCE = "compliance"


HostOpt = Annotated[str | None, typer.Option("--host", help="Address to listen on [127.0.0.1].")]
PortOpt = Annotated[int | None, typer.Option("--port", help="Port to listen on [8000].")]


@app.command()
def serve(
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    host: HostOpt = None,
    port: PortOpt = None,
    role: Annotated[
        list[Role] | None,
        typer.Option("--role", help="Run only these services (repeatable); default all."),
    ] = None,
) -> None:
    """Serve the station: health, metrics and the services of the chosen roles."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir, host=host, port=port)
        roles = frozenset(r.value for r in role) if role else frozenset(bootstrap.ROLES)
        asyncio.run(bootstrap.serve(settings, roles, announce=_announce))


@app.command()
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
    """Prepare a demo station on embedded defaults (with a demo library) and serve it."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir, host=host, port=port)
        revision = bootstrap.prepare_data_dir(settings)
        _seed_program(settings)
        if tracks:
            _seed_library(settings, tracks)
        _build_today(settings)
        ready = f" ready in {settings.data_dir.resolve()} (database at revision {revision})"
        err.print(Text.assemble("demo station ", (settings.station, "bold"), ready),
                  highlight=False)  # fmt: skip
        if not no_serve:
            asyncio.run(bootstrap.serve(settings, frozenset(bootstrap.ROLES), announce=_announce))


def _seed_library(settings: Settings, tracks: int) -> None:
    """Give an empty library the synthesized demo library (made once, in the data dir)."""
    with bootstrap.open_library(settings) as access:
        if access.library.count(settings.station):
            return
        folder = settings.data_dir / "demo-library"
        if not (folder / "catalog.csv").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that was interrupted
            with progress_bar() as progress:
                task = progress.add_task("synthesizing the demo library", total=tracks)
                build_demo_library(folder, tracks, on_track=lambda _: progress.advance(task))
        _ingest.ingest_folder(access, folder, catalog=folder / "catalog.csv")


def _build_today(settings: Settings) -> None:
    """Today's and tomorrow's schedule (hours already built are kept), so playout airs it."""
    with bootstrap.open_scheduler(settings) as scheduler:
        zone = scheduler.program(settings.station).zone
        today = datetime.now(zone).date()
        with err.status("building today's schedule"):
            report = scheduler.build(settings.station, today, 2, seed=1, keep_built=True)
    if report.built:
        err.print(f"schedule: {len(report.built)} hours built from {today}", highlight=False)


def _seed_program(settings: Settings) -> None:
    """Give a station without programming the shipped demo station file."""
    with bootstrap.open_programs(settings) as programs:
        try:
            programs.current(settings.station)
            return
        except NoProgram:
            pass
        with as_file(files("onair.scheduler") / "demo_station.yaml") as path:
            program = load_station_file(path)
        if program.id != settings.station:
            program = program_from(program.export() | {"id": settings.station})
        applied = programs.apply(program, "onair.scheduler/demo_station.yaml")
    err.print(f"station {program.id}: demo station file applied as version {applied.version}",
              highlight=False)  # fmt: skip


@app.command("demo-library")
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
    with progress_bar() as progress:
        task = progress.add_task("synthesizing", total=tracks)
        made = build_demo_library(
            out_dir,
            tracks,
            seed=seed,
            seconds=(min_seconds, max_seconds),
            on_track=lambda _: progress.advance(task),
        )
    music = sum(1 for t in made if t.kind == "music")
    err.print(
        f"{len(made)} items ({music} songs) in {out_dir}, catalog in {out_dir / 'catalog.csv'}"
    )


@db_app.command("upgrade")
def db_upgrade(
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Migrate the database schema up to REVISION (default: the newest)."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        reached = bootstrap.upgrade_database(settings, revision)
        err.print(f"database {bootstrap.masked_database_url(settings)} at revision {reached}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. 'base' or '-1'.")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Migrate the database schema down to REVISION."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        reached = bootstrap.downgrade_database(settings, revision)
        err.print(f"database {bootstrap.masked_database_url(settings)} at revision {reached}")


@db_app.command("current")
def db_current(config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Print the schema revision the database is at ('none' before any upgrade)."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        out.print(bootstrap.current_database_revision(settings) or "none")


@config_app.command("show")
def config_show(
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the effective settings, secrets masked."""
    with operator_errors():
        view = settings_from(config, data_dir=data_dir).public_view()
    if as_json:
        out.print_json(json.dumps(view))
        return
    table = Table("setting", "value", "environment variable", title="onair settings")
    for key, value in view.items():
        env = "" if key.startswith("resolved_") else f"ONAIR_{key.upper()}"
        table.add_row(key, "" if value is None else str(value), env)
    out.print(table)


def _announce(urls: dict[str, str]) -> None:
    for name, url in urls.items():
        err.print(f"{name:>8}: {url}", highlight=False)


def main() -> None:
    app()


app.command("ingest")(_ingest.ingest)
app.add_typer(_library.library_app, name="library")
app.add_typer(_station.station_app, name="station")
app.add_typer(_schedule.schedule_app, name="schedule")
app.add_typer(_playout.playout_app, name="playout")
app.add_typer(_agents.agents_app, name="agents")
app.add_typer(_audit.audit_app, name="audit")
app.add_typer(_report.report_app, name="report")
