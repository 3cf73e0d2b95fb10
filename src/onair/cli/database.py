"""``onair db``: the station database's schema migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from onair import bootstrap
from onair.cli.console import err, out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt
from onair.cli.stores import settings_from

__all__ = ["db_app"]

db_app = typer.Typer(help="The station database: schema migrations.", no_args_is_help=True)


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
