"""Chart renderers: a spec in, PNG bytes and alt text out. matplotlib's Figure API only, never pyplot."""

from __future__ import annotations

import io
import textwrap
import threading
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import offset_copy

from charts import alt_text
from charts.labels import label_heights, line_label, spread
from charts.specs import (
    ChartSpec,
    ComparisonChart,
    Series,
    StatusChart,
    TrendChart,
    TurnTheCurveChart,
    ValueFormat,
)
from charts.style import (
    BODY_PT,
    DARK_BLUE,
    DARK_GREY,
    DPI,
    GRID,
    HEIGHT_IN,
    MUTED,
    ORANGE,
    PALETTE,
    SECONDARY_TEXT,
    SUBTITLE_PT,
    TEXT,
    TITLE_PT,
    WIDTH_IN,
)

TITLE_WIDTH = 58
SOURCE_WIDTH = 92
SUBTITLE_WIDTH = 82
BAR_LABEL_WIDTH = 22
THEME_LABEL_WIDTH = 30


@dataclass(frozen=True)
class RenderedChart:
    png: bytes
    alt_text: str
    title: str


def render(spec: ChartSpec) -> RenderedChart:
    figure = build_figure(spec)
    buffer = io.BytesIO()
    # Fast zlib level: the PNG is a few per cent larger and several milliseconds quicker to write.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return RenderedChart(buffer.getvalue(), alt_text.describe(spec), spec.title)


def build_figure(spec: ChartSpec) -> Figure:
    """The drawn figure, before encoding: what the structure tests inspect."""
    left, right, headroom = 0.1, 0.78, 0.0
    if isinstance(spec, ComparisonChart | StatusChart):
        right = 0.92
        names = [bar.label for bar in spec.bars] if isinstance(spec, ComparisonChart) else list(spec.themes)
        width = BAR_LABEL_WIDTH if isinstance(spec, ComparisonChart) else THEME_LABEL_WIDTH
        widest = max((len(line) for name in names for line in textwrap.wrap(name, width)), default=8)
        left = min(0.4, 0.04 + widest * 0.0095)
        headroom = 0.045 * len(spec.references) if isinstance(spec, ComparisonChart) else 0.05
    template = _template(type(spec).__name__)
    axes = template.reset(spec.title, spec.subtitle, spec.source, left, right, headroom)
    if isinstance(spec, TrendChart):
        _draw_trend(axes, spec)
    elif isinstance(spec, ComparisonChart):
        _draw_comparison(axes, spec)
    elif isinstance(spec, TurnTheCurveChart):
        _draw_turn_the_curve(axes, spec)
    else:
        _draw_status(axes, spec)
    return template.figure


