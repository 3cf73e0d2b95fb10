"""Operator triggers for the running playout: ``POST /api/v1/playout/{trigger}``.

Each becomes a ``playout.<trigger>`` command on the station's bus, answered by
whichever process runs the playout role; the reply says what it did.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from onair.api.state import StateDep
from onair.bus.port import BusError, CommandFailed, NoResponders, RequestTimeout
from onair.domain.playout import Trigger

__all__ = ["ActionCreate", "router"]

router = APIRouter(tags=["playout"])


class ActionCreate(BaseModel):
    """Who asks, and for inserts the asset to air."""

    who: str = Field(min_length=1, max_length=120)
    asset_id: str | None = Field(default=None, min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=500)


@router.post("/playout/{trigger}")
async def take_action(trigger: str, action: ActionCreate, state: StateDep) -> dict[str, Any]:
    try:
        chosen = Trigger(trigger)
    except ValueError:
        known = ", ".join(t.value for t in Trigger)
        raise HTTPException(404, f"no trigger {trigger!r}: use one of {known}") from None
    if chosen in (Trigger.INSERT_NOW, Trigger.INSERT_NEXT) and action.asset_id is None:
        raise HTTPException(422, f"{chosen.value} needs asset_id: the asset to air")
    if state.command is None:
        raise HTTPException(503, "this process has no bus to reach playout")
    try:
        return await state.command(f"playout.{chosen.value}", action.model_dump())
    except (NoResponders, RequestTimeout) as exc:
        raise HTTPException(503, f"playout is not answering: {exc}") from None
    except CommandFailed as exc:
        raise HTTPException(409, str(exc)) from None
    except BusError as exc:
        raise HTTPException(503, str(exc)) from None
