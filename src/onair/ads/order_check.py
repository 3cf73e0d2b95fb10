"""An order file's orders held against the station: the copy in the library, the breaks.

What the file alone cannot say is checked here: each copy is a spot asset of
the library about as long as the order's length, no copy is killed before its
flight starts, the advertiser is known, and some spot break of the station is
long enough for the length sold.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from onair.ads.order_file import OrderFile
from onair.domain.library import AssetKind
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import Playable

__all__ = ["COPY_TOLERANCE_MS", "order_problems"]

COPY_TOLERANCE_MS = 1_000  # a :30's copy may run 29.0 to 31.0 s


def order_problems(
    file: OrderFile,
    program: StationProgram,
    assets: Mapping[str, Playable],
    advertisers: Collection[str],
    bookend_ms: int,
) -> list[str]:
    """One ``FILE:LINE: message`` per problem of the file's orders (empty: all good)."""
    problems: list[str] = []
    known = set(advertisers) | {a.name for a in file.advertisers}
    longest_ms = (
        max(
            (
                round((c.planned_s or 0) * 1000)
                for c in program.categories.values()
                if c.type is ItemKind.SPOT
            ),
            default=0,
        )
        - bookend_ms
    )
    for index, order in enumerate(file.orders):
        here = ("orders", index)
        name = f"order {order.id}"
        if order.advertiser not in known:
            problems.append(
                file.problem(
                    (*here, "advertiser"),
                    f"{name}: advertiser"
                    f" {order.advertiser!r} is not booked: list it under advertisers",
                )
            )
        if order.length * 1000 > longest_ms + COPY_TOLERANCE_MS:
            longest = (
                "no spot break"
                if longest_ms <= 0
                else (f"its longest break takes {longest_ms / 1000:.1f} s of spots")
            )
            problems.append(
                file.problem(
                    (*here, "length"),
                    f"{name}: a :{order.length} spot fits no break of the station ({longest})",
                )
            )
        for n, copy in enumerate(order.copy_):
            where = (*here, "copy", n)
            what = f"{name}: copy {copy.asset}"
            asset = assets.get(copy.asset)
            if asset is None:
                problems.append(
                    file.problem(
                        where,
                        f"{what} is not in the library: ingest it first, or check the asset id",
                    )
                )
                continue
            if asset.kind != AssetKind.SPOT:
                problems.append(file.problem(where, f"{what} is a {asset.kind} asset, not a spot"))
            elif not asset.has_audio:
                problems.append(file.problem(where, f"{what} has no audio yet"))
            elif abs(asset.length_ms - order.length * 1000) > COPY_TOLERANCE_MS:
                problems.append(
                    file.problem(
                        where,
                        f"{what} runs {asset.length_ms / 1000:.1f} s;"
                        f" the order sells :{order.length}",
                    )
                )
            if copy.kill is not None and copy.kill < order.flight.start:
                problems.append(
                    file.problem(
                        (*where, "kill"),
                        f"{what} is killed {copy.kill},"
                        f" before the flight starts {order.flight.start}",
                    )
                )
    return problems