class _Template:
    """A figure kept per chart kind and thread. Building axes and ticks is most of matplotlib's cost, so
    each render clears only what it drew, rather than building a new figure."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
        self.title = self.figure.text(0.02, 0.975, "", fontsize=TITLE_PT, fontweight="bold", color=TEXT, va="top")
        self.subtitle = self.figure.text(0.02, 0.9, "", fontsize=SUBTITLE_PT, color=SECONDARY_TEXT, va="top")
        self.source = self.figure.text(0.02, 0.015, "", fontsize=BODY_PT, color=SECONDARY_TEXT, va="bottom")
        self.axes = self.figure.add_axes((0.1, 0.2, 0.68, 0.6))
        self.axes.spines[["top", "right"]].set_visible(False)
        self.axes.spines[["left", "bottom"]].set_color(DARK_GREY)
        self.axes.tick_params(labelsize=BODY_PT, colors=DARK_GREY)

    def reset(self, title: str, subtitle: str, source: str, left: float, right: float, headroom: float) -> Axes:
        axes = self.axes
        for artist in [*axes.lines, *axes.patches, *axes.texts, *axes.collections]:
            artist.remove()
        axes.containers.clear()
        legend = axes.get_legend()
        if legend is not None:
            legend.remove()
        axes.set_ylabel("")
        title_lines = textwrap.wrap(title, TITLE_WIDTH)[:2]
        subtitle_lines = textwrap.wrap(subtitle, SUBTITLE_WIDTH)[:2]
        source_lines = textwrap.wrap(source, SOURCE_WIDTH)[:4]
        top = 0.975 - 0.058 * len(title_lines)
        self.title.set_text("\n".join(title_lines))
        self.subtitle.set_text("\n".join(subtitle_lines))
        self.subtitle.set_position((0.02, top - 0.005))
        top -= 0.045 * (len(subtitle_lines) - 1)
        self.source.set_text("\n".join(source_lines))
        bottom = 0.11 + 0.04 * len(source_lines)
        axes.set_position((left, bottom, right - left, top - 0.08 - headroom - bottom))
        return axes


_TEMPLATES = threading.local()


def _template(kind: str) -> _Template:
    templates: dict[str, _Template] = _TEMPLATES.__dict__.setdefault("by_kind", {})
    if kind not in templates:
        templates[kind] = _Template()
    return templates[kind]


def _values(series: Series) -> np.ndarray:
    return np.array([np.nan if point.value is None else point.value for point in series.points], dtype=float)


def _dates(series: Series) -> list[date]:
    return [point.when for point in series.points]


def _x(day: date) -> float:
    """Time as day numbers: the axes are plain numbers and the tick labels are ours."""
    return float(day.toordinal())


def _xs(days: list[date]) -> np.ndarray:
    return np.array([_x(day) for day in days], dtype=float)


def _year_ticks(axes: Axes, first: date, last: date) -> None:
    years = list(range(first.year + (first > date(first.year, 1, 1)), last.year + 1))
    step = max(1, len(years) // 8 + (len(years) % 8 > 0))
    chosen = years[::step]
    axes.set_xticks([_x(date(year, 1, 1)) for year in chosen], [str(year) for year in chosen])


def _draw_trend(axes: Axes, spec: TrendChart) -> None:
    labels: list[tuple[float, str, str, date]] = []
    comparator_colours = iter(PALETTE[1:])
    for line in spec.series:
        colour = DARK_BLUE if line.focus else next(comparator_colours, DARK_GREY)
        values = _values(line)
        axes.plot(
            _xs(_dates(line)),
            values,
            color=colour,
            linewidth=2.8 if line.focus else 2.0,
            marker="o",
            markersize=5,
            linestyle="-" if line.focus or len(line.points) > 1 else "none",
            zorder=3,
        )
        finite = [(point.when, point.value) for point in line.points if point.value is not None]
        if finite:
            when, value = finite[-1]
            labels.append((value, line_label(line.name, spec.value_format.text(value)), colour, when))
    ymax = _top_of(spec)
    axes.set_ylim(0, ymax)
    if spec.target is not None:
        axes.axhline(spec.target.value, color=DARK_GREY, linestyle="--", linewidth=1.3, zorder=2)
        axes.annotate(
            f"Target {spec.value_format.text(spec.target.value)}: {spec.target.label}",
            (0.01, spec.target.value),
            xycoords=("axes fraction", "data"),
            xytext=(0, 4),
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            textcoords="offset points",
            fontsize=BODY_PT,
            color=DARK_GREY,
        )
    for marker in spec.breaks:
        axes.axvline(_x(marker.when), color=DARK_GREY, linestyle=":", linewidth=1.5, zorder=2)
        axes.annotate(
            marker.label,
            (_x(marker.when), ymax),
            xytext=(4, -14),
            textcoords="offset points",
            fontsize=BODY_PT,
            color=DARK_GREY,
        )
    _direct_labels(axes, labels, ceiling=ymax)
    _time_axis(axes, spec)
    _value_axis(axes, spec.value_format)


def _top_of(spec: TrendChart) -> float:
    values = [point.value for line in spec.series for point in line.points if point.value is not None]
    if spec.target is not None:
        values.append(spec.target.value)
    top = max(values, default=1.0)
    if spec.value_format.unit == "percent" and top <= 100:
        return min(100.0, top * 1.25) if top > 0 else 1.0
    return top * 1.2 if top > 0 else 1.0


def _direct_labels(axes: Axes, labels: list[tuple[float, str, str, date]], ceiling: float) -> None:
    """Labels at the line ends instead of a legend, nudged apart where they would overlap."""
    beside = offset_copy(axes.transData, x=8 * DPI / 72, y=0, units="dots")
    ordered = sorted(labels)
    heights = label_heights([text for _, text, _, _ in ordered], ceiling)
    centres = spread([value for value, _, _, _ in ordered], heights, ceiling)
    for (_, text, colour, when), y in zip(ordered, centres, strict=True):
        axes.text(
            _x(when),
            y,
            text,
            transform=beside,
            fontsize=BODY_PT,
            color=colour,
            fontweight="bold",
            va="center",
            clip_on=False,
        )


def _time_axis(axes: Axes, spec: TrendChart) -> None:
    points = [point for line in spec.series if line.focus for point in line.points]
    first = min(point.when for line in spec.series for point in line.points)
    last = max(point.when for line in spec.series for point in line.points)
    if len(points) <= 10:
        axes.set_xticks([_x(point.when) for point in points], [point.label for point in points])
    else:
        _year_ticks(axes, first, last)
    span = max((last - first).days, 365)
    axes.set_xlim(_x(first) - span * 0.04, _x(last) + span * 0.04)


def _value_axis(axes: Axes, value_format: ValueFormat, axis: Literal["x", "y"] = "y") -> None:
    formatter = FuncFormatter(lambda value, _pos: value_format.tick(value))
    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_formatter(formatter)
    axes.grid(axis=axis, color=GRID, linewidth=1)
    axes.set_axisbelow(True)
    if axis == "y":
        axes.set_ylabel(value_format.label(), fontsize=BODY_PT, color=DARK_GREY)


def _draw_comparison(axes: Axes, spec: ComparisonChart) -> None:
    names = [textwrap.fill(bar.label, BAR_LABEL_WIDTH) for bar in spec.bars]
    values = [0.0 if bar.value is None else bar.value for bar in spec.bars]
    colours = [DARK_BLUE if bar.highlight else MUTED for bar in spec.bars]
    positions = np.arange(len(spec.bars))
    axes.barh(positions, values, color=colours, height=0.65, zorder=3)
    axes.set_yticks(positions, names)
    axes.set_ylim(len(spec.bars) - 0.5, -0.5)  # first bar at the top
    top = max([*values, *(ref.value for ref in spec.references)], default=1.0) or 1.0
    axes.set_xlim(0, top * 1.22)
    for position, bar, value in zip(positions, spec.bars, values, strict=True):
        axes.annotate(
            spec.value_format.text(bar.value, bar.symbol),
            (value, float(position)),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=BODY_PT,
            color=DARK_BLUE if bar.highlight else DARK_GREY,
            fontweight="bold" if bar.highlight else None,
        )
    for index, reference in enumerate(spec.references):
        colour = PALETTE[2 + index % 3]
        axes.axvline(reference.value, color=colour, linestyle="--", linewidth=1.6, zorder=4)
        # Stacked above the plot, one row each, so close lines never print over each other.
        axes.annotate(
            f"{reference.label} {spec.value_format.text(reference.value)}",
            (reference.value, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3 + 17 * index),
            textcoords="offset points",
            fontsize=BODY_PT,
            color=colour,
            va="bottom",
            ha="center",
            arrowprops={"arrowstyle": "-", "color": colour, "linestyle": "--", "linewidth": 1.2},
        )
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)
    _value_axis(axes, spec.value_format, axis="x")


def projected_end(spec: TurnTheCurveChart) -> float:
    """The baseline trend carried to the last actual point (what the chart draws and the gap is measured from)."""
    x = _xs(_dates(spec.actual))
    actual = _values(spec.actual)
    slope, intercept = _baseline_fit(spec, x, actual)
    return float(slope * x[-1] + intercept)


def _baseline_fit(spec: TurnTheCurveChart, x: np.ndarray, actual: np.ndarray) -> tuple[float, float]:
    when = _dates(spec.actual)
    base = [
        (xi, yi)
        for xi, yi, day in zip(x, actual, when, strict=True)
        if spec.baseline_from <= day <= spec.baseline_to and not np.isnan(yi)
    ]
    if len(base) < 2:
        return 0.0, float(base[0][1]) if base else 0.0
    slope, intercept = np.polyfit([p[0] for p in base], [p[1] for p in base], 1)
    return float(slope), float(intercept)


def _draw_turn_the_curve(axes: Axes, spec: TurnTheCurveChart) -> None:
    when = _dates(spec.actual)
    actual = _values(spec.actual)
    x = _xs(when)
    slope, intercept = _baseline_fit(spec, x, actual)
    start = _x(spec.baseline_from)
    projection_x = x[x >= start]
    projection = slope * projection_x + intercept
    axes.plot(x, actual, color=DARK_BLUE, linewidth=2.8, marker="o", markersize=5, zorder=3)
    axes.plot(projection_x, projection, color=ORANGE, linewidth=2.2, linestyle="--", zorder=3)
    after = x >= _x(spec.baseline_to)
    axes.fill_between(x[after], actual[after], slope * x[after] + intercept, color=ORANGE, alpha=0.15, zorder=1)
    gap = float(projection[-1] - actual[-1])
    children = round(abs(gap) * spec.children_per_unit)
    fewer_or_more = "fewer" if gap > 0 else "more"
    axes.annotate(
        f"Actual {spec.value_format.text(float(actual[-1]))}",
        (x[-1], actual[-1]),
        xytext=(8, -6 if gap > 0 else 6),
        textcoords="offset points",
        va="top" if gap > 0 else "bottom",
        color=DARK_BLUE,
        fontweight="bold",
        fontsize=BODY_PT,
    )
    axes.annotate(
        f"Projected {spec.value_format.text(float(projection[-1]))}",
        (x[-1], projection[-1]),
        xytext=(8, 6 if gap > 0 else -6),
        textcoords="offset points",
        va="bottom" if gap > 0 else "top",
        color=ORANGE,
        fontweight="bold",
        fontsize=BODY_PT,
    )
    axes.text(
        0.02,
        0.06,
        f"Gap at {spec.actual.points[-1].label}: {spec.value_format.text(abs(gap))}, "
        f"about {children:,} {fewer_or_more} children than the {spec.projected_label}",
        transform=axes.transAxes,
        fontsize=BODY_PT,
        color=TEXT,
        bbox={"facecolor": "white", "edgecolor": ORANGE, "boxstyle": "round,pad=0.4"},
    )
    axes.set_ylim(0, max(float(np.nanmax(actual)), float(projection.max())) * 1.15)
    axes.set_xticks(list(x), [point.label for point in spec.actual.points])
    _value_axis(axes, spec.value_format)


def _draw_status(axes: Axes, spec: StatusChart) -> None:
    positions = np.arange(len(spec.themes))
    left = np.zeros(len(spec.themes))
    for index, status in enumerate(spec.statuses):
        counts = np.array([row[index] for row in spec.counts], dtype=float)
        colour = PALETTE[index % len(PALETTE)]
        axes.barh(positions, counts, left=left, color=colour, height=0.6, label=status, zorder=3)
        for position, start, count in zip(positions, left, counts, strict=True):
            if count:
                axes.text(
                    start + count / 2,
                    float(position),
                    f"{count:.0f}",
                    ha="center",
                    va="center",
                    fontsize=BODY_PT,
                    color="white",
                    fontweight="bold",
                )
        left += counts
    axes.set_yticks(positions, [textwrap.fill(theme, THEME_LABEL_WIDTH) for theme in spec.themes])
    axes.set_ylim(len(spec.themes) - 0.5, -0.5)
    axes.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(4, len(spec.statuses)), frameon=False, fontsize=BODY_PT
    )
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)
    _value_axis(axes, ValueFormat("count"), axis="x")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
