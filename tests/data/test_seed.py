"""The bundled seed dataset: every figure cited, and the citations checked against the report text."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from data.figures.catalogue import SEED_DIR

REPORTS = SEED_DIR / "reports"
ROWS = list(csv.DictReader((SEED_DIR / "observations.csv").open(encoding="utf-8")))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def _report(name: str) -> str:
    return _squash((REPORTS / name).read_text(encoding="utf-8"))


def _renderings(value: float) -> set[str]:
    """The ways a report may print a figure: 3532, 3,532, 9.9, 9.0, £4.8M, £6.2 million, Eight."""
    words = {8: "Eight"}
    forms = {f"{value:g}", f"{value:,.0f}", f"{value:.1f}"}
    if value >= 1_000_000:
        millions = f"{value / 1_000_000:g}"
        forms |= {f"£{millions}M", f"£{millions} million"}
    if value in words:
        forms.add(words[int(value)])
    return forms


def test_every_figure_has_a_citation() -> None:
    assert len(ROWS) >= 100
    for row in ROWS:
        assert row["source_document"] and row["source_locator"] and row["source_quote"], row
        assert (REPORTS / row["source_document"]).is_file(), row["source_document"]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['indicator']}-{row['geography']}-{row['period_end']}")
def test_quote_is_in_the_report_and_holds_the_figure(row: dict[str, str]) -> None:
    quote = _squash(row["source_quote"])
    assert quote in _report(row["source_document"])
    assert any(form in quote for form in _renderings(float(row["value"]))), (row["value"], quote)


@pytest.mark.parametrize(
    ("indicator", "geography", "period_end", "value", "document", "locator"),
    [
        ("RFS_COUNT", "cluster-jess", "2013-03-31", "3532", "000_3a8900ec37dd11a0.txt", "§3.1.2"),
        ("NEET_PCT", "cluster-jess", "2013-03-31", "9.9", "000_3a8900ec37dd11a0.txt", "§3.5.1"),
        ("POP_0_18", "cluster-bcm", "2013-01-31", "8362", "000_3a8900ec37dd11a0.txt", "§2.5"),
        ("IA_TIMELY_PCT", "E08000035", "2007-03-31", "76", "001_fa951cc93581cc29.txt", "§5.41"),
        ("NEET_PCT", "E08000035", "2006-11-30", "9.0", "001_fa951cc93581cc29.txt", "§5.6"),
        (
            "CPP_RATE",
            "leeds-sn",
            "2014-03-31",
            "53",
            "002_b5165465b8a6cf02.txt",
            "Performance measures 2011 to 2018, table 'Children who are the subject of a Child Protection Plan - "
            "rate per 10,000', row 2014",
        ),
        (
            "LAC_AVOIDED_COUNT",
            "E08000035",
            "2019-01-31",
            "539",
            "002_b5165465b8a6cf02.txt",
            "Story behind the baseline",
        ),
        (
            "SW_CASELOAD_CP_AVG",
            "E08000035",
            "2010-11-30",
            "21.6",
            "003_24d590fb1d342be5.txt",
            "Recommendation 1, December 2010 update",
        ),
        ("SCHOOL_INSP_GOOD_PCT", "E08000035", "2011-02-14", "45", "004_fd61c0d9908e671d.txt", "§3.2"),
    ],
)
def test_sample_of_figures_as_the_reports_give_them(
    indicator: str, geography: str, period_end: str, value: str, document: str, locator: str
) -> None:
    matches = [
        row
        for row in ROWS
        if (row["indicator"], row["geography"], row["period_end"]) == (indicator, geography, period_end)
    ]
    assert len(matches) == 1
    row = matches[0]
    assert (row["value"], row["source_document"], row["source_locator"]) == (value, document, locator)


def test_the_issue_s_required_sections_are_all_cited() -> None:
    cited = {(row["source_document"][:3], row["source_locator"]) for row in ROWS}
    for section in ("§2.3", "§2.5", "§3.1.2", "§3.5.1"):
        assert ("000", section) in cited
    for section in ("§5.41", "§5.47", "§5.6"):
        assert ("001", section) in cited
    assert {doc for doc, _ in cited} == {"000", "001", "002", "003", "004"}


def test_targets_are_cited_in_their_reports() -> None:
    for row in csv.DictReader((SEED_DIR / "targets.csv").open(encoding="utf-8")):
        assert _squash(row["source_quote"]) in _report(row["source_document"])
        assert f"{float(row['value']):g}" in row["source_quote"]


def test_reports_ship_with_the_project() -> None:
    assert sorted(path.name[:3] for path in Path(REPORTS).glob("*.txt")) == ["000", "001", "002", "003", "004"]
