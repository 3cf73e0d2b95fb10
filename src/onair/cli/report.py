"""``onair report``: the reports stations file, built from the verified ledger."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from onair import bootstrap
from onair.cli.console import warn, write_out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, OutputOpt
from onair.cli.station_time import on_calendar
from onair.cli.stores import ledger_at
from onair.compliance import reports
from onair.compliance.reading import read_period
from onair.compliance.reports import Period, Report
from onair.domain.errors import DomainError
from onair.domain.ledger import EntryKind, LedgerEntry
from onair.domain.rules import DmcaComplement, LegalId
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


class UnverifiedLedger(DomainError):
    """The ledger did not verify and the report was not asked for anyway."""


class NoStationFile(DomainError):
    """A report that needs the station file's identity or rules, and none is in force."""


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

Make = Callable[[Sequence[LedgerEntry], Period, bootstrap.Compliance, list[str]], Report]
_AIRED = (EntryKind.AIRED,)


def _run(
    config: Path | None, data_dir: Path | None, output: Path | None, fmt: Format,
    allow_unverified: bool, period_of: Callable[..., Period],
    span_of: Callable[[Period], tuple[datetime, datetime]] | None,
    kinds: Collection[EntryKind], make: Make,
) -> None:  # fmt: skip
    with operator_errors():
        with ledger_at(config, data_dir) as compliance:
            period = period_of(compliance.zone, datetime.now(UTC))
            on_calendar(period.start.astimezone(period.zone).date(), "the report's first day")
            start, end = span_of(period) if span_of else (period.start, period.end)
            read = read_period(compliance.ledger, compliance.archive, compliance.station,
                               compliance.zone, start, end, kinds)  # fmt: skip
            if read.warnings and not allow_unverified:
                raise UnverifiedLedger(
                    f"{read.warnings[0]}; no report built: find it with 'onair audit verify',"
                    " or add --allow-unverified to build the report with this warning in it"
                )
            report = make(read.entries, period, compliance, read.warnings)
        text = reports.to_json(report) if fmt is Format.JSON else reports.to_csv(report)
        for warning in report.warnings:
            warn(warning)
    write_out(text, output)


def _days(first: str, last: str | None) -> Callable[..., Period]:
    return lambda zone, now: reports.days_period(first, last or first, zone, now)


@report_app.command("asrun")
def asrun_command(
    day: DayOpt, fmt: FormatOpt = Format.CSV, output: OutputOpt = None,
    allow_unverified: UnverifiedOpt = False, config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """The as-run log of a station day: every airing, scheduled and actual, and its listeners."""
    _run(config, data_dir, output, fmt, allow_unverified,
         lambda zone, now: reports.day_period(day, zone, now), None, _AIRED,
         lambda entries, period, c, warnings: reports.as_run_log(
             entries, period, station=c.station, warnings=warnings))  # fmt: skip


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

    def make(entries: Sequence[LedgerEntry], period: Period, c: bootstrap.Compliance,
             warnings: list[str]) -> Report:  # fmt: skip
        name = service_name or (c.program.name if c.program else c.station)
        return reports.soundexchange_report(entries, period, station=c.station,
                                            service_name=name, transmission_category=category,
                                            per_play=per_play, warnings=warnings)  # fmt: skip

    _run(config, data_dir, output, fmt, allow_unverified,
         lambda zone, now: reports.month_period(month, zone, now), None, _AIRED, make)  # fmt: skip


@report_app.command("legal-id")
def legal_id_command(
    day: DayOpt, fmt: FormatOpt = Format.CSV, output: OutputOpt = None,
    allow_unverified: UnverifiedOpt = False, config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """Each hour's legal ID (47 CFR 73.1201): when it aired and whether its wording holds."""

    def make(entries: Sequence[LedgerEntry], period: Period, c: bootstrap.Compliance,
             warnings: list[str]) -> Report:  # fmt: skip
        if c.program is None:
            raise NoStationFile("no station file in force: apply one (onair station apply)"
                                " so the report knows the call letters and community")  # fmt: skip
        rule = next((r for r in c.program.rules.rules if isinstance(r, LegalId)), LegalId())
        identity = reports.StationIdentity(c.program.call_letters, c.program.community,
                                           c.program.name)  # fmt: skip
        return reports.legal_id_report(entries, period, station=c.station, identity=identity,
                                       window=timedelta(minutes=rule.window_minutes),
                                       warnings=warnings)  # fmt: skip

    _run(config, data_dir, output, fmt, allow_unverified,
         lambda zone, now: reports.day_period(day, zone, now), reports.legal_id_span,
         (EntryKind.AIRED, EntryKind.AGENT_OUTPUT), make)  # fmt: skip


@report_app.command("dmca")
def dmca_command(
    first: FirstOpt, last: LastOpt = None, fmt: FormatOpt = Format.CSV,
    output: OutputOpt = None, allow_unverified: UnverifiedOpt = False,
    config: ConfigOpt = None, data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """Every breach of the DMCA performance complement (17 U.S.C. 114(j)(13)) in what aired."""

    def rule_of(c: bootstrap.Compliance) -> DmcaComplement:
        rules = c.program.rules.rules if c.program else ()
        return next((r for r in rules if isinstance(r, DmcaComplement)), DmcaComplement())

    def make(entries: Sequence[LedgerEntry], period: Period, c: bootstrap.Compliance,
             warnings: list[str]) -> Report:  # fmt: skip
        return reports.dmca_report(entries, period, station=c.station, rule=rule_of(c),
                                   warnings=warnings)  # fmt: skip

    # The window before the period is read with the longest window a station file allows.
    _run(config, data_dir, output, fmt, allow_unverified, _days(first, last),
         lambda period: reports.dmca_span(period, DmcaComplement(window_hours=24)), _AIRED,
         make)  # fmt: skip


@report_app.command("licensing")
def licensing_command(
    first: FirstOpt, last: LastOpt = None, fmt: FormatOpt = Format.CSV,
    output: OutputOpt = None, allow_unverified: UnverifiedOpt = False,
    config: ConfigOpt = None, data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """Plays per musical work, with composer and publisher, for the performing rights bodies."""
    _run(config, data_dir, output, fmt, allow_unverified, _days(first, last), None, _AIRED,
         lambda entries, period, c, warnings: reports.licensing_report(
             entries, period, station=c.station, warnings=warnings))  # fmt: skip


@report_app.command("affidavit")
def affidavit_command(
    first: FirstOpt, last: LastOpt = None, fmt: FormatOpt = Format.CSV,
    output: OutputOpt = None, allow_unverified: UnverifiedOpt = False,
    config: ConfigOpt = None, data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """The ad affidavit: every spot that aired, when, how long, whole or cut."""
    _run(config, data_dir, output, fmt, allow_unverified, _days(first, last), None, _AIRED,
         lambda entries, period, c, warnings: reports.ad_affidavit(
             entries, period, station=c.station, warnings=warnings))  # fmt: skip
