"""Bar charts: places side by side with reference lines, and counts stacked by status."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text

from charts.layout import MARGIN_PX, MIN_PLOT_PX, WIDTH_PX, Plot
from charts.numbers import number
from charts.references import ReferenceLabels
from charts.specs import ComparisonChart, StatusChart, ValueFormat
from charts.style import BODY_PT, DARK_BLUE, DARK_GREY, DPI, MUTED, PALETTE
from charts.text import Measure
from charts.ticks import fewer_value_ticks, value_axis

NAME_PX = 200.0  # a bar's name, left of it
THEME_PX = 240.0  # a status chart's theme, left of its bar
LEGEND_ENTRY_PX = 200.0
MAX_NAME_LINES = 3  # longer names end in an ellipsis; the alt text has them whole
ROW_GAP_PX = 8.0  # between one bar's name and the next
HEADROOM = 1.22  # of the longest bar: room for its label
LABEL_OFFSET_PT = 4.0
COUNT_PAD_PX = 6.0  # a count is printed in its segment only with this much room to spare
MAX_LEGEND_COLUMNS = 4


def _row_height(names: list[str]) -> float:
    """Pixels a bar's row needs for the tallest name beside it."""
    lines = max((name.count("\n") + 1 for name in names), default=1)
    line_px = BODY_PT * DPI / 72 * 1.2
    return lines * line_px + ROW_GAP_PX


def _value_range(values: list[float]) -> tuple[float, float]:
    low, high = min([*values, 0.0]), max([*values, 0.0])
    if low == high == 0:
        return 0.0, 1.0
    return (low * HEADROOM if low < 0 else 0.0), (high * HEADROOM if high > 0 else 0.0)


def draw_comparison(axes: Axes, spec: ComparisonChart, measure: Measure) -> Plot:
    fmt = spec.value_format
    names = [measure.wrap(bar.label, NAME_PX, BODY_PT, max_lines=MAX_NAME_LINES) for bar in spec.bars]
    values = [0.0 if bar.value is None else bar.value for bar in spec.bars]
    positions = np.arange(len(spec.bars))
    colours = [DARK_BLUE if bar.highlight else MUTED for bar in spec.bars]
    axes.barh(positions, values, color=colours, height=0.65, zorder=3)
    axes.set_yticks(positions, names)
    axes.set_ylim(len(spec.bars) - 0.5, -0.5)  # first bar at the top
    axes.set_xlim(*_value_range([*values, *(reference.value for reference in spec.references)]))
    for position, bar, value in zip(positions, spec.bars, values, strict=True):
        # Beside the bar's end, or beside zero for a bar below it: never over the names on the left.
        axes.annotate(
            fmt.text(bar.value, bar.symbol, bar.decimals),
            (max(value, 0.0), float(position)),
            xytext=(LABEL_OFFSET_PT, 0),
            textcoords="offset points",
            va="center",
            fontsize=BODY_PT,
            color=DARK_BLUE if bar.highlight else DARK_GREY,
            fontweight="bold" if bar.highlight else "normal",
            # Over a reference line crossing the bar's end, the figure stays readable.
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            zorder=5,
            annotation_clip=False,
            parse_math=False,
        )
    references = ReferenceLabels(axes, spec.references, fmt, measure)
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)
    value_axis(axes, fmt, axis="x")

    def tighten() -> bool:
        fewer = fewer_value_ticks(axes.xaxis, fmt, measure)
        return references.arrange() or fewer

    return Plot(max(MIN_PLOT_PX, len(spec.bars) * _row_height(names)), tighten)


def draw_status(axes: Axes, spec: StatusChart, measure: Measure) -> Plot:
    positions = np.arange(len(spec.themes))
    left = np.zeros(len(spec.themes))
    segments: list[tuple[float, float, float]] = []  # start, count, row
    for index, status in enumerate(spec.statuses):
        counts = np.array([row[index] for row in spec.counts], dtype=float)
        label = measure.wrap(status, LEGEND_ENTRY_PX, BODY_PT)
        axes.barh(positions, counts, left=left, color=PALETTE[index % len(PALETTE)], height=0.6, label=label, zorder=3)
        segments += [(float(s), float(c), float(p)) for s, c, p in zip(left, counts, positions, strict=True) if c]
        left += counts
    themes = [measure.wrap(theme, THEME_PX, BODY_PT, max_lines=MAX_NAME_LINES) for theme in spec.themes]
    axes.set_yticks(positions, themes)
    axes.set_ylim(len(spec.themes) - 0.5, -0.5)
    legend = _Legend(axes, min(MAX_LEGEND_COLUMNS, len(spec.statuses)), measure)
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)
    counting = ValueFormat("count")
    value_axis(axes, counting, axis="x", integer=True)

    def tighten() -> bool:
        fewer = fewer_value_ticks(axes.xaxis, counting, measure, integer=True)
        return legend.fit() or fewer

    def finish() -> None:
        for start, count, row in segments:
            _count(axes, start, count, row, measure)

    return Plot(max(MIN_PLOT_PX, len(spec.themes) * _row_height(themes)), tighten, finish)


class _Legend:
    """The statuses above the plot, centred on the image, in as many columns as fit its width."""

    def __init__(self, axes: Axes, columns: int, measure: Measure) -> None:
        self.axes = axes
        self.columns = columns
        self.measure = measure
        self.centre = 0.5
        self._draw()

    def fit(self) -> bool:
        """True if it changed: fewer columns where it is wider than the image, or recentred."""
        legend = self.axes.get_legend()
        assert legend is not None
        box = self.axes.bbox
        centre = (WIDTH_PX / 2 - box.x0) / box.width
        narrower = self.columns > 1 and legend.get_window_extent(self.measure.renderer).width > WIDTH_PX - 2 * MARGIN_PX
        if not narrower and abs(centre - self.centre) < 1e-3:
            return False
        self.columns -= narrower
        self.centre = centre
        self._draw()
        return True

    def _draw(self) -> None:
        self.axes.legend(
            loc="lower center",
            bbox_to_anchor=(self.centre, 1.0),
            ncol=self.columns,
            frameon=False,
            fontsize=BODY_PT,
        )


def _count(axes: Axes, start: float, count: float, row: float, measure: Measure) -> Text | None:
    """The count inside its segment, where it fits; a sliver keeps its count to the alt text."""
    text = number(count)
    left, right = (float(axes.transData.transform((value, row))[0]) for value in (start, start + count))
    if measure.width(text, BODY_PT, bold=True) + COUNT_PAD_PX > right - left:
        return None
    return axes.text(
        start + count / 2,
        row,
        text,
        ha="center",
        va="center",
        fontsize=BODY_PT,
        color="white",
        fontweight="bold",
        parse_math=False,
    )
