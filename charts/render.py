"""Chart renderers: a spec in, PNG bytes and alt text out. matplotlib's Figure API only, never pyplot."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from charts import alt_text, png
from charts.bars import draw_comparison, draw_status
from charts.layout import Page, Plot, lay_out, release_axis_labels
from charts.lines import draw_trend, draw_turn_the_curve, projected_end
from charts.specs import ChartSpec, ComparisonChart, StatusChart, TrendChart
from charts.style import BODY_PT, DARK_GREY, DPI, HEIGHT_IN, WIDTH_IN
from charts.text import Measure

__all__ = ["RenderedChart", "build_figure", "projected_end", "render"]


@dataclass(frozen=True)
class RenderedChart:
    png: bytes
    alt_text: str
    title: str


def render(spec: ChartSpec) -> RenderedChart:
    template = _build(spec)
    # Drawn once on the template's own canvas at its own resolution: savefig would redo the dpi and size
    # bookkeeping for each chart and hand the pixels to Pillow's slower filtered encoder.
    template.canvas.draw()  # type: ignore[no-untyped-call]  # untyped in mpl
    return RenderedChart(png.encode(template.canvas), alt_text.describe(spec), spec.title)


def build_figure(spec: ChartSpec) -> Figure:
    """The drawn and laid-out figure, before encoding: what the structure and text tests inspect."""
    return _build(spec).figure


def _build(spec: ChartSpec) -> _Template:
    template = _template(type(spec).__name__)
    template.clear()
    measure = Measure(template.renderer())
    plot = _draw(template, spec, measure)
    template.page.write(measure, spec.title, spec.subtitle, spec.source, plot.note)
    lay_out(template.figure, template.axes, template.page, plot, measure.renderer)
    return template


def _draw(template: _Template, spec: ChartSpec, measure: Measure) -> Plot:
    if isinstance(spec, TrendChart):
        return draw_trend(template.axes, spec, measure)
    if isinstance(spec, ComparisonChart):
        return draw_comparison(template.axes, spec, measure)
    if isinstance(spec, StatusChart):
        return draw_status(template.axes, spec, measure)
    return draw_turn_the_curve(template.axes, spec, measure)


class _Template:
    """A figure kept per chart kind and thread. Building axes and ticks is most of matplotlib's cost, so
    each render clears only what it drew, rather than building a new figure."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.page = Page(self.figure)
        self.axes = self.figure.add_axes((0.1, 0.2, 0.68, 0.6))
        self.axes.spines[["top", "right"]].set_visible(False)
        self.axes.spines[["left", "bottom"]].set_color(DARK_GREY)
        self.axes.tick_params(labelsize=BODY_PT, colors=DARK_GREY)

    def renderer(self) -> RendererBase:
        """The renderer the PNG is drawn with, so text is measured as it will be drawn."""
        renderer: RendererBase = self.canvas.get_renderer()  # type: ignore[no-untyped-call]  # untyped in mpl
        return renderer

    def clear(self) -> None:
        """Back to the empty template, so that one chart's drawing never shows in the next."""
        self.figure.set_size_inches(WIDTH_IN, HEIGHT_IN)
        axes = self.axes
        for artist in [*axes.lines, *axes.patches, *axes.texts, *axes.collections]:
            artist.remove()
        axes.containers.clear()
        legend = axes.get_legend()
        if legend is not None:
            legend.remove()
        axes.set_ylabel("")
        release_axis_labels(axes)
        axes.xaxis.set_minor_locator(NullLocator())
        axes.yaxis.set_minor_locator(NullLocator())


_TEMPLATES = threading.local()


def _template(kind: str) -> _Template:
    templates: dict[str, _Template] = _TEMPLATES.__dict__.setdefault("by_kind", {})
    if kind not in templates:
        templates[kind] = _Template()
    return templates[kind]
