"""Uploads wired: each file ingested as ``onair ingest`` ingests one, its asset stored with the
uploader's operator action in the same transaction."""

from __future__ import annotations

from pathlib import Path

from onair.bootstrap.ingest import run_ingest
from onair.bootstrap.stores import Stores
from onair.domain.ledger import EntryDraft
from onair.domain.library import AssetKind, LibraryAsset
from onair.ingest.intake import Outcome
from onair.ingest.library_desk import library_action
from onair.ingest.uploads import Uploads
from onair.storage.repositories.library_desk import LedgeredIngest

__all__ = ["uploads"]


def uploads(stores: Stores) -> Uploads:
    """Upload jobs over ``stores``; files wait in the data dir's ``uploads`` folder."""

    async def ingest(path: Path, kind: AssetKind | None, who: str) -> Outcome:
        def action(asset: LibraryAsset) -> EntryDraft:
            after = {"title": asset.title, "kind": asset.kind.value, "file": path.name,
                     "sha256": asset.sha256}  # fmt: skip
            return library_action(stores.station, stores.now(), "library.upload", who, asset.id,
                                  None, after)  # fmt: skip

        outcomes: list[Outcome] = []
        library = LedgeredIngest(stores.engine, stores.ledger, action)
        await run_ingest(stores, [str(path)], jobs=1, kind=kind, on_outcome=outcomes.append,
                         library=library)  # fmt: skip
        if not outcomes:
            raise RuntimeError(f"ingest gave no outcome for {path.name}")
        return outcomes[0]

    return Uploads(stores.settings.data_dir / "uploads", ingest, stores.now)
