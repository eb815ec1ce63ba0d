"""Period labels short enough for a tick: "2024/25", "2025", "Mar 2013", "Jan-Mar 2013", "Dec 2024 to Feb 2025".

A point's label is written for a sentence ("31 Mar 2013", "1 Dec 2024 to 28 Feb 2025"); under a tick the day is
noise and a range of dates takes the room of four ticks. The sentence form stays in the alt text.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

SHORT_ENOUGH = 12  # characters: a label this short is already a tick ("2012/13", "Jan-Mar 2013", "summer 2010")
_MONTH = r"([A-Z][a-z]{2})[a-z]*"
_DAY_MONTH_YEAR = re.compile(rf"^\d{{1,2}} {_MONTH} (\d{{4}})$")
_RANGE = re.compile(rf"^(?:\d{{1,2}} )?{_MONTH} (\d{{4}}) to (?:\d{{1,2}} )?{_MONTH} (\d{{4}})$")
_NUMERIC_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_YEAR_STARTS = {("Apr", "Mar"), ("Sep", "Aug")}  # financial and academic years


def tick_label(label: str, when: date) -> str:
    """The period as a tick says it; when is the period's last day."""
    label = " ".join(label.split())
    spans = _RANGE.match(label)
    if spans:
        return _range(*spans.groups())
    day = _DAY_MONTH_YEAR.match(label)
    if day:
        return f"{day[1]} {day[2]}"
    if _NUMERIC_DATE.match(label) or len(label) > SHORT_ENOUGH:
        return f"{when:%b %Y}"
    return label


def _range(first_month: str, first_year: str, last_month: str, last_year: str) -> str:
    start, end = int(first_year), int(last_year)
    if (first_month, last_month) in _YEAR_STARTS and end == start + 1:
        return f"{start}/{end % 100:02d}"
    if (first_month, last_month) == ("Jan", "Dec") and start == end:
        return str(end)
    if start == end:
        return f"{first_month}-{last_month} {end}"
    # Two lines: a winter average reads as one period, and takes the width of one.
    return f"{first_month} {start} to\n{last_month} {end}"


def spaced(centres: list[float], widths: list[float], gap: float) -> list[int]:
    """Which of the labels (left to right) to keep so that none touch: every nth, counted back from the
    latest, with the smallest n that leaves `gap` pixels between neighbours."""
    count = len(centres)
    for step in range(1, count + 1):
        kept = sorted(range(count - 1, -1, -step))
        if all(
            centres[right] - centres[left] >= (widths[left] + widths[right]) / 2 + gap for left, right in pairwise(kept)
        ):
            return kept
    return [count - 1] if count else []
