"""The air-time rules of a station: its program's territory, use, fill and complement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from onair.domain.programming import ItemKind, StationProgram
from onair.domain.rules import ArtistSeparation, DmcaComplement
from onair.playout.lineup import AirRules

__all__ = ["air_rules"]


def air_rules(
    program: StationProgram | None, *, fallback_categories: Sequence[str], window: timedelta
) -> AirRules:
    """Air-time checks from the station file (defaults without one), fallback and fill."""
    if program is None:
        return AirRules(fallback_categories=tuple(fallback_categories), window=window)
    fills = [(name, c) for name, c in program.categories.items() if c.type is ItemKind.FILL]
    fill_name, fill = fills[0] if fills else (None, None)
    return AirRules(
        territory=program.territory,
        use=program.use,
        fallback_categories=tuple(fallback_categories),
        fill_category=fill_name,
        fill_kinds=frozenset(k.value for k in fill.asset_kinds) if fill else frozenset({"bed"}),
        window=window,
        dmca=_dmca_complement(program),
        artist_gap=_artist_gap(program),
    )


def _dmca_complement(program: StationProgram) -> DmcaComplement:
    """The station's performance complement (17 U.S.C. 114(j)(13)), or the statute's."""
    rule = next((r for r in program.rules.rules if isinstance(r, DmcaComplement)), None)
    return rule or DmcaComplement()


def _artist_gap(program: StationProgram) -> timedelta:
    """The station's artist separation (none when its rules set none)."""
    rule = next((r for r in program.rules.rules if isinstance(r, ArtistSeparation)), None)
    return timedelta(minutes=rule.minutes) if rule else timedelta(0)
