"""``onair config``: the effective settings."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from onair.cli.console import out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt
from onair.cli.stores import settings_from

__all__ = ["config_app"]

config_app = typer.Typer(help="The effective settings.", no_args_is_help=True)


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
