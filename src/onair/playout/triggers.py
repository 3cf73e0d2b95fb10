"""Operator triggers as an engine applies them to its timeline."""

from __future__ import annotations

from typing import Any

from onair.domain.playout import Trigger
from onair.playout.timeline import Timeline

__all__ = ["air_state", "applied", "apply_trigger", "check_trigger"]


def check_trigger(trigger: Trigger, asset_id: str | None) -> None:
    """Refuse a trigger that cannot be applied (an insert without an asset)."""
    if trigger in (Trigger.INSERT_NOW, Trigger.INSERT_NEXT) and not asset_id:
        raise ValueError(f"{trigger.value} needs an asset id")


def apply_trigger(timeline: Timeline, trigger: Trigger, asset_id: str | None) -> bool:
    """Apply ``trigger`` to ``timeline`` (on the thread that drives it); False if it did nothing."""
    if trigger is Trigger.SKIP:
        return timeline.skip()
    if trigger is Trigger.INSERT_NOW and asset_id:
        timeline.insert_now(asset_id)
    elif trigger is Trigger.INSERT_NEXT and asset_id:
        timeline.insert_next(asset_id)
    elif trigger is Trigger.HOLD:
        timeline.hold()
    elif trigger is Trigger.RESUME:
        timeline.resume()
    elif trigger is Trigger.BREAK_NOW:
        return timeline.break_now()
    return True


def air_state(timeline: Timeline) -> dict[str, Any]:
    """What is on air (and how it is set to end), held and queued, for an action's record.

    Taken right before and right after a trigger is applied: a skip shows the
    same item on air, now ending by ``skip`` (it fades; the next one follows).
    """
    airing = timeline.on_air
    on_air = None
    if airing is not None:
        item = airing.item
        on_air = {"play_id": item.play_id, "asset_id": item.asset_id, "title": item.title,
                  "artist": item.artist, "ending": airing.ended_by.value}  # fmt: skip
    return {"on_air": on_air, "held": timeline.held, "queued": list(timeline.lineup.queued())}


def applied(
    timeline: Timeline, trigger: Trigger, asset_id: str | None
) -> tuple[dict[str, Any], bool, dict[str, Any]]:
    """The air before ``trigger``, whether it did anything, and the air after it.

    One call on the engine's worker, so no block is rendered in between: the
    ledger's "after" is what the trigger made, not what aired a moment later.
    """
    before = air_state(timeline)
    done = apply_trigger(timeline, trigger, asset_id)
    return before, done, air_state(timeline)
