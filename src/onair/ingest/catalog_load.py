"""Loading a label's catalog feed (CSV or DDEX ERN) into the library.

Rows become assets whose audio may come later: a file ingested afterwards
with the row's ISRC or file name completes the asset. A row for an ISRC the
library already has updates that asset's metadata and replaces its rights
(the feed is the authority on its deals). A row's duration, energy and
category (for scheduling before the audio arrives) are stored beside the
asset; an empty one leaves what was there. Several rows or deals for one ISRC
make one asset with every deal. Bad rows are rejected one line each; the good
ones load in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ulid import ULID

from onair.domain.library import AssetKind, LibraryAsset, Reject
from onair.domain.rights import UsageRights
from onair.ingest.catalog_csv import CatalogEntry, CatalogReject, InvalidCatalog, read_catalog_csv
from onair.ingest.catalog_ddex import read_catalog_ddex
from onair.ingest.intake import merge_tags
from onair.ingest.ports import Library

__all__ = ["CatalogLoad", "load_catalog", "read_catalog"]

Reader = Callable[[Path], Iterator[CatalogEntry | CatalogReject]]


@dataclass
class CatalogLoad:
    added: int = 0
    updated: int = 0
    rejected: int = 0
    audio: list[Path] = field(default_factory=list)  # files the rows name that are present


def read_catalog(path: Path) -> Iterator[CatalogEntry | CatalogReject]:
    """The feed's rows, by its format: ``.csv``, or DDEX ERN 4 ``.xml``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_catalog_csv(path)
    if suffix == ".xml":
        return read_catalog_ddex(path)
    raise InvalidCatalog(f"catalog {path.name}: expected a .csv or DDEX .xml file")


def load_catalog(
    path: Path, station: str, library: Library, on_row: Callable[[], None] | None = None
) -> CatalogLoad:
    """Load every good row of the feed at ``path``; raises ``InvalidCatalog`` for the file."""
    grouped: dict[str, list[CatalogEntry]] = {}
    rejects: list[Reject] = []
    unit = "recording" if path.suffix.lower() == ".xml" else "line"
    for row in read_catalog(path):
        if isinstance(row, CatalogReject):
            rejects.append(Reject(f"{path.name}:{row.line}", f"{unit} {row.line}: {row.reason}"))
        else:
            key = row.tags.isrc or f"{row.file}:{row.line}"
            grouped.setdefault(key, []).append(row)
        if on_row is not None:
            on_row()
    existing = library.ids_by_isrc(station, [k for k, e in grouped.items() if e[0].tags.isrc])
    known = {a.id: a for a in library.get_many(list(existing.values()))}
    assets, result = [], CatalogLoad(rejected=len(rejects))
    facts: dict[str, CatalogEntry] = {}  # the first row's, as for the tags
    for key, entries in grouped.items():
        base = known.get(existing.get(key, ""))
        asset = _asset(station, entries, base)
        assets.append(asset)
        facts[asset.id] = entries[0]
        result.updated += base is not None
        result.added += base is None
        result.audio.extend(_present(path.parent, entries))
    library.save_many(assets, facts)
    library.reject_many(station, rejects)
    return result


def _asset(station: str, entries: list[CatalogEntry], base: LibraryAsset | None) -> LibraryAsset:
    first = entries[0]
    rights = tuple(dict.fromkeys(e.rights for e in entries)) or (UsageRights(),)
    name = PurePosixPath(first.file).name if first.file else None
    if base is None:
        return LibraryAsset(str(ULID()), station, AssetKind.MUSIC, first.tags, rights,
                            source_name=name)  # fmt: skip
    return LibraryAsset(
        id=base.id,
        station=station,
        kind=base.kind,
        tags=merge_tags(first.tags, base.tags),
        rights=rights,
        sha256=base.sha256,
        master_key=base.master_key,
        waveform_key=base.waveform_key,
        source_name=base.source_name or name,
        audio=base.audio,
        semantic_tags=base.semantic_tags,
        created_at=base.created_at,
    )


def _present(folder: Path, entries: list[CatalogEntry]) -> Iterator[Path]:
    """The named files in ``folder``; a link that leads out of it is not followed."""
    inside = folder.resolve()
    for entry in entries:
        if not entry.file:
            continue
        try:
            real = (folder / entry.file).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a link in a loop
            continue
        if real.is_file() and real.is_relative_to(inside):
            yield folder / entry.file
