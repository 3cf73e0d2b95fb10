"""Cells a spreadsheet would run as formulas are written as text; numbers stay numbers."""

from __future__ import annotations

import pytest

from onair.domain.csv_cells import safe_cell


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x", "play")', "+1+2", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "-",
     "=cmd|' /C calc'!A0"],
)  # fmt: skip
def test_text_that_would_run_as_a_formula_gets_a_quote_first(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, -2.5, 0, "-3", "-3.5", "+7", "-1e3", "Sinnerman", "", None])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value
