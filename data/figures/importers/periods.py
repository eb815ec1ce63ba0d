"""How an official file's `time_period` (and `time_identifier`) reads as a store Period, rule by rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from data.figures.periods import (
    Period,
    PeriodKind,
    academic_year,
    calendar_year,
    financial_year,
    month,
    snapshot,
)

# The rule a file's time_identifier implies when its mapping names none.
DEFAULT_RULES = {
    "calendar year": "calendar_year",
    "financial year": "financial_year_ending",
    "academic year": "academic_year_code",
    "reporting year": "snapshot_31_march",
    "spring term": "term",
    "autumn term": "term",
    "summer term": "term",
}
TERMS = {  # (month, day) of each term's start and end; autumn is in the academic year's first calendar year
    "autumn term": (0, (9, 1), (12, 31)),
    "spring term": (1, (1, 1), (3, 31)),
    "summer term": (1, (4, 1), (7, 31)),
}


def _year(text: str) -> int:
    return int(text[:4])


def _academic_code(text: str) -> int:
    """ "202324" -> 2023 (the first year); "2023/24" too."""
    digits = text.replace("/", "")
    if len(digits) != 6 or not digits.isdigit() or (int(digits[:4]) + 1) % 100 != int(digits[4:]):
        raise ValueError(f"time_period {text!r} is not an academic year such as 202324")
    return int(digits[:4])


def _term(time_period: str, identifier: str) -> Period:
    first = _academic_code(time_period)
    term = identifier.lower()
    if term not in TERMS:
        raise ValueError(f"time_identifier {identifier!r} is not a term")
    offset, (start_month, start_day), (end_month, end_day) = TERMS[term]
    year = first + offset
    return Period(
        end=date(year, end_month, end_day),
        start=date(year, start_month, start_day),
        kind=PeriodKind.RANGE,
        label=f"{term} {first}/{(first + 1) % 100:02d}",
    )


def _dec_feb(time_period: str, _identifier: str) -> Period:
    """DfE's NEET time_period N is "end of N-1": the average of December N-1, January and February N
    (the dashboard's own wording; LAIT's "16-17 NEET" for N carries the same figure)."""
    year = _year(time_period)
    return Period(
        end=date(year, 3, 1) - timedelta(days=1),  # 28 or 29 February
        start=date(year - 1, 12, 1),
        kind=PeriodKind.RANGE,
        label=f"end of {year - 1} (Dec {year - 1} to Feb {year} average)",
    )


PERIOD_RULES: dict[str, Callable[[str, str], Period]] = {
    "snapshot_31_march": lambda tp, _i: snapshot(date(_year(tp), 3, 31), f"31 Mar {_year(tp)}"),
    "financial_year_ending": lambda tp, _i: financial_year(_year(tp) - 1),
    "calendar_year": lambda tp, _i: calendar_year(_year(tp)),
    "academic_year_code": lambda tp, _i: academic_year(_academic_code(tp)),
    "academic_year_ending": lambda tp, _i: academic_year(_year(tp) - 1),
    "mid_year": lambda tp, _i: snapshot(date(_year(tp), 6, 30), f"mid-{_year(tp)}"),
    # The children's social work workforce census counts at 30 September.
    "snapshot_30_september": lambda tp, _i: snapshot(date(_year(tp), 9, 30), f"30 Sep {_year(tp)}"),
    # The January school census: the month is known, the census day varies year to year.
    "january_census": lambda tp, _i: month(_year(tp), 1, f"Jan {_year(tp)} (school census)"),
    "dec_feb_average": _dec_feb,
    "term": _term,
}


@lru_cache(maxsize=4096)
def period_for(rule: str, time_period: str, identifier: str) -> Period:
    """Cached: a file has few distinct periods and many rows."""
    try:
        return PERIOD_RULES[rule](time_period.strip(), identifier.strip())
    except (ValueError, IndexError) as error:
        raise ValueError(f"period {time_period!r} ({identifier}) does not read as {rule}: {error}") from None


def rule_for(measure_rule: str, identifier: str) -> str:
    """The measure's own rule, else the one its row's time_identifier implies ("" when neither)."""
    return measure_rule or DEFAULT_RULES.get(identifier.lower(), "")
