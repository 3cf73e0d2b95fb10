"""The program in force, read from a store of applied station-file versions."""

from __future__ import annotations

from typing import Protocol

from onair.domain.programming import AppliedProgram, StationProgram

__all__ = ["AppliedPrograms", "ProgramsInForce"]


class AppliedPrograms(Protocol):
    """Station files applied, each a new version (the scheduler's program store fits this)."""

    def current(self, station: str) -> AppliedProgram:
        """The newest version; raises ``NoProgram`` when none is applied."""
        ...


class ProgramsInForce:
    """The agents' :class:`~onair.agents.ports.StationPrograms` over applied versions."""

    def __init__(self, applied: AppliedPrograms) -> None:
        self._applied = applied

    def program(self, station: str) -> StationProgram:
        return self._applied.current(station).program
