"""``onair ingest``: audio files and folders, and catalog feeds, into the library."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated

import typer

from onair import bootstrap
from onair.cli.console import err, fail, out
from onair.cli.errors import operator_errors
from onair.cli.library import index_for_search
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt
from onair.cli.progress import progress_bar
from onair.cli.stores import library_at
from onair.domain.library import AssetKind
from onair.ingest.batch import BatchSummary, find_audio
from onair.ingest.catalog_load import CatalogLoad
from onair.ingest.intake import Outcome, Status

__all__ = ["ingest", "ingest_folder"]


def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Audio files and folders (searched recursively).")
    ] = None,
    catalog: Annotated[
        list[Path] | None,
        typer.Option("--catalog", help="A label's feed: CSV or DDEX ERN 4 XML (repeatable)."),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "-j", "--jobs", min=0, max=256, help="Worker processes (default: 0, one per core)."
        ),
    ] = 0,
    kind: Annotated[
        AssetKind | None,
        typer.Option(
            "--kind", help="Take every file as this kind (default: from folder and name)."
        ),
    ] = None,
    via_bus: Annotated[
        bool,
        typer.Option("--via-bus", help="Send the files to 'serve --role ingest' workers (NATS)."),
    ] = False,
    no_index: Annotated[
        bool,
        typer.Option("--no-index", help="Skip indexing for search ('onair library index' later)."),
    ] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingest audio and catalog feeds: tags, rights, loudness, cue points, duplicates.

    A rerun skips files already done, so an interrupted run resumes. Exits 1
    when any file or row was rejected (see 'onair library rejects').
    """
    if not paths and not catalog:
        fail("give audio files or folders, or --catalog FILE", 2)
    with operator_errors():
        found = find_audio(paths or [])
        for line in found.refused:
            err.print(f"rejected: {line}", highlight=False, soft_wrap=True)
        with library_at(config, data_dir) as access:
            rejected_rows, named = _catalogs(access, catalog or [])
            files = sorted(set(found.files) | {str(p.resolve()) for p in named})
            summary = _audio(access, files, jobs, kind, via_bus=via_bus)
            if not no_index:
                index_for_search(access)
    summary.skipped, summary.links_refused = found.others, len(found.refused)
    if as_json:
        counts = {s.value: summary.counts[s] for s in Status}
        extra = {"skipped": found.others, "links_refused": len(found.refused)}
        out.print_json(json.dumps(counts | extra | {"catalog_rejects": rejected_rows}))
    else:
        err.print(f"done: {summary.line()}", highlight=False)
    if summary.counts[Status.REJECTED] or rejected_rows or found.refused:
        raise typer.Exit(1)


def ingest_folder(
    access: bootstrap.Stores, folder: Path, catalog: Path, *, search_index: bool = True
) -> None:
    """Load ``catalog``, then ingest the audio files under ``folder``, with progress.

    Files the catalog names that are not there yet are left for a later run.
    ``search_index`` False leaves indexing for search to later too.
    """
    _catalogs(access, [catalog])
    summary = _audio(access, find_audio([folder]).files, 0, None)
    if search_index:
        index_for_search(access)
    err.print(f"library: {summary.line()}", highlight=False)


def _catalogs(access: bootstrap.Stores, catalogs: list[Path]) -> tuple[int, list[Path]]:
    rejected, named = 0, []
    for path in catalogs:
        load = _catalog(access, path)
        err.print(
            f"catalog {path.name}: {load.added} added, {load.updated} updated, "
            f"{load.rejected} rejected, {len(load.audio)} audio files named",
            highlight=False,
        )
        rejected += load.rejected
        named.extend(load.audio)
    return rejected, named


def _catalog(access: bootstrap.Stores, path: Path) -> CatalogLoad:
    with progress_bar() as progress:
        task = progress.add_task(f"catalog {path.name}", total=None)
        (load,) = bootstrap.load_catalogs(access, [path], lambda: progress.advance(task))
    return load


def _audio(
    access: bootstrap.Stores,
    files: list[str],
    jobs: int,
    kind: AssetKind | None,
    *,
    via_bus: bool = False,
) -> BatchSummary:
    if not files:
        return BatchSummary()
    jobs = jobs or os.cpu_count() or 1
    with progress_bar(rate=True) as progress:
        task = progress.add_task("ingesting", total=len(files))

        def started(todo: int, done: int) -> None:
            progress.update(task, total=todo)
            if done:
                progress.console.print(f"{done} files already done: resuming", highlight=False)

        def finished(outcome: Outcome) -> None:
            progress.advance(task)
            if outcome.status in (Status.REJECTED, Status.DUPLICATE):
                progress.console.print(f"{outcome.status.value}: {outcome.reason}", highlight=False)

        run = bootstrap.run_ingest(access, files, jobs=jobs, kind=kind, via_bus=via_bus,
                                   on_total=started, on_outcome=finished)  # fmt: skip
        return asyncio.run(run)
