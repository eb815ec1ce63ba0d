from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.figures.periods import Period, PeriodError, PeriodKind, financial_year, month, snapshot, uk_date


def test_labels_follow_uk_conventions() -> None:
    assert snapshot(date(2013, 3, 31)).display == "31 Mar 2013"
    assert financial_year(2012).display == "2012/13"
    assert financial_year(1999).display == "1999/00"
    assert month(2013, 1).display == "Jan 2013"


def test_source_label_is_kept_beside_the_display() -> None:
    period = snapshot(date(2013, 3, 31), "31/3/13")
    assert (period.label, period.display) == ("31/3/13", "31 Mar 2013")


def test_inconsistent_periods_are_refused() -> None:
    with pytest.raises(PeriodError, match="31 March"):
        Period(end=date(2013, 3, 30), start=date(2012, 4, 1), kind=PeriodKind.FINANCIAL_YEAR)
    with pytest.raises(PeriodError, match="starts"):
        Period(end=date(2013, 3, 31), start=date(2014, 4, 1), kind=PeriodKind.RANGE)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_uk_date_has_no_leading_zero(day: date) -> None:
    text = uk_date(day)
    assert not text.startswith("0") and text.endswith(str(day.year))
