"""``onair api openapi``: the API's OpenAPI document, as ``/openapi.json`` serves it.

The studio's TypeScript client is generated from it at build time, with no station
running: the document is the source's shape, nothing of a station.
"""

from __future__ import annotations

import json

import typer
from prometheus_client import CollectorRegistry

from onair.api import create_app

__all__ = ["api_app"]

api_app = typer.Typer(help="The station's HTTP API: its OpenAPI document.", no_args_is_help=True)


@api_app.command("openapi")
def openapi() -> None:
    """Print the API's OpenAPI document (JSON), as GET /openapi.json answers it."""
    app = create_app(station="onair", roles=frozenset(), checks={}, registry=CollectorRegistry())
    typer.echo(json.dumps(app.openapi(), indent=1, sort_keys=True))
