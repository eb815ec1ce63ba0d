"""Reporting periods as councillors read them: 31 Mar 2013, 2012/13, Jan 2013.

A period is stored as a closed date range plus its kind, so that "31/3/13" (a snapshot) and "2012/13"
(a financial year ending on the same day) stay distinct figures that are never compared by accident.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    SNAPSHOT = "snapshot"
    FINANCIAL_YEAR = "financial_year"
    ACADEMIC_YEAR = "academic_year"
    CALENDAR_YEAR = "calendar_year"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"


class PeriodError(ValueError):
    """A period whose kind and dates disagree."""


@dataclass(frozen=True, order=True)
class Period:
    end: date
    start: date
    kind: PeriodKind
    label: str = ""

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError(f"period starts ({self.start}) after it ends ({self.end})")
        expected = _expected_start(self.kind, self.end)
        if expected is not None and expected != self.start:
            raise PeriodError(
                f"a {self.kind.value.replace('_', ' ')} ending {self.end:%d %b %Y} starts on "
                f"{expected:%d %b %Y}, not {self.start:%d %b %Y}"
            )
        if not self.label:
            object.__setattr__(self, "label", default_label(self.kind, self.start, self.end))

    @property
    def display(self) -> str:
        """The period in UK house style, whatever label the source used."""
        return default_label(self.kind, self.start, self.end)


def _expected_start(kind: PeriodKind, end: date) -> date | None:
    if kind is PeriodKind.SNAPSHOT:
        return end
    if kind is PeriodKind.FINANCIAL_YEAR:
        _require(end.month == 3 and end.day == 31, "a financial year ends on 31 March")
        return date(end.year - 1, 4, 1)
    if kind is PeriodKind.ACADEMIC_YEAR:
        _require(end.month == 8 and end.day == 31, "an academic year ends on 31 August")
        return date(end.year - 1, 9, 1)
    if kind is PeriodKind.CALENDAR_YEAR:
        _require(end.month == 12 and end.day == 31, "a calendar year ends on 31 December")
        return date(end.year, 1, 1)
    if kind is PeriodKind.QUARTER:
        _require(end.month % 3 == 0 and end.day == _last_day(end.year, end.month), "a quarter ends a quarter")
        return date(end.year, end.month - 2, 1)
    if kind is PeriodKind.MONTH:
        _require(end.day == _last_day(end.year, end.month), "a month ends on its last day")
        return date(end.year, end.month, 1)
    return None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PeriodError(message)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def uk_date(value: date) -> str:
    """31 Mar 2013: no leading zero, abbreviated month."""
    return f"{value.day} {value:%b %Y}"


def default_label(kind: PeriodKind, start: date, end: date) -> str:
    if kind is PeriodKind.SNAPSHOT:
        return uk_date(end)
    if kind in (PeriodKind.FINANCIAL_YEAR, PeriodKind.ACADEMIC_YEAR):
        return f"{start.year}/{end.year % 100:02d}"
    if kind is PeriodKind.CALENDAR_YEAR:
        return str(end.year)
    if kind is PeriodKind.QUARTER:
        return f"{start:%b}-{end:%b %Y}"
    if kind is PeriodKind.MONTH:
        return f"{end:%b %Y}"
    return f"{uk_date(start)} to {uk_date(end)}"


def snapshot(day: date, label: str = "") -> Period:
    return Period(end=day, start=day, kind=PeriodKind.SNAPSHOT, label=label)


def financial_year(first_year: int, label: str = "") -> Period:
    """financial_year(2012) is 2012/13: 1 Apr 2012 to 31 Mar 2013."""
    return Period(
        end=date(first_year + 1, 3, 31), start=date(first_year, 4, 1), kind=PeriodKind.FINANCIAL_YEAR, label=label
    )


def academic_year(first_year: int, label: str = "") -> Period:
    return Period(
        end=date(first_year + 1, 8, 31), start=date(first_year, 9, 1), kind=PeriodKind.ACADEMIC_YEAR, label=label
    )


def calendar_year(year: int, label: str = "") -> Period:
    return Period(end=date(year, 12, 31), start=date(year, 1, 1), kind=PeriodKind.CALENDAR_YEAR, label=label)


def month(year: int, month_number: int, label: str = "") -> Period:
    return Period(
        end=date(year, month_number, _last_day(year, month_number)),
        start=date(year, month_number, 1),
        kind=PeriodKind.MONTH,
        label=label,
    )
