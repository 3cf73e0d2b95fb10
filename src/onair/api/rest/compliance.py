"""The compliance records: whether the ledger verifies, the reports a station files, and the
operator action log, as ``onair audit`` and ``onair report`` give them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from onair.api.auth import requires
from onair.api.problems import Problem
from onair.api.state import StateDep
from onair.compliance import reports
from onair.compliance.records_desk import RecordsDesk
from onair.compliance.report_desk import NoStationFile, ReportAsk, ReportKind, UnverifiedLedger
from onair.compliance.reports import ReportPeriodError
from onair.domain.access import Role

__all__ = ["router"]

router = APIRouter(tags=["compliance"])

# Which query field each report reads its period from.
_PERIOD_FIELD = {
    ReportKind.ASRUN: "day", ReportKind.LEGAL_ID: "day", ReportKind.SOUNDEXCHANGE: "month",
    ReportKind.DMCA: "from", ReportKind.LICENSING: "from", ReportKind.AFFIDAVIT: "from",
}  # fmt: skip


class ReportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class AuditStatus(BaseModel):
    station: str
    ok: bool
    entries_checked: int
    seals_checked: int
    first_seq: int | None
    last_seq: int | None
    problem: str | None = Field(description="The first entry or archive that fails, if any.")
    problems: list[str]


class ActionPage(BaseModel):
    items: list[dict[str, Any]] = Field(description="Ledger entries, newest first.")
    next_cursor: int | None


def _desk(state: Any) -> RecordsDesk:
    if state.records is None:
        raise HTTPException(503, "this process has no ledger to read")
    desk: RecordsDesk = state.records
    return desk


def _refused(field: str, message: str) -> Problem:
    return Problem(422, f"query.{field}: {message}",
                   errors=[{"loc": ["query", field], "type": "invalid_period",
                            "msg": message[:200]}])  # fmt: skip


@router.get("/compliance/audit", operation_id="read_audit_status", **requires(Role.VIEWER))
async def read_audit_status(
    state: StateDep,
    first: Annotated[date | None, Query(alias="from", description="First station day.")] = None,
    last: Annotated[date | None, Query(alias="to", description="Last station day.")] = None,
) -> AuditStatus:
    """The ledger's chain and every seal recomputed, as ``onair audit verify`` does."""
    if first and last and last < first:
        raise _refused("to", f"{last} is before from {first}")
    try:
        audit = await run_in_threadpool(_desk(state).audit, first, last)
    except ReportPeriodError as exc:
        raise _refused("to" if last else "from", str(exc)) from None
    return AuditStatus.model_validate(audit.summary())


@router.get("/compliance/reports/{kind}", operation_id="download_report",
            response_class=Response, **requires(Role.VIEWER))  # fmt: skip
async def download_report(
    kind: ReportKind,
    state: StateDep,
    day: Annotated[str | None, Query(max_length=10, description="asrun, legal-id")] = None,
    month: Annotated[str | None, Query(max_length=7, description="soundexchange")] = None,
    first: Annotated[
        str | None, Query(alias="from", max_length=10, description="dmca, licensing, affidavit")
    ] = None,
    last: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    format: ReportFormat = ReportFormat.CSV,
    per_play: bool = False,
    service_name: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str, Query(pattern="^[AB]$")] = "A",
    allow_unverified: bool = False,
) -> Response:
    """A report as ``onair report`` makes it, from the verified ledger: a 409 when the
    ledger does not verify over the period (unless ``allow_unverified``)."""
    field = _PERIOD_FIELD[kind]
    given = {"day": day, "month": month, "from": first}[field]
    if given is None:
        raise _refused(field, f"the {kind.value} report needs {field}")
    ask = ReportAsk(kind, given, last, per_play=per_play, service_name=service_name,
                    category=category)  # fmt: skip
    desk = _desk(state)
    try:
        report = await run_in_threadpool(
            lambda: desk.report(ask, allow_unverified=allow_unverified)
        )
    except ReportPeriodError as exc:
        raise _refused("to" if last and last in str(exc) else field, str(exc)) from None
    except UnverifiedLedger as exc:
        raise HTTPException(409, f"{exc}, or ask with allow_unverified=true to build it with"
                                 " this warning in it") from None  # fmt: skip
    except NoStationFile as exc:
        raise HTTPException(409, str(exc)) from None
    name = f"{report.station}-{kind.value}-{given}{f'-to-{last}' if last else ''}.{format.value}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format is ReportFormat.JSON:
        return Response(reports.to_json(report), media_type="application/json",
                        headers=disposition)  # fmt: skip
    return Response(reports.to_csv(report), media_type="text/csv; charset=utf-8",
                    headers=disposition)  # fmt: skip


@router.get("/compliance/operator-actions", operation_id="list_operator_actions",
            **requires(Role.PROGRAM_DIRECTOR))  # fmt: skip
async def list_operator_actions(
    state: StateDep,
    cursor: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ActionPage:
    """Who did what, newest first: each the ledger's entry (seq, at, body: action, who,
    before, after, detail; and its hash)."""
    found, after = await run_in_threadpool(_desk(state).actions, cursor, limit)
    return ActionPage(items=[e.record() for e in found], next_cursor=after)
