"""The reports a station files, built from the verified ledger, as ``onair report`` and the API
both ask for them: the period read, the ledger checked, the report made from what aired.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from onair.compliance import reports
from onair.compliance.ports import Archive, LedgerStore
from onair.compliance.reading import read_period
from onair.compliance.reports import Period, Report
from onair.domain.errors import DomainError
from onair.domain.ledger import EntryKind, LedgerEntry
from onair.domain.programming import StationProgram
from onair.domain.rules import DmcaComplement, LegalId

__all__ = [
    "NoStationFile",
    "ReportAsk",
    "ReportKind",
    "ReportSource",
    "UnverifiedLedger",
    "build_report",
]


class ReportKind(StrEnum):
    ASRUN = "asrun"  # a station day's as-run log
    SOUNDEXCHANGE = "soundexchange"  # a month's report of use
    LEGAL_ID = "legal-id"  # a station day's legal IDs (47 CFR 73.1201)
    DMCA = "dmca"  # breaches of the performance complement over days
    LICENSING = "licensing"  # plays per musical work over days
    AFFIDAVIT = "affidavit"  # the spots that aired over days


class UnverifiedLedger(DomainError):
    """The ledger did not verify and the report was not asked for anyway; ``warning`` says
    where it fails."""

    def __init__(self, warning: str) -> None:
        super().__init__(f"{warning}; no report built: find it with 'onair audit verify'")
        self.warning = warning


class NoStationFile(DomainError):
    """A report that needs the station file's identity or rules, and none is in force."""


class ReportSource(Protocol):
    """The station's ledger and what a report reads beside it."""

    @property
    def station(self) -> str: ...
    @property
    def zone(self) -> ZoneInfo: ...
    @property
    def program(self) -> StationProgram | None: ...
    @property
    def ledger(self) -> LedgerStore: ...
    @property
    def archive(self) -> Archive: ...


@dataclass(frozen=True)
class ReportAsk:
    """Which report, over which period: ``first`` is a day (``YYYY-MM-DD``), or the month
    (``YYYY-MM``) for SoundExchange; ``last`` the last day where the report spans days."""

    kind: ReportKind
    first: str
    last: str | None = None
    per_play: bool = False  # SoundExchange: one row per play, not per track
    service_name: str | None = None  # SoundExchange: default the station file's name
    category: str = "A"  # SoundExchange transmission category: A webcast, B simulcast


def build_report(
    source: ReportSource, ask: ReportAsk, now: datetime, *, allow_unverified: bool = False,
    check_day: Callable[[date, str], date] = lambda day, _: day,
) -> Report:  # fmt: skip
    """The report ``ask`` names; :class:`UnverifiedLedger` when the ledger does not verify
    over the period (unless ``allow_unverified``: then the warning goes in the report).

    ``check_day`` may refuse the period's first day (the CLI's calendar check).
    """
    period = _period(ask, source.zone, now)
    check_day(period.start.astimezone(period.zone).date(), "the report's first day")
    start, end = period.start, period.end
    kinds: Collection[EntryKind] = (EntryKind.AIRED,)
    if ask.kind is ReportKind.LEGAL_ID:
        start, end = reports.legal_id_span(period)
        kinds = (EntryKind.AIRED, EntryKind.AGENT_OUTPUT)
    elif ask.kind is ReportKind.DMCA:
        # The window before the period is read with the longest window a station file allows.
        start, end = reports.dmca_span(period, DmcaComplement(window_hours=24))
    read = read_period(source.ledger, source.archive, source.station, source.zone, start, end,
                       kinds)  # fmt: skip
    if read.warnings and not allow_unverified:
        raise UnverifiedLedger(read.warnings[0])
    return _make(ask, read.entries, period, source, read.warnings)


def _period(ask: ReportAsk, zone: ZoneInfo, now: datetime) -> Period:
    if ask.kind is ReportKind.SOUNDEXCHANGE:
        return reports.month_period(ask.first, zone, now)
    if ask.kind in (ReportKind.ASRUN, ReportKind.LEGAL_ID):
        return reports.day_period(ask.first, zone, now)
    return reports.days_period(ask.first, ask.last or ask.first, zone, now)


def _make(ask: ReportAsk, entries: Sequence[LedgerEntry], period: Period, source: ReportSource,
          warnings: list[str]) -> Report:  # fmt: skip
    station, program = source.station, source.program
    match ask.kind:
        case ReportKind.ASRUN:
            return reports.as_run_log(entries, period, station=station, warnings=warnings)
        case ReportKind.SOUNDEXCHANGE:
            name = ask.service_name or (program.name if program else station)
            return reports.soundexchange_report(
                entries, period, station=station, service_name=name,
                transmission_category=ask.category, per_play=ask.per_play, warnings=warnings,
            )  # fmt: skip
        case ReportKind.LEGAL_ID:
            if program is None:
                raise NoStationFile(
                    "no station file in force: apply one (onair station apply)"
                    " so the report knows the call letters and community"
                )
            rule = next((r for r in program.rules.rules if isinstance(r, LegalId)), LegalId())
            identity = reports.StationIdentity(program.call_letters, program.community,
                                               program.name)  # fmt: skip
            return reports.legal_id_report(entries, period, station=station, identity=identity,
                                           window=timedelta(minutes=rule.window_minutes),
                                           warnings=warnings)  # fmt: skip
        case ReportKind.DMCA:
            rules = program.rules.rules if program else ()
            dmca = next((r for r in rules if isinstance(r, DmcaComplement)), DmcaComplement())
            return reports.dmca_report(entries, period, station=station, rule=dmca,
                                       warnings=warnings)  # fmt: skip
        case ReportKind.LICENSING:
            return reports.licensing_report(entries, period, station=station, warnings=warnings)
        case ReportKind.AFFIDAVIT:
            return reports.ad_affidavit(entries, period, station=station, warnings=warnings)
