"""``onair library``: what the library holds, one asset in full, search, and what it refused."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from onair import bootstrap
from onair.cli.console import err, out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt
from onair.cli.progress import progress_bar
from onair.cli.stores import library_at
from onair.domain.library import AssetKind
from onair.ingest.asset_view import asset_view

if TYPE_CHECKING:
    from onair.ingest.discovery import Found

__all__ = ["index_for_search", "library_app"]

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
    with operator_errors(), library_at(config, data_dir) as access:
        station = access.settings.station
        assets = access.library.page(station, kind=kind, after_id=after, limit=limit)
    views = [asset_view(a) for a in assets]
    if as_json:
        out.print_json(json.dumps(views))
        return
    table = Table("id", "kind", "title", "artist", "length", "LUFS", "status", "needs tags")
    for v in views:
        length = f"{v['duration_s']:.1f} s" if v["duration_s"] is not None else ""
        lufs = f"{v['loudness_lufs']:.1f}" if v["loudness_lufs"] is not None else ""
        table.add_row(v["id"], v["kind"], v["title"], v["artist"] or "", length, lufs,
                      v["status"], _needs_tags(v))  # fmt: skip
    out.print(table)


def _needs_tags(view: dict[str, Any]) -> str:
    """What links leave unsaid about a song until it is tagged: its title, its artist."""
    if view["kind"] != AssetKind.MUSIC:
        return ""
    unsaid = [("title", view["title_is_file_name"]), ("artist", view["artist_is_unknown"])]
    return ", ".join(name for name, missing in unsaid if missing)


@library_app.command("show")
def show(
    asset: Annotated[str, typer.Argument(help="The asset id (see 'onair library list').")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Everything the library knows about one asset."""
    with operator_errors(), library_at(config, data_dir) as access:
        view = asset_view(access.library.get(asset))
    if as_json:
        out.print_json(json.dumps(view))
        return
    table = Table("field", "value", title=view["title"])
    for key, value in view.items():
        if key not in ("fingerprint", "tags_original"):
            table.add_row(key, "" if value is None else str(value))
    out.print(table)


@library_app.command("remove")
def remove(
    asset: Annotated[str, typer.Argument(help="The asset id (see 'onair library list').")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Remove an asset, unless the schedule airs it in the next 48 hours.

    Its master and waveform go too once no asset has the same audio; the
    change is an operator action in the ledger, by shell:LOGIN.
    """
    from onair.bootstrap.library_desk import library_desk
    from onair.cli.access import shell_user

    with operator_errors(), library_at(config, data_dir) as access:
        library_desk(access).remove(asset, shell_user())
    err.print(f"removed {asset}", highlight=False)


@library_app.command("rejects")
def rejects(
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 1000,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Files and catalog rows the library refused, newest first, each with its reason."""
    with operator_errors(), library_at(config, data_dir) as access:
        found = access.library.rejects(access.settings.station, limit)
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


@library_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help='What to look for, e.g. "mellow late-night jazz".')],
    kind: Annotated[AssetKind | None, typer.Option(help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 10,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find assets by words (titles, artists, tags) and by meaning, best first."""
    with operator_errors(), library_at(config, data_dir) as access:
        discovery = bootstrap.open_discovery(access)
        found = discovery.search(access.settings.station, query, limit, kind)
        rows = _results(access, found)
    _print_results(rows, as_json, f"no asset matches {query!r}")


@library_app.command("similar")
def similar(
    asset: Annotated[str, typer.Argument(help="The asset id (see 'onair library list').")],
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 10,
    any_kind: Annotated[
        bool, typer.Option("--any-kind", help="Look beyond the asset's own kind.")
    ] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Assets like ASSET in what they are (tags) and how they sound (timbre, tempo, energy)."""
    with operator_errors(), library_at(config, data_dir) as access:
        found = bootstrap.open_discovery(access).similar(asset, limit, any_kind=any_kind)
        rows = _results(access, found)
    _print_results(rows, as_json, f"nothing indexed is like {asset}")


@library_app.command("index")
def index(config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Index for search the assets changed since they were last indexed.

    'onair ingest' does this itself unless given --no-index.
    """
    with operator_errors(), library_at(config, data_dir) as access:
        done = index_for_search(access)
    err.print(f"indexed {done} assets", highlight=False)


def index_for_search(access: bootstrap.Stores) -> int:
    """Index what changed, with a progress bar; how many assets were indexed."""
    discovery = bootstrap.open_discovery(access)
    with progress_bar(rate=True) as progress:
        task = progress.add_task("indexing for search", total=None)
        return discovery.index_pending(access.settings.station, lambda n: progress.advance(task, n))


def _results(access: bootstrap.Stores, found: list[Found]) -> list[dict[str, Any]]:
    assets = {a.id: a for a in access.library.get_many([f.asset_id for f in found])}
    rows = []
    for rank, hit in enumerate(found, start=1):
        asset = assets.get(hit.asset_id)
        if asset is None:  # removed since it was indexed
            continue
        rows.append(
            {
                "rank": rank,
                "id": asset.id,
                "kind": asset.kind.value,
                "title": asset.title,
                "artist": asset.tags.artist,
                "score": hit.score,
                "ranks": hit.ranks,
                "tags": list(asset.semantic_tags),
            }
        )
    return rows


def _print_results(rows: list[dict[str, Any]], as_json: bool, nothing: str) -> None:
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        err.print(nothing, highlight=False)
        return
    table = Table("#", "id", "kind", "title", "artist", "why", "tags")
    for row in rows:
        why = ", ".join(f"{name} #{place}" for name, place in row["ranks"].items())
        table.add_row(
            str(row["rank"]), row["id"], row["kind"], row["title"], row["artist"] or "", why,
            " ".join(row["tags"]),
        )  # fmt: skip
    out.print(table)
