"""The periods councillors write ("since 2010", "30/6/13", "March 2012", "2011/12", "last year"), read as
windows on period end dates. Part of understanding a question; no chat platform, no database."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
YEAR = r"((?:19|20)\d{2})"
DMY = r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})"
SINCE = re.compile(rf"\b(?:since|from)\s+(?:{DMY}|{YEAR})\b")
EXACT_DAY = re.compile(rf"\b{DMY}\b")
YEAR_PAIR = re.compile(rf"\b{YEAR}\s*[/-]\s*(\d{{2}})\b")
MONTH_YEAR = re.compile(rf"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+{YEAR}\b")
BARE_YEAR = re.compile(rf"\b(?:in\s+)?{YEAR}\b")
RELATIVE_YEAR = re.compile(r"\b(last|this|current)\s+year\b")
# "between 2010 and 2013" names two periods, not a span: the figure at each end and the change between them.
BETWEEN = re.compile(r"\bbetween\b")
MAX_PERIODS = 2


@dataclass(frozen=True)
class PeriodAsk:
    """The period a question asks about, as a window on period end dates."""

    start: date
    end: date
    description: str
    kinds: frozenset[str] | None = None
    since: bool = False


def extract_period(text: str, today: date) -> tuple[PeriodAsk | None, str, list[str]]:
    problems: list[str] = []
    for pattern, reader in (
        (SINCE, _since),
        (EXACT_DAY, _exact_day),
        (YEAR_PAIR, _year_pair),
        (MONTH_YEAR, _month_year),
        (RELATIVE_YEAR, _relative_year),
        (BARE_YEAR, _bare_year),
    ):
        found = pattern.search(text)
        if found is None:
            continue
        remaining = text[: found.start()] + " " + text[found.end() :]
        try:
            return reader(found, today), remaining, problems
        except ValueError:
            problems.append(f"“{found.group(0)}” is not a date I recognise")
            return None, remaining, problems
    return None, text, problems


def extract_periods(text: str, today: date) -> tuple[tuple[PeriodAsk, ...], str, list[str]]:
    """Every period a question names, oldest first, at most two: "cp plans bcm 2012 v 2013", "neet 2012/13
    vs 2013/14", "2013 compared with 2012". A "since" period is a trend's start and stands alone."""
    found: list[PeriodAsk] = []
    problems: list[str] = []
    remaining = text
    while len(found) < MAX_PERIODS:
        period, rest, trouble = extract_period(remaining, today)
        problems += trouble
        if period is None:
            if not trouble:
                break
            remaining = rest
            continue
        remaining = rest
        if period.since:
            return (_until(period, remaining, today),), BETWEEN.sub(" ", remaining), problems
        if period not in found:
            found.append(period)
    ordered = tuple(sorted(found, key=lambda period: (period.end, period.start)))
    if len(ordered) == MAX_PERIODS:
        remaining = BETWEEN.sub(" ", remaining)
    return ordered, remaining, problems


def _until(since: PeriodAsk, remaining: str, today: date) -> PeriodAsk:
    """ "from 2010 to 2013": a trend that ends where the question says, not today."""
    end, _rest, _problems = extract_period(remaining, today)
    if end is None or end.since or end.end <= since.start:
        return since
    return PeriodAsk(
        since.start, end.end, f"{since.description.removeprefix('since ')} to {end.description}", since=True
    )


def _year(text: str) -> int:
    number = int(text)
    if number >= 100:
        return number
    return 2000 + number if number < 70 else 1900 + number


def _since(found: re.Match[str], today: date) -> PeriodAsk:
    if found.group(4):
        start = date(int(found.group(4)), 1, 1)
        description = f"since {start.year}"
    else:
        start = date(_year(found.group(3)), int(found.group(2)), int(found.group(1)))
        description = f"since {start.day} {start:%b %Y}"
    return PeriodAsk(start, today, description, since=True)


def _exact_day(found: re.Match[str], _today: date) -> PeriodAsk:
    day = date(_year(found.group(3)), int(found.group(2)), int(found.group(1)))
    return PeriodAsk(day, day, f"{day.day} {day:%b %Y}")


def _year_pair(found: re.Match[str], _today: date) -> PeriodAsk:
    first, second = int(found.group(1)), int(found.group(2))
    if (first + 1) % 100 != second:
        raise ValueError("not consecutive years")
    end_year = first + 1
    return PeriodAsk(
        date(end_year, 3, 31),
        date(end_year, 8, 31),
        f"{first}/{second:02d}",
        kinds=frozenset({"financial_year", "academic_year"}),
    )


def _month_year(found: re.Match[str], _today: date) -> PeriodAsk:
    month, year = MONTHS[found.group(1)], int(found.group(2))
    start = date(year, month, 1)
    return PeriodAsk(start, date(year, month, monthrange(year, month)[1]), f"{start:%b %Y}")


def _relative_year(found: re.Match[str], today: date) -> PeriodAsk:
    year = today.year - 1 if found.group(1) == "last" else today.year
    return PeriodAsk(date(year, 1, 1), date(year, 12, 31), str(year))


def _bare_year(found: re.Match[str], _today: date) -> PeriodAsk:
    year = int(found.group(1))
    return PeriodAsk(date(year, 1, 1), date(year, 12, 31), str(year))
