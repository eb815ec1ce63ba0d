"""Where everything sits, in pixels measured from the drawn text.

The title and subtitle wrap at the top, the note and source line at the bottom; the plot takes what is left and
is then shrunk until its tick labels, axis label, line-end labels, legend and annotations all fit inside. Where
that leaves the plot too short for what it must show (13 stacked line labels, 13 bars of two-line names), the
image grows taller rather than letting text print over text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from charts.style import (
    BODY_PT,
    DPI,
    HEIGHT_IN,
    ORANGE,
    SECONDARY_TEXT,
    SUBTITLE_PT,
    TEXT,
    TITLE_PT,
    WIDTH_IN,
)
from charts.text import Measure

WIDTH_PX = WIDTH_IN * DPI
HEIGHT_PX = HEIGHT_IN * DPI
MARGIN_PX = 16.0  # the white edge every text keeps
TOP_PX = 12.0
BOTTOM_PX = 8.0
LINE_GAP_PX = 6.0  # between title and subtitle, note and source
PLOT_GAP_PX = 14.0  # between the header or footer and whatever the plot draws
NOTE_PAD = 0.4  # of the font size: the box round the note
MIN_PLOT_PX = 180.0  # the plot's own height, however much text surrounds it
MIN_WIDTH_PX = 240.0
MIN_GROWN_PX = 20.0
MAX_PASSES = 6
GROWTH_ATTEMPTS = 4
SETTLED_PX = 0.5


def _nothing_changed() -> bool:
    return False


def _nothing() -> None:
    return None


@dataclass
class Plot:
    """What a drawn chart asks of the layout.

    min_height: pixels the plot itself needs (stacked labels, rows of bars).
    tighten: adjusts decorations to the plot's current size (legend columns, tick density); True if it changed
    something, so the layout measures again.
    finish: places what needs the final size (line-end labels, thinned ticks) and is run once, last.
    note: a sentence for under the plot (turn the curve's gap in children).
    """

    min_height: float = MIN_PLOT_PX
    tighten: Callable[[], bool] = field(default=_nothing_changed)
    finish: Callable[[], None] = field(default=_nothing)
    note: str = ""


class Page:
    """The figure's own texts: title, subtitle, a note and the source line."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.title = self._text(TITLE_PT, TEXT, "top", bold=True)
        self.subtitle = self._text(SUBTITLE_PT, SECONDARY_TEXT, "top")
        self.note = self._text(BODY_PT, TEXT, "bottom")
        # An empty note draws nothing, its box included.
        self.note.set_bbox({"facecolor": "white", "edgecolor": ORANGE, "boxstyle": f"round,pad={NOTE_PAD}"})
        self.source = self._text(BODY_PT, SECONDARY_TEXT, "bottom")

    def _text(self, size: float, colour: str, anchor: Literal["top", "bottom"], bold: bool = False) -> Text:
        # parse_math off: a "$" in a source's name is a dollar, not the start of an equation.
        return self.figure.text(
            MARGIN_PX / WIDTH_PX,
            0.0,
            "",
            fontsize=size,
            fontweight="bold" if bold else "normal",
            color=colour,
            va=anchor,
            parse_math=False,
        )

    def write(self, measure: Measure, title: str, subtitle: str, source: str, note: str) -> None:
        width = WIDTH_PX - 2 * MARGIN_PX
        self.title.set_text(measure.wrap(title, width, TITLE_PT, bold=True))
        self.subtitle.set_text(measure.wrap(subtitle, width, SUBTITLE_PT))
        self.source.set_text(measure.wrap(source, width, BODY_PT))
        pad = self._note_pad_px()
        self.note.set_text(measure.wrap(note, width - 2 * pad, BODY_PT))

    def place(self, renderer: RendererBase) -> Bbox:
        """Puts the texts at the figure's current height; returns the room left for the plot, in pixels."""
        height = self.figure.bbox.height
        top = height - TOP_PX
        top = self._put(self.title, top, renderer, below=True)
        top = self._put(self.subtitle, top - LINE_GAP_PX, renderer, below=True)
        bottom = self._put(self.source, BOTTOM_PX, renderer, below=False)
        if self.note.get_text():
            pad = self._note_pad_px()
            bottom = self._put(self.note, bottom + LINE_GAP_PX + pad, renderer, below=False, indent=pad) + pad
        return Bbox.from_extents(MARGIN_PX, bottom + PLOT_GAP_PX, WIDTH_PX - MARGIN_PX, top - PLOT_GAP_PX)

    def _put(self, text: Text, y: float, renderer: RendererBase, below: bool, indent: float = 0.0) -> float:
        """Sets text hanging from y (below) or standing on it; returns its far edge."""
        if not text.get_text():
            return y + LINE_GAP_PX if below else y - LINE_GAP_PX
        text.set_position(((MARGIN_PX + indent) / WIDTH_PX, y / self.figure.bbox.height))
        extent = text.get_window_extent(renderer)
        return y - extent.height if below else y + extent.height

    def _note_pad_px(self) -> float:
        return NOTE_PAD * BODY_PT * DPI / 72


def lay_out(figure: Figure, axes: Axes, page: Page, plot: Plot, renderer: RendererBase) -> None:
    """Fits the plot between header and footer; grows the image where the plot would be too short."""
    height = HEIGHT_PX
    for _ in range(GROWTH_ATTEMPTS):
        figure.set_size_inches(WIDTH_IN, height / DPI)
        _fit(figure, axes, page.place(renderer), renderer, plot.tighten)
        short = plot.min_height - axes.bbox.height
        if short <= SETTLED_PX:
            break
        height += math.ceil(short)
    plot.finish()
    hold_axis_labels(axes)


def hold_axis_labels(axes: Axes) -> None:
    """Keeps the axis labels where the last fitting pass put them. Unheld, every draw measures each tick label
    again (and those of any sibling axes) to place the axis label: a fifth of a chart's time, to arrive where the
    layout already has. Ticks only thin after the last pass, so the label's room is the same.
    Axis.set_label_coords would also hold them, but in axes units that go stale as the next chart resizes."""
    for axis in (axes.xaxis, axes.yaxis):
        axis._autolabelpos = False  # type: ignore[union-attr]  # private in mpl: placing the label at each draw


def release_axis_labels(axes: Axes) -> None:
    """The template's next chart measures afresh."""
    for axis in (axes.xaxis, axes.yaxis):
        axis._autolabelpos = True  # type: ignore[union-attr]


def _fit(figure: Figure, axes: Axes, region: Bbox, renderer: RendererBase, tighten: Callable[[], bool]) -> None:
    """Shrinks the axes until everything they draw (tick labels, labels outside the plot, legend) is inside
    region. Each pass measures the overhang at the current size; a few passes settle it."""
    inner = region
    for _ in range(MAX_PASSES):
        axes.set_position(_fraction(inner, figure))
        tight = _drawn_extent(axes, renderer)
        now = axes.bbox
        wanted = Bbox.from_extents(
            region.x0 + (now.x0 - tight.x0),
            region.y0 + (now.y0 - tight.y0),
            region.x1 - (tight.x1 - now.x1),
            region.y1 - (tight.y1 - now.y1),
        )
        wanted = _no_smaller_than(wanted)
        changed = tighten()
        if not changed and _settled(wanted, now):
            return
        inner = wanted
    axes.set_position(_fraction(inner, figure))
    _drawn_extent(axes, renderer)  # measured at the size kept, so the axis labels the layout holds sit there


def _drawn_extent(axes: Axes, renderer: RendererBase) -> Bbox:
    """The plot and every text it draws around itself. Axes.get_tightbbox would do, at several times the cost:
    it also traces each annotation's line, which runs from its words to the plot and so never reaches further."""
    boxes = [axes.bbox]
    for axis in (axes.xaxis, axes.yaxis):
        box = axis.get_tightbbox(renderer)
        if box is not None:
            boxes.append(box)
    for text in axes.texts:
        if isinstance(text, Annotation):
            text.update_positions(renderer)
        if text.get_text():
            boxes.append(Text.get_window_extent(text, renderer))
    legend = axes.get_legend()
    if legend is not None:
        boxes.append(legend.get_window_extent(renderer))
    return Bbox.union(boxes)


def _no_smaller_than(box: Bbox) -> Bbox:
    """Never a plot of no size: too short, the growth step adds height; too narrow cannot happen with the
    widths labels are wrapped to, but a negative width would turn the plot inside out."""
    return Bbox.from_extents(box.x0, box.y0, max(box.x1, box.x0 + MIN_WIDTH_PX), max(box.y1, box.y0 + MIN_GROWN_PX))


def _settled(wanted: Bbox, now: Bbox) -> bool:
    return all(abs(a - b) <= SETTLED_PX for a, b in zip(wanted.extents, now.extents, strict=True))


def _fraction(box: Bbox, figure: Figure) -> tuple[float, float, float, float]:
    width, height = figure.bbox.width, figure.bbox.height
    return (box.x0 / width, box.y0 / height, box.width / width, box.height / height)
