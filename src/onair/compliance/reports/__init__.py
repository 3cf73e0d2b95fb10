"""Compliance reports: pure functions from verified ledger entries to a :class:`Report`.

The caller (``onair report ...``) checks the period with ``day_period``,
``month_period`` or ``days_period``, reads the entries the report needs from
the ledger, verifies them, and passes any verification failure in as a
warning: a report is never built on unverified data without saying so.
"""

from onair.compliance.reports.ad_affidavit import AD_AFFIDAVIT_COLUMNS, ad_affidavit
from onair.compliance.reports.as_run import AS_RUN_COLUMNS, as_run_log
from onair.compliance.reports.dmca import DMCA_COLUMNS, dmca_report, dmca_span
from onair.compliance.reports.legal_id import (
    LEGAL_ID_COLUMNS,
    StationIdentity,
    legal_id_report,
    legal_id_span,
)
from onair.compliance.reports.licensing import LICENSING_COLUMNS, licensing_report
from onair.compliance.reports.period import (
    Period,
    ReportPeriodError,
    day_bounds,
    day_period,
    days_period,
    month_period,
    parse_day,
    parse_month,
)
from onair.compliance.reports.report import Report, to_csv, to_json
from onair.compliance.reports.soundexchange import SOUNDEXCHANGE_COLUMNS, soundexchange_report

__all__ = [
    "AD_AFFIDAVIT_COLUMNS",
    "AS_RUN_COLUMNS",
    "DMCA_COLUMNS",
    "LEGAL_ID_COLUMNS",
    "LICENSING_COLUMNS",
    "SOUNDEXCHANGE_COLUMNS",
    "Period",
    "Report",
    "ReportPeriodError",
    "StationIdentity",
    "ad_affidavit",
    "as_run_log",
    "day_bounds",
    "day_period",
    "days_period",
    "dmca_report",
    "dmca_span",
    "legal_id_report",
    "legal_id_span",
    "licensing_report",
    "month_period",
    "parse_day",
    "parse_month",
    "soundexchange_report",
    "to_csv",
    "to_json",
]
