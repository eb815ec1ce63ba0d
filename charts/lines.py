"""Line charts: a measure over time with each line labelled at its end, and actual against an earlier trend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Annotation

from charts.labels import LABEL_PX, MAX_NAME_LINES, EndLabel, EndLabels, line_label
from charts.layout import MIN_PLOT_PX, Plot
from charts.numbers import number
from charts.periods import tick_label
from charts.specs import Marker, Point, Series, TargetLine, TrendChart, TurnTheCurveChart, ValueFormat
from charts.style import BODY_PT, DARK_BLUE, DARK_GREY, MUTED, ORANGE, PALETTE, SECONDARY_TEXT
from charts.text import Measure
from charts.ticks import TimeTicks, value_axis, value_limits, x_of

BREAK_LABEL_PX = 220.0  # a definition change's label, above the plot
BREAK_BASE_PT = 3.0  # between the plot and a break's label, and between labels
LINE_SPACING = 1.2  # matplotlib's, in lines of the font size


GAP_STEPS = 1.5  # a step this many times the series' usual one means periods are missing between


def _values(series: Series) -> np.ndarray:
    return np.array([np.nan if point.value is None else point.value for point in series.points], dtype=float)


def _xs(points: tuple[Point, ...]) -> np.ndarray:
    return np.array([x_of(point.when) for point in points], dtype=float)


def _with_gaps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A period missing from a series is a break in its line, not a straight bridge from the year before to the
    year after: a point with no value goes where the series skips more than its usual step."""
    if len(x) < 3:
        return x, y
    steps = np.diff(x)
    usual = float(np.min(steps[steps > 0])) if np.any(steps > 0) else 0.0
    skips = np.flatnonzero(steps > usual * GAP_STEPS)
    if not len(skips):
        return x, y
    middles = (x[skips] + x[skips + 1]) / 2
    return np.insert(x, skips + 1, middles), np.insert(y, skips + 1, np.nan)


def _colours(series: tuple[Series, ...]) -> Iterator[tuple[str, str]]:
    """(line, label) colours: the focus in dark blue, comparators in the palette's order, and past the palette
    light grey lines with grey labels, the way the Analysis Function greys out context."""
    comparators = iter(PALETTE[1:])
    for line in series:
        if line.focus:
            yield DARK_BLUE, DARK_BLUE
            continue
        colour = next(comparators, None)
        yield (colour, colour) if colour is not None else (MUTED, SECONDARY_TEXT)


def draw_trend(axes: Axes, spec: TrendChart, measure: Measure) -> Plot:
    points = [point for line in spec.series for point in line.points]
    latest = max((point.when for point in points), default=date.min)
    labels: list[EndLabel] = []
    for line, (colour, label_colour) in zip(spec.series, _colours(spec.series), strict=True):
        axes.plot(
            *_with_gaps(_xs(line.points), _values(line)),
            color=colour,
            linewidth=2.8 if line.focus else 2.0,
            marker="o",
            markersize=5,
            linestyle="-" if line.focus or len(line.points) > 1 else "none",
            zorder=3 if colour != MUTED else 2,
        )
        label = _end_label(measure, spec, line, latest, label_colour)
        if label is not None:
            labels.append(label)
    values = [point.value for point in points if point.value is not None]
    axes.set_ylim(*value_limits([*values, *([spec.target.value] if spec.target else [])], spec.value_format.unit))
    if spec.target is not None:
        axes.axhline(spec.target.value, color=DARK_GREY, linestyle="--", linewidth=1.3, zorder=2)
        labels.append(_target_label(measure, spec.target, spec.value_format))
    breaks = _breaks(axes, spec.breaks, measure)
    end_labels = EndLabels(axes, labels)
    ticks = TimeTicks(axes, points, measure)
    value_axis(axes, spec.value_format)

    def tighten() -> bool:
        moved = [_break_side(axes, label, measure) for label in breaks]
        return any(moved)

    def finish() -> None:
        end_labels.place(measure.renderer)
        ticks.thin()

    return Plot(max(MIN_PLOT_PX, end_labels.height_needed(measure.renderer)), tighten, finish)


def _end_label(measure: Measure, spec: TrendChart, line: Series, latest: date, colour: str) -> EndLabel | None:
    """The line's last figure. A line that stops before the others is named with the period it is held to, not
    given a figure: its figure would stand in the column beside the others' figures for a different year."""
    held = [point for point in line.points if point.value is not None]
    if not held:
        return None
    last = held[-1]
    if last.when < latest:
        period = tick_label(last.label, last.when).replace("\n", " ")
        words = f"(held to {period})"
    else:
        words = spec.value_format.text(last.value, decimals=last.decimals)
    return EndLabel(float(last.value or 0.0), line_label(measure, line.name, words), colour)


def _target_label(measure: Measure, target: TargetLine, value_format: ValueFormat) -> EndLabel:
    """The target's dashed line is labelled in the column with the lines' labels: inside the plot its words
    would cover the lines."""
    value = value_format.text(target.value)
    name = measure.wrap(target.label, LABEL_PX, BODY_PT, bold=True, max_lines=MAX_NAME_LINES - 1)
    return EndLabel(target.value, f"Target {value}\n{name}" if name else f"Target {value}", DARK_GREY)


