"""``onair report``: the reports stations file, built from the verified ledger."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from onair.cli.console import warn, write_out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, OutputOpt
from onair.cli.station_time import on_calendar
from onair.cli.stores import ledger_at
from onair.compliance import reports
from onair.compliance.report_desk import ReportAsk, ReportKind, UnverifiedLedger, build_report
from onair.domain.errors import DomainError
from onair.observability import configure_logging

__all__ = ["report_app"]

report_app = typer.Typer(
    help="Reports from the verified ledger: as-run, SoundExchange, legal IDs, DMCA, licensing,"
    " ad affidavit (CSV or JSON; see docs/reports.md).",
    no_args_is_help=True,
)


@report_app.callback()
def _logs_to_stderr() -> None:
    """Warnings as JSON lines on stderr: stdout carries only the report."""
    configure_logging("warning", service="onair-report", stream=sys.stderr)


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


class UnverifiedReport(DomainError):
    """The ledger did not verify and --allow-unverified was not given."""


FormatOpt = Annotated[Format, typer.Option("--format", help="csv or json.")]
UnverifiedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unverified",
        help="Build the report even if the ledger does not verify (the warning goes in it).",
    ),
]
DayOpt = Annotated[str, typer.Option("--day", help="A station day, e.g. 2027-02-01.")]
FirstOpt = Annotated[str, typer.Option("--from", help="First station day, e.g. 2027-02-01.")]
LastOpt = Annotated[str | None, typer.Option("--to", help="Last station day (default: --from).")]


def _run(
    config: Path | None, data_dir: Path | None, output: Path | None, fmt: Format,
    allow_unverified: bool, ask: ReportAsk,
) -> None:  # fmt: skip
    with operator_errors():
        with ledger_at(config, data_dir) as compliance:
            try:
                report = build_report(compliance, ask, datetime.now(UTC),
                                      allow_unverified=allow_unverified,
                                      check_day=on_calendar)  # fmt: skip
            except UnverifiedLedger as exc:
                raise UnverifiedReport(
                    f"{exc.warning}; no report built: find it with 'onair audit verify',"
                    " or add --allow-unverified to build the report with this warning in it"
                ) from None
        text = reports.to_json(report) if fmt is Format.JSON else reports.to_csv(report)
        for warning in report.warnings:
            warn(warning)
    write_out(text, output)


@report_app.command("asrun")
def asrun_command(
    day: DayOpt, fmt: FormatOpt = Format.CSV, output: OutputOpt = None,
    allow_unverified: UnverifiedOpt = False, config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """The as-run log of a station day: every airing, scheduled and actual, and its listeners."""
    _run(config, data_dir, output, fmt, allow_unverified, ReportAsk(ReportKind.ASRUN, day))


@report_app.command("soundexchange")
def soundexchange_command(
    month: Annotated[str, typer.Option("--month", help="A calendar month, e.g. 2027-02.")],
    per_play: Annotated[bool, typer.Option("--per-play", help="One row per play.")] = False,
    service_name: Annotated[
        str | None,
        typer.Option("--service-name", help="Its name (default: the station file's name)."),
    ] = None,
    category: Annotated[
        str, typer.Option("--category", help="Transmission category: A webcast, B simulcast.")
    ] = "A",
    fmt: FormatOpt = Format.CSV, output: OutputOpt = None,
    allow_unverified: UnverifiedOpt = False, config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """SoundExchange report of use for a month (census: actual total performances per track)."""
    ask = ReportAsk(ReportKind.SOUNDEXCHANGE, month, per_play=per_play,
                    service_name=service_name, category=category)  # fmt: skip
    _run(config, data_dir, output, fmt, allow_unverified, ask)


@report_app.command("legal-id")
def legal_id_command(
    day: DayOpt, fmt: FormatOpt = Format.CSV, output: OutputOpt = None,
    allow_unverified: UnverifiedOpt = False, config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """Each hour's legal ID (47 CFR 73.1201): when it aired and whether its wording holds."""
    _run(config, data_dir, output, fmt, allow_unverified, ReportAsk(ReportKind.LEGAL_ID, day))


@report_app.command("dmca")
def dmca_command(
    first: FirstOpt, last: LastOpt = None, fmt: FormatOpt = Format.CSV,
    output: OutputOpt = None, allow_unverified: UnverifiedOpt = False,
    config: ConfigOpt = None, data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """Every breach of the DMCA performance complement (17 U.S.C. 114(j)(13)) in what aired."""
    _run(config, data_dir, output, fmt, allow_unverified, ReportAsk(ReportKind.DMCA, first, last))


@report_app.command("licensing")
def licensing_command(
    first: FirstOpt, last: LastOpt = None, fmt: FormatOpt = Format.CSV,
    output: OutputOpt = None, allow_unverified: UnverifiedOpt = False,
    config: ConfigOpt = None, data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """Plays per musical work, with composer and publisher, for the performing rights bodies."""
    ask = ReportAsk(ReportKind.LICENSING, first, last)
    _run(config, data_dir, output, fmt, allow_unverified, ask)


@report_app.command("affidavit")
def affidavit_command(
    first: FirstOpt, last: LastOpt = None, fmt: FormatOpt = Format.CSV,
    output: OutputOpt = None, allow_unverified: UnverifiedOpt = False,
    config: ConfigOpt = None, data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """The ad affidavit: every spot that aired, when, how long, whole or cut."""
    ask = ReportAsk(ReportKind.AFFIDAVIT, first, last)
    _run(config, data_dir, output, fmt, allow_unverified, ask)
