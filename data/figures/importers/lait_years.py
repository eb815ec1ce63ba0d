"""LAIT's `Years` column in all its shapes, read as the measure's year type (from the data dictionary) says.

`2014` is one year of the measure's kind (the financial or academic year ending in 2014, 31 March 2014, the
calendar year 2014...); `2014/15` and `2014-15` name a financial or academic year by its first year; `2014-16` is
a three-calendar-year span and `2013/14-15/16` a three-financial-year one; a `(prov)` figure is provisional and
`(Rev)`, `(Final)` and `(OT)` (outturn) are final. Anything else is refused with its row named, never guessed.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from data.figures.importers.periods import PERIOD_RULES
from data.figures.periods import Period, PeriodKind, academic_year, financial_year

_SHAPE = re.compile(
    r"^(?P<first>\d{4})"
    r"(?:(?P<sep>[-/])(?P<second>\d{2}))?"
    r"(?:-(?P<last_first>\d{2})/(?P<last_second>\d{2}))?"
    r"(?:\s*\((?P<note>OT|Rev|Final|prov)\))?$",
    re.IGNORECASE,
)
NOTES = {"ot": "outturn", "rev": "revised", "final": "final", "prov": "provisional"}
YEAR_RULES = {"financial_year_ending": financial_year, "academic_year_ending": academic_year}
SPAN_STARTS = {"financial_year_ending": (4, 1), "academic_year_ending": (9, 1), "calendar_year": (1, 1)}
SPAN_ENDS = {"financial_year_ending": (3, 31), "academic_year_ending": (8, 31), "calendar_year": (12, 31)}


@lru_cache(maxsize=8192)
def lait_period(rule: str, years: str) -> tuple[Period, str, str | None]:
    """The period, status ("final" or "provisional") and a note ("revised", "outturn"...) for one `Years`
    cell under the measure's rule. Raises ValueError naming what could not be read."""
    text = years.strip()
    shape = _SHAPE.match(text)
    if shape is None:
        raise ValueError(f"Years {text!r} is not a year LAIT publishes (such as 2014, 2014/15 or 2014-16)")
    note = NOTES[shape["note"].lower()] if shape["note"] else None
    status = "provisional" if note == "provisional" else "final"
    first = int(shape["first"])
    if shape["last_first"] is not None:
        period = _span(rule, text, first, _year_after(first, int(shape["last_first"])) + 1)
    elif shape["second"] is None:
        period = PERIOD_RULES[rule](shape["first"], "")
    else:
        period = _two_part(rule, text, first, _year_after(first, int(shape["second"])))
    return period, status, note


def _year_after(first: int, two_digits: int) -> int:
    """The four-digit year a two-digit ending names, in the century that puts it just after `first`."""
    year = first - first % 100 + two_digits
    return year + 100 if year < first else year


def _two_part(rule: str, text: str, first: int, second: int) -> Period:
    """`2014/15` or `2014-15`: one financial or academic year; `2014-16`: a three-year span."""
    if second == first + 1 and rule in YEAR_RULES:
        return YEAR_RULES[rule](first)
    if second == first + 2 and rule in SPAN_STARTS and text[4] == "-":
        end_year = second + 1 if rule != "calendar_year" else second
        return _range(rule, first, end_year)
    raise ValueError(f"Years {text!r} does not read as a {rule.replace('_', ' ')} measure's period")


def _span(rule: str, text: str, first: int, end_year: int) -> Period:
    """`2013/14-15/16`: financial (or academic) years 2013/14 to 2015/16 together."""
    if rule not in YEAR_RULES or end_year - first != 3:
        raise ValueError(f"Years {text!r} does not read as a three-year span of a {rule.replace('_', ' ')} measure")
    return _range(rule, first, end_year)


def _range(rule: str, first: int, end_year: int) -> Period:
    start = date(first, *SPAN_STARTS[rule])
    end = date(end_year, *SPAN_ENDS[rule])
    if rule == "calendar_year":
        label = f"{first} to {end_year} (three calendar years)"
    else:
        label = f"{first}/{(first + 1) % 100:02d} to {end_year - 1}/{end_year % 100:02d} (three years)"
    return Period(end=end, start=start, kind=PeriodKind.RANGE, label=label)
