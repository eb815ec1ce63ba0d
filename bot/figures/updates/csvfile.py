"""A CSV of updates, as an officer shares it: a header row, then one figure a row.

Columns (any order, case ignored): indicator, area (or geography), period, value, and optionally status
(final or provisional) and note. Rows are numbered as a spreadsheet numbers them (the header is row 1), so a
rejection names the row the officer can find.
"""

from __future__ import annotations

import csv
import io

from bot.figures.updates.reading import FieldError, UpdateRequest

REQUIRED = ("indicator", "area", "period", "value")
ALIASES = {"geography": "area", "place": "area", "symbol": "value", "comment": "note"}
MAX_ROWS = 5000


def read_csv(text: str) -> list[UpdateRequest] | FieldError:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [ALIASES.get(name.strip().lower(), name.strip().lower()) for name in next(rows, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return FieldError("request", f"The CSV needs the columns {', '.join(REQUIRED)}; missing: {', '.join(missing)}.")
    requests: list[UpdateRequest] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        requests.append(
            UpdateRequest(
                indicator=cells.get("indicator", ""),
                area=cells.get("area", ""),
                period=cells.get("period", ""),
                value=cells.get("value", ""),
                note=cells.get("note", ""),
                status=cells.get("status", "") or "final",
                line=number,
            )
        )
        if len(requests) > MAX_ROWS:
            return FieldError("request", f"That file has more than {MAX_ROWS:,} rows: use briefbot import instead.")
    if not requests:
        return FieldError("request", "That CSV has a header but no rows.")
    return requests
