"""Landing a stretch on its post: the last song's overlap, then fill or an early fade.

The last song of the stretch ends where the time left says: later than its
segue (less overlap) when the hour runs short, earlier (a fade before the
segue, up to the station's early-fade allowance) when it runs long. A gap
longer than the song can give is filled from the station's fill category;
what still cannot be made to fit is written in the hour's notes.
"""

from __future__ import annotations

from onair.domain.programming import ItemKind
from onair.domain.schedule import Playable
from onair.scheduler.planning import Draft, PlanningState, natural_overlap

__all__ = ["MIN_PLAY_MS", "land"]

MIN_PLAY_MS = 30_000  # a song is never cut shorter than this to make a post


def land(
    planning: PlanningState,
    drafts: list[Draft],
    start_ms: int,
    post_ms: int,
    fade_ms: int,
    notes: list[str],
) -> tuple[list[Draft], int]:
    """Time ``drafts`` from ``start_ms`` so the item after them starts at ``post_ms``.

    Also returns by how much the content missed the post (+ over, - under) before
    the last item's overlap was forced to make it.
    """
    placed = [i for i, d in enumerate(drafts) if d.is_music and d.song is not None]
    _lay_out(drafts, start_ms)
    if placed:
        last = drafts[placed[-1]]
        assert last.song is not None
        after = sum(d.advance_ms for d in drafts[placed[-1] + 1 :])
        need = post_ms - last.start_ms - after
        gap = max(0, need - last.length_ms)
        last.overlap_ms = max(0, last.length_ms - need)
        natural = natural_overlap(last.song)
        if last.overlap_ms > natural + fade_ms:
            early = (last.overlap_ms - natural) / 1000
            notes.append(
                f"{_at(planning, post_ms)} post: {last.song.title} faded {early:.1f} s early"
            )
        last.why["early_fade_ms"] = max(0, last.overlap_ms - natural)
        at = placed[-1] + 1
    else:
        gap = post_ms - start_ms - sum(d.advance_ms for d in drafts)
        at = len(drafts)
    if gap > 0:
        drafts[at:at] = _fill(
            planning, drafts[at - 1].start_ms if at else start_ms, gap, notes, post_ms
        )
    _lay_out(drafts, start_ms)
    end = drafts[-1].start_ms + drafts[-1].advance_ms if drafts else start_ms
    if drafts and end != post_ms:
        _report(planning, drafts, end, post_ms, notes)
    return drafts, (end - post_ms) if drafts else start_ms - post_ms


def _lay_out(drafts: list[Draft], start_ms: int) -> None:
    at = start_ms
    for draft in drafts:
        if draft.is_music and draft.song is not None:
            assert draft.start_ms == at, "songs keep the start their rules were checked at"
        draft.start_ms = at
        at += draft.advance_ms


def _fill(
    planning: PlanningState, near_ms: int, gap: int, notes: list[str], post_ms: int
) -> list[Draft]:
    """Fill items (liners, sweepers, beds) for ``gap`` ms, the last overlapping what follows."""
    names = [n for n, c in planning.program.categories.items() if c.type is ItemKind.FILL]
    fills: list[Draft] = []
    for name in names:
        rotation = planning.rotations.get(name)
        while gap > 0 and rotation is not None and len(rotation):
            song, overlap = _fill_choice(planning, name, rotation.candidates(), gap, near_ms)
            if song is None:
                break
            draft = Draft(ItemKind.FILL, name, None, overlap_ms=overlap)
            planning.place(draft, song, near_ms)
            draft.why = {"fill_for_ms": gap}
            fills.append(draft)
            gap -= draft.advance_ms
    if gap > 0:
        notes.append(f"{_at(planning, post_ms)} post: {gap / 1000:.1f} s short and no fill fits")
    return fills


def _fill_choice(
    planning: PlanningState, category: str, pool: object, gap: int, near_ms: int
) -> tuple[Playable | None, int]:
    """The first fill that closes the gap (its tail under the next item), else one shorter."""
    moment = planning.moment(near_ms)
    checks = planning.checks[category]
    shorter: Playable | None = None
    for song in pool:  # type: ignore[attr-defined]
        if any(c.verdict(song, moment, planning.history) for c in checks):
            continue
        if song.length_ms >= gap and song.length_ms - gap <= song.length_ms // 2:
            return song, song.length_ms - gap
        if song.length_ms < gap and shorter is None:
            shorter = song
    return shorter, 0


def _report(
    planning: PlanningState, drafts: list[Draft], end: int, post_ms: int, notes: list[str]
) -> None:
    """A post missed: the last item's overlap shows the gap (negative) or the overrun."""
    missed = (end - post_ms) / 1000
    what = f"{missed:.1f} s past" if missed > 0 else f"{-missed:.1f} s of silence before"
    notes.append(f"{_at(planning, post_ms)} post: runs {what} it")
    drafts[-1].overlap_ms += end - post_ms


def _at(planning: PlanningState, at_ms: int) -> str:
    return f"{planning.moment(at_ms).local_time:%H:%M:%S}"
