"""``onair playlist``: named, ordered lists of assets, built by hand.

The same desk as the API's ``/api/v1/playlists``: each change judged by the
station's rules (a refusal is one line and changes nothing, warnings are
printed), and each one operator action in the ledger by shell:LOGIN.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from onair import bootstrap
from onair.cli.access import shell_user
from onair.cli.console import err, out, warn
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt, StationOpt
from onair.cli.stores import settings_from
from onair.domain.playlists import Playlist, PlaylistChange
from onair.domain.schedule import Playable
from onair.scheduler.export import instant
from onair.scheduler.playlists import PlaylistDesk

__all__ = ["playlist_app"]

playlist_app = typer.Typer(
    help="Playlists: named, ordered lists of assets that a playlist category airs.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The playlist's name (what a station file names).")]
PositionArg = Annotated[int, typer.Argument(min=0, help="An item's place, 0 first.")]
AssetsArg = Annotated[list[str] | None, typer.Argument(help="Asset ids, in air order.")]


@contextmanager
def _desk(
    config: Path | None, data_dir: Path | None, station: str | None
) -> Iterator[PlaylistDesk]:
    settings = settings_from(config, data_dir=data_dir, station=station)
    with operator_errors(), bootstrap.open_stores(settings) as stores:
        yield stores.playlist_desk()


@playlist_app.command("list")
def list_playlists(
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The station's playlists by name."""
    with _desk(config, data_dir, station) as desk:
        found = desk.listing()
    rows: list[dict[str, Any]] = [
        {"name": p.name, "title": p.title, "items": len(p.asset_ids)} for p in found
    ]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("name", "title", "items")
    for row in rows:
        table.add_row(row["name"], row["title"], str(row["items"]))
    out.print(table)


@playlist_app.command("show")
def show(
    name: NameArg,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The playlist's items in air order, each with its asset."""
    with _desk(config, data_dir, station) as desk:
        playlist = desk.playlist(name)
        assets = desk.assets([playlist])
    _print(playlist, assets, as_json)


@playlist_app.command("create")
def create(
    name: NameArg,
    assets: AssetsArg = None,
    title: Annotated[str | None, typer.Option(help="Its title (default: its name).")] = None,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Make a playlist, of the assets given in that order (or empty)."""
    with _desk(config, data_dir, station) as desk:
        change = desk.create(name, title or name, assets or [], shell_user())
    _changed(change, f"created playlist {name}")


@playlist_app.command("set")
def set_items(
    name: NameArg,
    assets: AssetsArg = None,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Give the playlist these items, in this order (none: empty it)."""
    with _desk(config, data_dir, station) as desk:
        change = desk.replace_items(name, assets or [], shell_user())
    _changed(change, f"playlist {name}: {len(change.playlist.asset_ids)} items")


@playlist_app.command("add")
def add(
    name: NameArg,
    asset: Annotated[str, typer.Argument(help="The asset id (see 'onair library list').")],
    at: Annotated[int | None, typer.Option(min=0, help="Its place, 0 first (default: last).")] = (
        None
    ),
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Add an asset to the playlist, last or at a place."""
    with _desk(config, data_dir, station) as desk:
        change = desk.add_item(name, asset, at, shell_user())
    _changed(change, f"playlist {name}: {asset} added")


@playlist_app.command("remove")
def remove(
    name: NameArg,
    position: PositionArg,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Take the item at a place out of the playlist."""
    with _desk(config, data_dir, station) as desk:
        change = desk.remove_item(name, position, shell_user())
    _changed(change, f"playlist {name}: item {position} removed")


@playlist_app.command("move")
def move(
    name: NameArg,
    position: PositionArg,
    to: Annotated[int, typer.Argument(min=0, help="Its new place, 0 first.")],
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Move the item at a place to another; those between shift by one."""
    with _desk(config, data_dir, station) as desk:
        change = desk.move_item(name, position, to, shell_user())
    _changed(change, f"playlist {name}: item {position} moved to {to}")


@playlist_app.command("delete")
def delete(
    name: NameArg,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Remove the playlist, unless the station file in force airs it."""
    with _desk(config, data_dir, station) as desk:
        desk.delete(name, shell_user())
    err.print(f"deleted playlist {name}", highlight=False)


def _changed(change: PlaylistChange, said: str) -> None:
    for warning in change.warnings:
        warn(f"item {warning.position} ({warning.asset_id}): {warning.message} ({warning.rule})")
    for hour in change.kept:
        warn(f"the hour at {instant(hour)} airs it and keeps what it had (locked or on air)")
    err.print(said, highlight=False)
    if change.rebuilt:
        hours = ", ".join(f"{instant(p.start)}" for p in change.rebuilt)
        err.print(f"built anew with it: {hours}", highlight=False)


def _print(playlist: Playlist, assets: dict[str, Playable], as_json: bool) -> None:
    items: list[dict[str, Any]] = []
    for n, asset_id in enumerate(playlist.asset_ids):
        song = assets.get(asset_id)
        items.append({
            "position": n, "asset_id": asset_id, "in_library": song is not None,
            "kind": song.kind.value if song else None, "title": song.title if song else None,
            "artist": song.artist if song else None,
            "length_s": song.length_ms / 1000 if song else None,
        })  # fmt: skip
    if as_json:
        out.print_json(json.dumps({"name": playlist.name, "title": playlist.title,
                                   "items": items}))  # fmt: skip
        return
    table = Table("#", "asset", "kind", "title", "artist", "length", title=playlist.title)
    for item in items:
        length = f"{item['length_s']:.1f} s" if item["length_s"] is not None else ""
        table.add_row(str(item["position"]), item["asset_id"], item["kind"] or "not in library",
                      item["title"] or "", item["artist"] or "", length)  # fmt: skip
    out.print(table)
