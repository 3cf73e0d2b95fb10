"""The schedule's CSV export: text a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io
from datetime import date

from onair.scheduler.export import export_csv
from tests.unit.scheduler.factory import build, program, song, station_ids

FORMULA = "=cmd|' /C calc'!A0"


def test_formula_titles_are_quoted_and_numbers_stay_numbers() -> None:
    prog = program()
    library = [
        song("s1", title=FORMULA, artist="@Band", album="+Album"),
        song("s2", title="-12", artist="Plain"),
        *[song(f"s{n}") for n in range(3, 30)],
        *station_ids(),
    ]
    plans = build(prog, library, date(2027, 2, 1))
    assets = {a.id: a for a in library}
    rows = list(csv.DictReader(io.StringIO(export_csv(prog, plans, assets))))
    by_asset = {r["asset_id"]: r for r in rows}
    assert (by_asset["s1"]["title"], by_asset["s1"]["artist"], by_asset["s1"]["album"]) == (
        "'" + FORMULA, "'@Band", "'+Album",
    )  # fmt: skip
    assert by_asset["s2"]["title"] == "-12"
    assert all(not r["title"].startswith(("=", "+", "@")) for r in rows)
    assert all(float(r["duration_s"]) > 0 for r in rows)
