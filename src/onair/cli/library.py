"""``onair library``: what the library holds, one asset in full, and what it refused."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from onair import bootstrap
from onair.cli.common import ConfigOpt, DataDirOpt, JsonOpt, operator_errors, out, settings_from
from onair.domain.library import AssetKind
from onair.ingest.asset_view import asset_view

__all__ = ["library_app"]

library_app = typer.Typer(help="The station's library of assets.", no_args_is_help=True)


@library_app.command("list")
def list_assets(
    kind: Annotated[AssetKind | None, typer.Option(help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 100,
    after: Annotated[str | None, typer.Option(help="Page on after this asset id.")] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The station's assets, oldest first."""
    with operator_errors():
        access = bootstrap.open_library(settings_from(config, data_dir=data_dir))
        try:
            station = access.settings.station
            assets = access.library.page(station, kind=kind, after_id=after, limit=limit)
        finally:
            access.close()
    views = [asset_view(a) for a in assets]
    if as_json:
        out.print_json(json.dumps(views))
        return
    table = Table("id", "kind", "title", "artist", "length", "LUFS", "status")
    for v in views:
        length = f"{v['duration_s']:.1f} s" if v["duration_s"] is not None else ""
        lufs = f"{v['loudness_lufs']:.1f}" if v["loudness_lufs"] is not None else ""
        table.add_row(v["id"], v["kind"], v["title"], v["artist"] or "", length, lufs, v["status"])
    out.print(table)


@library_app.command("show")
def show(
    asset: Annotated[str, typer.Argument(help="The asset id (see 'onair library list').")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Everything the library knows about one asset."""
    with operator_errors():
        access = bootstrap.open_library(settings_from(config, data_dir=data_dir))
        try:
            view = asset_view(access.library.get(asset))
        finally:
            access.close()
    if as_json:
        out.print_json(json.dumps(view))
        return
    table = Table("field", "value", title=view["title"])
    for key, value in view.items():
        if key not in ("fingerprint", "tags_original"):
            table.add_row(key, "" if value is None else str(value))
    out.print(table)


@library_app.command("rejects")
def rejects(
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 1000,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Files and catalog rows the library refused, newest first, each with its reason."""
    with operator_errors():
        access = bootstrap.open_library(settings_from(config, data_dir=data_dir))
        try:
            found = access.library.rejects(access.settings.station, limit)
        finally:
            access.close()
    rows = [
        {"source": r.source, "kind": r.kind.value, "reason": r.reason,
         "duplicate_of": r.duplicate_of, "at": r.at.isoformat() if r.at else None}
        for r in found
    ]  # fmt: skip
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("when", "kind", "source", "reason")
    for row in rows:
        table.add_row(row["at"] or "", row["kind"], row["source"], row["reason"])
    out.print(table)
