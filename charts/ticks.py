"""Axes that read at a glance: period ticks at the periods drawn, value ticks that never touch."""

from __future__ import annotations

from datetime import date
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter, MaxNLocator

from charts.periods import spaced, tick_label
from charts.specs import Point, ValueFormat
from charts.style import BODY_PT, DARK_GREY, GRID
from charts.text import Measure

TICK_GAP_PX = 8.0  # between neighbouring tick labels
SINGLE_POINT_PAD_DAYS = 183  # a lone point sits mid-axis, half a year either side
END_PAD = 0.025  # of the span, either side: room for the end markers, not an empty year
HEADROOM = 0.2  # of the value range, above the highest value: room for the target's and breaks' labels
FOOTROOM = 0.1  # below the lowest value, where it is below zero
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def x_of(day: date) -> float:
    """Time as day numbers: the axes are plain numbers and the tick labels are ours."""
    return float(day.toordinal())


class TimeTicks:
    """One tick at each period drawn, labelled short; after layout, every nth label kept (always the latest) so
    that none overlap, the rest left as unlabelled minor ticks."""

    def __init__(self, axes: Axes, points: list[Point], measure: Measure) -> None:
        self.axes = axes
        self.measure = measure
        labels: dict[date, str] = {}
        for point in sorted(points, key=lambda point: point.when):
            labels.setdefault(point.when, tick_label(point.label, point.when))
        self.xs = [x_of(day) for day in labels]
        self.labels = list(labels.values())
        axes.set_xticks(self.xs, self.labels)
        axes.set_xticks(self.xs, minor=True)
        if self.xs:
            first, last = self.xs[0], self.xs[-1]
            pad = (last - first) * END_PAD if last > first else SINGLE_POINT_PAD_DAYS
            axes.set_xlim(first - pad, last + pad)

    def thin(self) -> None:
        centres = [float(self.axes.transData.transform((x, 0.0))[0]) for x in self.xs]
        widths = [self.measure.widest(label, BODY_PT) for label in self.labels]
        kept = spaced(centres, widths, TICK_GAP_PX)
        self.axes.set_xticks([self.xs[index] for index in kept], [self.labels[index] for index in kept])


def value_limits(values: list[float], unit: str) -> tuple[float, float]:
    """From zero (or below it, where values are) to a little above the highest; percentages stop at 100%."""
    if not values:
        return 0.0, 1.0
    top, bottom = max([*values, 0.0]), min([*values, 0.0])
    span = (top - bottom) or 1.0
    high = top + span * HEADROOM if top > 0 else span * FOOTROOM
    if unit == "percent" and 0 < top <= 100:
        high = min(high, 100.0)
    return (bottom - span * FOOTROOM if bottom < 0 else 0.0), high


def value_axis(axes: Axes, value_format: ValueFormat, axis: Literal["x", "y"] = "y", integer: bool = False) -> None:
    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_locator(MaxNLocator(nbins="auto", steps=list(NICE_STEPS), integer=integer))
    target.set_major_formatter(FuncFormatter(lambda value, _pos: value_format.tick(value)))
    axes.grid(axis=axis, color=GRID, linewidth=1)
    axes.set_axisbelow(True)
    if axis == "y":
        axes.set_ylabel(value_format.label(), fontsize=BODY_PT, color=DARK_GREY)


def fewer_value_ticks(axis: Axis, value_format: ValueFormat, measure: Measure, integer: bool = False) -> bool:
    """Where the value ticks along a horizontal axis would touch ("1,000,000" is wide), asks for fewer.
    True if it changed them."""
    low, high = sorted(axis.get_view_interval())
    ticks = [value for value in axis.get_majorticklocs() if low <= value <= high]
    if len(ticks) < 3:
        return False
    centres = [float(axis.axes.transData.transform((value, 0.0))[0]) for value in ticks]
    widths = [measure.width(value_format.tick(value), BODY_PT) for value in ticks]
    if len(spaced(centres, widths, TICK_GAP_PX)) == len(ticks):
        return False
    axis.set_major_locator(MaxNLocator(nbins=max(1, len(ticks) - 2), steps=list(NICE_STEPS), integer=integer))
    return True
