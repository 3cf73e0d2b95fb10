"""``onair audit``: verify the ledger, seal finished days, read, export and prune them."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from onair.cli.console import fail, out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt
from onair.cli.station_time import on_calendar
from onair.cli.stores import ledger_at
from onair.compliance.audit import verify
from onair.compliance.reports import ReportPeriodError, parse_day
from onair.compliance.retention import export_day, prune_before
from onair.compliance.sealing import day_bounds
from onair.domain.errors import DomainError
from onair.domain.ledger import EntryKind
from onair.observability import configure_logging

__all__ = ["audit_app"]

audit_app = typer.Typer(
    help="The compliance ledger: verify it, seal days, read, export and prune them.",
    no_args_is_help=True,
)


@audit_app.callback()
def _logs_to_stderr() -> None:
    """Warnings as JSON lines on stderr: stdout carries only what the command prints."""
    configure_logging("warning", service="onair-audit", stream=sys.stderr)


class AuditInputError(DomainError):
    """An option the audit commands cannot use."""


FirstOpt = Annotated[
    str | None,
    typer.Option("--from", help="First station day, e.g. 2027-02-01 (default: the first)."),
]
LastOpt = Annotated[
    str | None, typer.Option("--to", help="Last station day, inclusive (default: the last).")
]


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        day = parse_day(text)
    except ReportPeriodError as exc:
        raise AuditInputError(f"{option} {exc}") from None
    return on_calendar(day, option)


def _days(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    first_day, last_day = _day(first, "--from"), _day(last, "--to")
    if first_day and last_day and last_day < first_day:
        raise AuditInputError(f"--to {last_day} is before --from {first_day}")
    return first_day, last_day


@audit_app.command("verify")
def verify_command(
    first: FirstOpt = None,
    last: LastOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute the chain and every seal; exit 1 naming the first entry or archive that fails."""
    with operator_errors():
        first_day, last_day = _days(first, last)
        with ledger_at(config, data_dir) as compliance:
            audit = verify(compliance.ledger, compliance.archive, compliance.station,
                           compliance.zone, first_day=first_day, last_day=last_day)  # fmt: skip
    if as_json:
        out.print_json(json.dumps(audit.summary(), default=str))
    elif audit.ok:
        out.print(f"ledger {audit.station}: {audit.entries_checked} entries and"
                  f" {audit.seals_checked} sealed days verified", highlight=False)  # fmt: skip
    if not audit.ok:
        more = len(audit.problems) - 1
        fail(f"{audit.problem}" + (f" ({more} more problems after it)" if more > 0 else ""), 1)


@audit_app.command("seal")
def seal_command(
    config: ConfigOpt = None, data_dir: DataDirOpt = None, as_json: JsonOpt = False
) -> None:
    """Record what playout logged but the ledger lacks, then seal every finished day."""
    with operator_errors(), ledger_at(config, data_dir) as compliance:
        upkeep = compliance.upkeep()
        caught = upkeep.catch_up()
        seals = upkeep.seal()
    if as_json:
        out.print_json(json.dumps({"caught_up": len(caught),
                                   "sealed": [s.manifest() for s in seals]}))  # fmt: skip
        return
    if caught:
        out.print(f"{len(caught)} entries recorded from playout's own tables", highlight=False)
    if not seals:
        out.print("no finished day left to seal", highlight=False)
    for seal in seals:
        out.print(f"sealed {seal.day}: {seal.count} entries, Merkle root {seal.merkle_root[:16]}…,"
                  f" archived as {seal.archive_key}", highlight=False)  # fmt: skip


@audit_app.command("log")
def log_command(
    first: Annotated[str, typer.Option("--from", help="First station day, e.g. 2027-02-01.")],
    last: LastOpt = None,
    kind: Annotated[
        EntryKind | None, typer.Option("--kind", help="Only entries of this kind.")
    ] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The ledger's entries that happened on these station days, in time order."""
    with operator_errors():
        first_day, last_day = _days(first, last)
        assert first_day is not None
        with ledger_at(config, data_dir) as compliance:
            zone = compliance.zone
            start = day_bounds(first_day, zone)[0]
            end = day_bounds(last_day or first_day, zone)[1]
            entries = compliance.ledger.entries_at(compliance.station, start, end,
                                                   [kind] if kind else None)  # fmt: skip
    if as_json:
        out.print_json(json.dumps([e.record() for e in entries]))
        return
    if not entries:
        out.print(f"no ledger entries from {first_day} to {last_day or first_day}")
        return
    table = Table("seq", "at", "kind", "what", "hash")
    for e in entries:
        b = e.body
        what = b.get("title") or b.get("action") or b.get("check") or b.get("script") or ""
        if e.kind is EntryKind.OPERATOR_ACTION:
            what = f"{b.get('action')} by {b.get('who')}"
        table.add_row(str(e.seq), e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                      e.kind.value, str(what)[:60], e.hash[:12])  # fmt: skip
    out.print(table)


@audit_app.command("export")
def export_command(
    day: Annotated[str, typer.Option("--day", help="A sealed station day, e.g. 2027-02-01.")],
    folder: Annotated[Path, typer.Argument(help="Folder to write the day's files into.")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Copy a sealed day's entries (JSON lines) and manifest out of the archive, verified."""
    with operator_errors():
        sealed_day = _day(day, "--day")
        assert sealed_day is not None
        with ledger_at(config, data_dir) as compliance:
            files = export_day(compliance.ledger, compliance.archive, compliance.station,
                               compliance.zone, sealed_day, folder)  # fmt: skip
    for path in files:
        out.print(str(path), highlight=False)


@audit_app.command("prune")
def prune_command(
    before: Annotated[str, typer.Option("--before", help="Prune sealed days before this day.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: the database copy of those days goes.")
    ] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Remove sealed, verified days from the database copy; their archives stay."""
    with operator_errors():
        if not yes:
            raise AuditInputError("pruning removes days from the database copy: add --yes")
        cutoff = _day(before, "--before")
        assert cutoff is not None
        with ledger_at(config, data_dir) as compliance:
            pruned = prune_before(compliance.ledger, compliance.archive, compliance.station,
                                  compliance.zone, cutoff, who=getpass.getuser(),
                                  now=datetime.now(UTC))  # fmt: skip
    if not pruned:
        out.print(f"no sealed day before {cutoff} left in the database", highlight=False)
    for day in pruned:
        out.print(f"pruned {day.day}: {day.entries} entries (its archive stays)", highlight=False)
