"""A playlist's items against the station's rules, as an edit leaves them and as they air.

When a program director edits a playlist, each item is judged as the list
would air, one after the other:

- refused (the edit is not made, the rule and its reason named): an asset
  not in the library, an asset with no rights to the station's use in its
  territory from today on, and a list that breaks an unbreakable rule on its
  own (the DMCA's sound recording performance complement, 17 U.S.C.
  114(j)(13): a fifth song by one artist within three hours can never air);
- warned (the edit is made, each warning named): an asset with no audio yet,
  rights that start later, an explicit song (it airs only in the safe harbor),
  and the breakable rules the order breaks (separation, flow): the order is
  the program director's, so those are theirs to keep or break.

When an hour airs the playlist, each item is judged again at its instant with
what aired before it: an unbreakable rule broken there (rights that day, the
DMCA complement, the safe harbor, a daypart limit) leaves the item out, with
the reason; a breakable one is recorded as relaxed, and the item airs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

from onair.domain import rules as r
from onair.domain.library import AssetKind
from onair.domain.playlists import PlaylistRefused, PlaylistWarning
from onair.domain.programming import Category, ItemKind, StationProgram
from onair.domain.rights import UsageRights
from onair.domain.schedule import Playable, epoch_ms
from onair.scheduler.air_history import AirHistory, Play
from onair.scheduler.checks import Check, Moment, checks_for

__all__ = ["item_checks", "judge_playlist"]

# Turnover balances a category's rotation: a hand-built list has none to balance.
_ROTATION_ONLY = frozenset({"turnover_balance"})
# What the list alone can break, whenever it airs; the rest depends on the hour and on
# what aired before it, and is judged when an hour airs the list.
_WITHIN_THE_LIST = frozenset({
    "dmca_complement", "artist_separation", "title_separation", "album_separation",
    "gender_flow", "tempo_flow", "energy_flow", "tempo_jump", "energy_jump",
    "disallowed_patterns",
})  # fmt: skip
_STAND_IN = "playlist"  # the category a list no station file airs yet is judged as


def item_checks(program: StationProgram, category: str) -> list[Check]:
    """The rules a playlist category's songs air under: every rule of the station's songs,
    with the category's own parameters, but turnover."""
    return [c for c in checks_for(program, category, ()) if c.name not in _ROTATION_ONLY]


def judge_playlist(
    program: StationProgram,
    assets: Mapping[str, Playable],
    asset_ids: Sequence[str],
    today: date,
    category: str | None = None,
) -> list[PlaylistWarning]:
    """The warnings of ``asset_ids`` as a playlist aired in that order from today's noon;
    :class:`PlaylistRefused` naming the first item the station may not air.

    ``category`` is the station file's category that airs the list (its rule
    parameters apply); None judges it as a plain music category.
    """
    program, category = _judged_as(program, category)
    checks = [c for c in item_checks(program, category) if c.name in _WITHIN_THE_LIST]
    harbor = program.rules.get("safe_harbor")
    history = AirHistory(turnover_window_ms=0)
    at = epoch_ms(datetime.combine(today, time(12), program.zone))
    warnings: list[PlaylistWarning] = []
    for n, asset_id in enumerate(asset_ids):
        song = assets.get(asset_id)
        if song is None:
            raise PlaylistRefused(f"asset_ids.{n}", "unknown_asset",
                                  f"no asset {asset_id!r} in the station's library")  # fmt: skip
        warnings += _rights(program, song, n, today)
        if not song.has_audio:
            warnings.append(
                PlaylistWarning(
                    n, song.id, "not_ready", "no audio yet: it airs once its file is ingested"
                )
            )
        if song.kind is AssetKind.MUSIC:
            if song.explicit and harbor.enabled:
                assert isinstance(harbor, r.SafeHarbor)
                window = f"{harbor.start:%H:%M}-{harbor.end:%H:%M}"
                warnings.append(
                    PlaylistWarning(
                        n,
                        song.id,
                        "safe_harbor",
                        f"explicit: it airs only in the safe harbor"
                        f" {window}, and is left out elsewhere",
                    )
                )
            moment = Moment.at(at, program.zone)
            for check in checks:
                reason = check.verdict(song, moment, history)
                if reason is None:
                    continue
                if not check.breakable:
                    raise PlaylistRefused(f"asset_ids.{n}", check.name,
                                          f"{song.title!r} {reason} ({check.name})")  # fmt: skip
                warnings.append(PlaylistWarning(n, song.id, check.name, reason))
            history.push(Play(song, at, moment.local_day, moment.quarter, category))
        at += min(song.length_ms, song.segue_ms)
    return warnings


def _judged_as(program: StationProgram, category: str | None) -> tuple[StationProgram, str]:
    if category is not None and category in program.categories:
        return program, category
    # A list no station file airs yet: judged with the station's own rule parameters.
    stand_in = {**program.categories, _STAND_IN: Category(type=ItemKind.MUSIC)}
    return program.model_copy(update={"categories": stand_in}), _STAND_IN


def _rights(program: StationProgram, song: Playable, n: int, today: date) -> list[PlaylistWarning]:
    """Refused without a deal for the station's use and territory from today on; warned
    when the first such deal starts later."""
    use, territory = program.use, program.territory
    if any(d.allows(use, territory, today) for d in song.rights):
        return []
    later = [d for d in song.rights if _covers_later(d, program, today)]
    if not later:
        raise PlaylistRefused(f"asset_ids.{n}", "usage_rights",
                              f"{song.title!r} has no rights to {use} in {territory} from"
                              f" {today} on: fix its rights first")  # fmt: skip
    starts = min(d.valid_from for d in later if d.valid_from is not None)
    return [
        PlaylistWarning(
            n, song.id, "usage_rights", f"its rights start on {starts}: left out of any hour before"
        )
    ]


def _covers_later(deal: UsageRights, program: StationProgram, today: date) -> bool:
    return (
        deal.valid_from is not None
        and deal.valid_from > today
        and deal.allows(program.use, program.territory, deal.valid_from)
    )
