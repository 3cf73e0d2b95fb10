"""The ``onair`` command: serve a station, run the demo, manage the database and settings."""

from __future__ import annotations

import asyncio
import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from onair import bootstrap
from onair.cli import agents as _agents
from onair.cli import audit as _audit
from onair.cli import demo as _demo
from onair.cli import ingest as _ingest
from onair.cli import library as _library
from onair.cli import playout as _playout
from onair.cli import report as _report
from onair.cli import schedule as _schedule
from onair.cli import station as _station
from onair.cli.console import announce_urls, err, out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, HostOpt, JsonOpt, PortOpt
from onair.cli.stores import settings_from

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


Role = StrEnum("Role", {name: name for name in bootstrap.ROLES})  # type: ignore[misc]


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
        roles = frozenset(str(r) for r in role) if role else frozenset(bootstrap.ROLES)
        asyncio.run(bootstrap.serve(settings, roles, announce=announce_urls))


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


def main() -> None:
    app()


app.command("ingest")(_ingest.ingest)
app.command("demo")(_demo.demo)
app.command("demo-library")(_demo.demo_library)
app.add_typer(_library.library_app, name="library")
app.add_typer(_station.station_app, name="station")
app.add_typer(_schedule.schedule_app, name="schedule")
app.add_typer(_playout.playout_app, name="playout")
app.add_typer(_agents.agents_app, name="agents")
app.add_typer(_audit.audit_app, name="audit")
app.add_typer(_report.report_app, name="report")
