"""Direct labels at line ends: their wording and where they sit so they never print over each other."""

from __future__ import annotations

import textwrap

LABEL_WIDTH = 18  # characters a line-end label may take before it wraps
LABEL_GAP = 0.07  # of the y range: one-line labels closer than this are nudged apart
LINE_SPACING = 1.2  # matplotlib's spacing between the lines of a multi-line label, in lines


def line_label(name: str, value: str) -> str:
    """A line's name and last figure; the figure stays whole, on a line of its own when both do not fit."""
    joined = f"{name} {value}"
    if len(joined) <= LABEL_WIDTH:
        return joined
    return f"{textwrap.fill(name, LABEL_WIDTH)}\n{value}"


def label_heights(texts: list[str], y_range: float) -> list[float]:
    """Each label's height in data units."""
    return [LABEL_GAP * y_range * (1 + LINE_SPACING * text.count("\n")) for text in texts]


def spread(values: list[float], heights: list[float], ceiling: float) -> list[float]:
    """Centres for labels (lowest value first) as near their values as they can be without overlapping:
    pushed up off each other, then down from the top of the plot where the stack would rise past it."""
    centres: list[float] = []
    for value, height in zip(values, heights, strict=True):
        floor = centres[-1] + (heights[len(centres) - 1] + height) / 2 if centres else value
        centres.append(max(value, floor))
    for index in reversed(range(len(centres))):
        centres[index] = min(centres[index], ceiling - heights[index] / 2)
        ceiling = centres[index] - heights[index] / 2
    return centres
