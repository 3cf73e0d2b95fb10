"""What this process is: station, roles and version."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from onair import __version__
from onair.api.auth import requires
from onair.api.state import StateDep
from onair.domain.access import Role

__all__ = ["StatusPublic", "router"]

router = APIRouter(tags=["status"])


class StatusPublic(BaseModel):
    station: str
    roles: list[str]
    version: str


@router.get("/status", operation_id="read_status", **requires(Role.VIEWER))
async def read_status(state: StateDep) -> StatusPublic:
    return StatusPublic(station=state.station, roles=sorted(state.roles), version=__version__)
