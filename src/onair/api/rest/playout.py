"""Operator triggers for the running playout: ``POST /api/v1/playout/{trigger}``.

Each becomes a ``playout.<trigger>`` command on the station's bus, answered by
whichever process runs the playout role; the reply says what it did. Who asked
is the caller's credential, never something the body says; playout records it
as an operator action in the compliance ledger.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from onair.api.auth import CurrentPrincipal, requires
from onair.api.state import StateDep
from onair.bus.port import BusError, CommandFailed, NoResponders, RequestTimeout
from onair.domain.access import Role
from onair.domain.playout import Trigger

__all__ = ["ActionCreate", "router"]

router = APIRouter(tags=["playout"])


class ActionCreate(BaseModel):
    """For inserts, the asset to air; a note for the operator log."""

    model_config = ConfigDict(extra="forbid")

    asset_id: str | None = Field(default=None, min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=500)


@router.post("/playout/{trigger}", operation_id="take_action", **requires(Role.OPERATOR))
async def take_action(trigger: str, action: ActionCreate, state: StateDep,
                      who: CurrentPrincipal) -> dict[str, Any]:  # fmt: skip
    """Skip, insert (now or next), hold, resume or jump to the next break, as the caller."""
    try:
        chosen = Trigger(trigger)
    except ValueError:
        known = ", ".join(t.value for t in Trigger)
        raise HTTPException(404, f"no trigger {trigger[:40]!r}: use one of {known}") from None
    inserting = chosen in (Trigger.INSERT_NOW, Trigger.INSERT_NEXT)
    if inserting and action.asset_id is None:
        raise HTTPException(422, f"{chosen.value} needs asset_id: the asset to air")
    if inserting and action.asset_id is not None and state.insert_refusal is not None:
        refused = await state.insert_refusal(action.asset_id)
        if refused is not None:
            raise HTTPException(*refused)
    if state.command is None:
        raise HTTPException(503, "this process has no bus to reach playout")
    payload = {"who": who.who, "asset_id": action.asset_id, "note": action.note}
    try:
        return await state.command(f"playout.{chosen.value}", payload)
    except (NoResponders, RequestTimeout) as exc:
        raise HTTPException(503, f"playout is not answering: {exc}") from None
    except CommandFailed as exc:
        raise HTTPException(409, str(exc)) from None
    except BusError as exc:
        raise HTTPException(503, str(exc)) from None
