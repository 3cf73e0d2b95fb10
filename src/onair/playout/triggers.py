"""Operator triggers as an engine applies them to its timeline."""

from __future__ import annotations

from onair.domain.playout import Trigger
from onair.playout.timeline import Timeline

__all__ = ["apply_trigger", "check_trigger"]


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