def _breaks(axes: Axes, markers: tuple[Marker, ...], measure: Measure) -> list[Annotation]:
    """A dotted line where the definition changes, its label above the plot, clear of the lines, the plot's
    labels and each other: each label stands on the one before."""
    labels: list[Annotation] = []
    above = BREAK_BASE_PT
    for marker in markers:
        axes.axvline(x_of(marker.when), color=DARK_GREY, linestyle=":", linewidth=1.5, zorder=2)
        text = measure.wrap(marker.label, BREAK_LABEL_PX, BODY_PT)
        labels.append(
            axes.annotate(
                text,
                (x_of(marker.when), 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, above),
                textcoords="offset points",
                fontsize=BODY_PT,
                color=DARK_GREY,
                va="bottom",
                ha="left",
                annotation_clip=False,
                parse_math=False,
            )
        )
        above += (text.count("\n") + 1) * BODY_PT * LINE_SPACING + BREAK_BASE_PT
    return labels


def _break_side(axes: Axes, label: Annotation, measure: Measure) -> bool:
    """A label that would run past the plot's right edge goes to the left of its line. True if it moved."""
    x = float(axes.transData.transform((label.xy[0], 0.0))[0])
    width = measure.widest(label.get_text(), BODY_PT)
    side: Literal["left", "right"] = (
        "right" if x + 4 + width > axes.bbox.x1 and x - 4 - width >= axes.bbox.x0 else "left"
    )
    if side == label.get_horizontalalignment():
        return False
    label.set_horizontalalignment(side)
    label.xyann = (4 if side == "left" else -4, label.xyann[1])
    return True


def projected_end(spec: TurnTheCurveChart) -> float:
    """The baseline trend carried to the last actual figure (what the chart draws and the gap is measured from)."""
    x = _xs(spec.actual.points)
    slope, intercept = _baseline_fit(spec, x, _values(spec.actual))
    return float(slope * x[_last_held(spec)] + intercept)


def _last_held(spec: TurnTheCurveChart) -> int:
    held = [index for index, point in enumerate(spec.actual.points) if point.value is not None]
    return held[-1] if held else len(spec.actual.points) - 1


def _baseline_fit(spec: TurnTheCurveChart, x: np.ndarray, actual: np.ndarray) -> tuple[float, float]:
    base = [
        (xi, yi)
        for xi, yi, point in zip(x, actual, spec.actual.points, strict=True)
        if spec.baseline_from <= point.when <= spec.baseline_to and not np.isnan(yi)
    ]
    if len(base) < 2:
        return 0.0, float(base[0][1]) if base else 0.0
    slope, intercept = np.polyfit([p[0] for p in base], [p[1] for p in base], 1)
    return float(slope), float(intercept)


def draw_turn_the_curve(axes: Axes, spec: TurnTheCurveChart, measure: Measure) -> Plot:
    actual = _values(spec.actual)
    x = _xs(spec.actual.points)
    slope, intercept = _baseline_fit(spec, x, actual)
    projection_x = x[x >= x_of(spec.baseline_from)]
    if not len(projection_x):
        projection_x = x[-1:]
    projection = slope * projection_x + intercept
    axes.plot(x, actual, color=DARK_BLUE, linewidth=2.8, marker="o", markersize=5, zorder=3)
    axes.plot(projection_x, projection, color=ORANGE, linewidth=2.2, linestyle="--", zorder=3)
    after = x >= x_of(spec.baseline_to)
    axes.fill_between(x[after], actual[after], slope * x[after] + intercept, color=ORANGE, alpha=0.15, zorder=1)
    last = _last_held(spec)
    now = float(actual[last]) if not np.isnan(actual[last]) else None
    projected = projected_end(spec)
    fmt = spec.value_format
    end_labels = EndLabels(
        axes,
        [
            EndLabel(now or 0.0, line_label(measure, "Actual", fmt.text(now)), DARK_BLUE),
            EndLabel(projected, line_label(measure, "Projected", fmt.text(projected)), ORANGE),
        ],
    )
    finite = [float(value) for value in actual if not np.isnan(value)]
    axes.set_ylim(*value_limits([*finite, *map(float, projection)], fmt.unit))
    ticks = TimeTicks(axes, list(spec.actual.points), measure)
    value_axis(axes, fmt)

    def finish() -> None:
        end_labels.place(measure.renderer)
        ticks.thin()

    minimum = max(MIN_PLOT_PX, end_labels.height_needed(measure.renderer))
    return Plot(minimum, finish=finish, note=_gap_note(spec, now, projected))


def _gap_note(spec: TurnTheCurveChart, now: float | None, projected: float) -> str:
    """The gap between actual and projected, stated in children: what a councillor can picture."""
    if now is None:
        return ""
    gap = projected - now
    children = round(abs(gap) * spec.children_per_unit)
    fewer_or_more = "fewer" if gap > 0 else "more"
    when = spec.actual.points[_last_held(spec)].label
    return (
        f"Gap at {when}: {spec.value_format.text(abs(gap))}, about {number(children)} {fewer_or_more} children "
        f"than the {spec.projected_label}"
    )
