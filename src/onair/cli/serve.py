"""``onair serve``: the station's services, for the roles chosen."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated

import typer

from onair import bootstrap
from onair.cli.console import announce_urls
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, HostOpt, PortOpt
from onair.cli.stores import settings_from

__all__ = ["serve"]

Role = StrEnum("Role", {name: name for name in bootstrap.ROLES})  # type: ignore[misc]


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
