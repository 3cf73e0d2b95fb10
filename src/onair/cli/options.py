"""The options every ``onair`` command shares."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["ConfigOpt", "DataDirOpt", "HostOpt", "JsonOpt", "OutputOpt", "PortOpt", "StationOpt"]

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="A TOML settings file; ONAIR_* variables override it."),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Where embedded data lives (env ONAIR_DATA_DIR; default ./onair-data)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
StationOpt = Annotated[
    str | None, typer.Option("--station", help="The station id (default: the settings' station).")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
]
HostOpt = Annotated[
    str | None, typer.Option("--host", help="Address to listen on (default: 127.0.0.1).")
]
PortOpt = Annotated[int | None, typer.Option("--port", help="Port to listen on (default: 8000).")]
