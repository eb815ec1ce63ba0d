"""Chart text a person can read: every kind drawn on awkward data, checked from the drawn extents.

No text may fall outside the image and no two texts may overlap: title, subtitle, source line, tick labels,
line-end labels, bar and reference labels, legend. Measured in pixels from the renderer that draws the PNG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import pytest
from matplotlib.axis import Axis
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from charts.examples import ALL
from charts.render import build_figure
from charts.specs import (
    Bar,
    ChartSpec,
    ComparisonChart,
    Marker,
    Point,
    Reference,
    Series,
    StatusChart,
    TargetLine,
    TrendChart,
    TurnTheCurveChart,
    ValueFormat,
)

TOLERANCE_PX = 1.0  # anti-aliasing: boxes touching by a pixel do not read as overlapping

LONG_INDICATOR = (
    "Percentage of care leavers aged 19, 20 and 21 in education, employment or training, as recorded at their "
    "birthday in the year"
)
LONG_TITLE = (
    "Care leavers aged 19 to 21 in education, employment or training in Kingston upon Hull, City of rose from "
    "48.2% to 51.7% against statistical neighbours, 2012/13 to 2024/25"
)
TWO_PUBLICATIONS = (
    "Source: Department for Education: Children looked after in England including adoptions, reporting year "
    "2025; Scrutiny inquiry: is Leeds a child friendly city? Report to Scrutiny Board (Children and Families) "
    "(6 Mar 2019). Latest period: 31 Mar 2025. Contains public sector information licensed under the Open "
    "Government Licence v3.0."
)
NEIGHBOURS = (
    "Leeds",
    "Kingston upon Hull, City of",
    "Bristol, City of",
    "Sheffield",
    "Kirklees",
    "Bradford",
    "Calderdale",
    "North Tyneside",
    "Wakefield",
    "Statistical neighbours (2025 model)",
    "Yorkshire and The Humber",
    "England",
    "A neighbour whose name is far longer than any place name could reasonably be, to see it wrap and never overlap",
)


def _financial_years(values: list[float | None], first: int = 2012) -> tuple[Point, ...]:
    return tuple(
        Point(date(year + 1, 3, 31), f"{year}/{(year + 1) % 100:02d}", value, "c" if value is None else None)
        for year, value in enumerate(values, start=first)
    )


def _neet_winters(values: list[float], first: int = 2014) -> tuple[Point, ...]:
    """The NEET dashboard's periods: three winter months, labelled in full as the store labels a range."""
    return tuple(
        Point(date(first + i + 1, 2, 28), f"1 Dec {first + i} to 28 Feb {first + i + 1}", value)
        for i, value in enumerate(values)
    )


def _thirteen_lines() -> TrendChart:
    """13 lines ending within 1% of each other: their labels must stack, not print over one another."""
    lines = tuple(
        Series(
            name,
            _financial_years([40.0 + (index * 7) % 11 + year * 0.3 for year in range(12)] + [51.5 + index * 0.04]),
            focus=index == 0,
        )
        for index, name in enumerate(NEIGHBOURS)
    )
    return TrendChart(LONG_TITLE, LONG_INDICATOR, lines, ValueFormat("percent", 1), TWO_PUBLICATIONS)


def _neet_ranges() -> TrendChart:
    values = [6.1, 5.9, 5.4, 5.6, 5.8, 6.0, 5.5, 5.7, 6.3, 6.8, 6.5]
    return TrendChart(
        "NEET or not known 16-17 in Leeds rose from 6.1% to 6.5%, end of 2014 to end of 2024",
        LONG_INDICATOR,
        (
            Series("Leeds", _neet_winters(values), focus=True),
            Series("England", _neet_winters([value - 0.8 for value in values])),
            Series("Yorkshire and The Humber", _neet_winters([value - 0.3 for value in values])),
        ),
        ValueFormat("percent", 1),
        TWO_PUBLICATIONS,
        breaks=(
            Marker(date(2021, 2, 28), "Definition changes: 16-17 year olds only"),
            Marker(date(2022, 2, 28), "Not known figures included from this winter onward, as the dashboard does"),
        ),
    )


def _single_point() -> TrendChart:
    point = (Point(date(2013, 3, 31), "31 Mar 2013", 149.0),)
    return TrendChart(LONG_TITLE, LONG_INDICATOR, (Series("JESS", point, focus=True),), ValueFormat("count"), "Src.")


def _suppressed_and_negative() -> TrendChart:
    """A change measure that goes below zero, a zero, a suppressed latest figure, a target and a break."""
    leeds = _financial_years([-3.2, -1.0, 0.0, 2.5, 4.1, None], first=2018)
    region = _financial_years([1.0, 0.0, -0.5, 0.0, 1.5, 2.0], first=2018)
    return TrendChart(
        LONG_TITLE,
        LONG_INDICATOR,
        (Series("Leeds", leeds, focus=True), Series("Yorkshire and The Humber", region)),
        ValueFormat("percent", 1),
        TWO_PUBLICATIONS,
        target=TargetLine(3.0, "Target in the Children and Young People's Plan refreshed for 2021 to 2024"),
        breaks=(Marker(date(2023, 3, 31), "Definition changes: the new measure counts every child once"),),
    )


def _bar_value(index: int) -> float | None:
    """Millions, one suppressed and one below zero."""
    return {4: None, 7: -1_250.0}.get(index, 3_532_000.0 - index * 211_000.0)


def _many_bars() -> ComparisonChart:
    values = [_bar_value(index) for index in range(len(NEIGHBOURS))]
    bars = tuple(
        Bar(name, value, index == 0, symbol="c" if value is None else None)
        for index, (name, value) in enumerate(zip(NEIGHBOURS, values, strict=True))
    )
    return ComparisonChart(
        LONG_TITLE,
        LONG_INDICATOR,
        bars,
        ValueFormat("count"),
        TWO_PUBLICATIONS,
        references=(Reference("England", 2_900_000.0), Reference("Yorkshire and The Humber", 2_950_000.0)),
    )


def _one_bar() -> ComparisonChart:
    return ComparisonChart(LONG_TITLE, LONG_INDICATOR, (Bar("JESS", 9.9, True),), ValueFormat("percent", 1), "Src.")


def _long_curve() -> TurnTheCurveChart:
    values = [410.0, 440.0, 390.0, 350.0, 370.0, 360.0, 326.0, 327.0, 301.0, 344.0, 325.0, 331.0, 328.0]
    points = tuple(Point(date(2013 + i, 3, 31), f"31 Mar {2013 + i}", value) for i, value in enumerate(values))
    return TurnTheCurveChart(
        LONG_TITLE,
        LONG_INDICATOR,
        Series("Leeds", points, focus=True),
        date(2013, 3, 31),
        date(2015, 3, 31),
        ValueFormat("rate_per_10000"),
        TWO_PUBLICATIONS,
        children_per_unit=17.6239,
        projected_label="trend of 2013 to 2015 carried forward at the same rate each year",
    )


def _long_status() -> StatusChart:
    return StatusChart(
        LONG_TITLE,
        LONG_INDICATOR,
        themes=tuple(f"{index}. {name}" for index, name in enumerate(NEIGHBOURS[8:], start=1)),
        statuses=(
            "Improvement Board",
            "Another body with a long name",
            "Closed",
            "Superseded by the 2013 plan",
            "Not started",
        ),
        counts=((40, 1, 2, 1, 0), (10, 4, 6, 0, 1), (1, 1, 1, 1, 1), (0, 0, 0, 0, 9), (120, 3, 1, 2, 2)),
        source=TWO_PUBLICATIONS,
    )


AWKWARD: dict[str, ChartSpec] = {
    "13 lines ending within 1%": _thirteen_lines(),
    "NEET winter ranges": _neet_ranges(),
    "a single point": _single_point(),
    "suppressed, negative and zero": _suppressed_and_negative(),
    "13 long bars, suppressed and negative": _many_bars(),
    "one bar": _one_bar(),
    "long turn the curve": _long_curve(),
    "long status": _long_status(),
    **{f"example {kind}": spec for kind, spec in ALL.items()},
}


@dataclass(frozen=True)
class Drawn:
    text: str
    box: Bbox


def _renderer(figure: Figure) -> RendererBase:
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    return canvas.get_renderer()


def _drawn_tick_labels(axis: Axis) -> list[Text]:
    """Labels of the ticks matplotlib draws: inside the view, visible and saying something."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    return [
        tick.label1
        for tick in axis.get_major_ticks()
        if low - slack <= tick.get_loc() <= high + slack and tick.label1.get_visible()
    ]


def _text_artists(figure: Figure) -> list[Text]:
    texts: list[Text] = list(figure.texts)
    for axes in figure.axes:
        texts += axes.texts
        texts += _drawn_tick_labels(axes.xaxis) + _drawn_tick_labels(axes.yaxis)
        texts += [axes.xaxis.label, axes.yaxis.label, axes.title]
        legend = axes.get_legend()
        if legend is not None:
            texts += legend.get_texts()
    return [text for text in texts if text.get_visible() and text.get_text().strip()]


def _drawn(spec: ChartSpec) -> tuple[list[Drawn], Bbox]:
    figure = build_figure(spec)
    renderer = _renderer(figure)
    # Text's own extent: an annotation's arrow and a label's box are not its words.
    drawn = [Drawn(text.get_text(), Text.get_window_extent(text, renderer)) for text in _text_artists(figure)]
    return [item for item in drawn if item.box.width > 0 and item.box.height > 0], figure.bbox


def _overlap(first: Bbox, second: Bbox) -> bool:
    wide = min(first.x1, second.x1) - max(first.x0, second.x0)
    tall = min(first.y1, second.y1) - max(first.y0, second.y0)
    return wide > TOLERANCE_PX and tall > TOLERANCE_PX


@pytest.mark.parametrize("case", list(AWKWARD))
def test_no_text_falls_outside_the_image(case: str) -> None:
    drawn, page = _drawn(AWKWARD[case])
    outside = [
        item.text
        for item in drawn
        if item.box.x0 < page.x0 - TOLERANCE_PX
        or item.box.y0 < page.y0 - TOLERANCE_PX
        or item.box.x1 > page.x1 + TOLERANCE_PX
        or item.box.y1 > page.y1 + TOLERANCE_PX
    ]
    assert outside == []


@pytest.mark.parametrize("case", list(AWKWARD))
def test_no_two_texts_overlap(case: str) -> None:
    drawn, _ = _drawn(AWKWARD[case])
    clashes = [(one.text, two.text) for one, two in combinations(drawn, 2) if _overlap(one.box, two.box)]
    assert clashes == []


def _texts(spec: ChartSpec) -> list[str]:
    drawn, _ = _drawn(spec)
    return [item.text for item in drawn]


def test_every_word_of_a_long_title_subtitle_and_source_is_drawn() -> None:
    spec = AWKWARD["13 lines ending within 1%"]
    words = " ".join(_texts(spec)).split()
    for text in (spec.title, spec.subtitle, spec.source):
        assert " ".join(text.split()) in " ".join(words)


def test_every_line_is_labelled_at_its_end_with_its_last_figure() -> None:
    texts = " ".join(_texts(AWKWARD["13 lines ending within 1%"])).replace("\n", " ")
    for index, name in enumerate(NEIGHBOURS):
        assert f"{51.5 + index * 0.04:.1f}%" in texts
        assert " ".join(name.split()[:3]) in texts


def _x_tick_texts(spec: ChartSpec) -> list[str]:
    figure = build_figure(spec)
    _renderer(figure)
    return [label.get_text() for label in _drawn_tick_labels(figure.axes[0].xaxis) if label.get_text()]


def test_period_ticks_are_short_and_the_latest_is_always_shown() -> None:
    neet = _x_tick_texts(AWKWARD["NEET winter ranges"])
    assert neet[-1].replace("\n", " ") in {"Dec 2024 to Feb 2025", "Dec 2024-Feb 2025"}
    assert all(" to 28 Feb" not in tick for tick in neet)
    years = _x_tick_texts(AWKWARD["13 lines ending within 1%"])
    assert years[-1] == "2024/25" and all(len(tick) == 7 for tick in years)
    snapshots = _x_tick_texts(AWKWARD["long turn the curve"])
    assert snapshots[-1] == "Mar 2025" and "31 Mar 2025" not in snapshots


def test_the_x_axis_spans_the_data_drawn() -> None:
    figure = build_figure(AWKWARD["13 lines ending within 1%"])
    low, high = figure.axes[0].get_xlim()
    first, last = date(2013, 3, 31).toordinal(), date(2025, 3, 31).toordinal()
    assert first - 0.05 * (last - first) <= low <= first
    assert last <= high <= last + 0.05 * (last - first)


def test_a_figure_keeps_the_precision_it_was_published_with() -> None:
    spec = TrendChart(
        "T",
        "S",
        (Series("Leeds", (Point(date(2013, 3, 31), "2013", 62.0, decimals=0),), focus=True),),
        ValueFormat("rate_per_10000", 1),
        "Src.",
    )
    assert "Leeds 62 per 10,000" in " ".join(_texts(spec)).replace("\n", " ")
    assert "62.0" not in " ".join(_texts(spec))


def _yearly(values: dict[int, float | None], name: str = "Leeds", focus: bool = True) -> Series:
    return Series(
        name,
        tuple(Point(date(year, 3, 31), str(year), value) for year, value in sorted(values.items())),
        focus=focus,
    )


def test_a_missing_year_is_a_gap_in_the_line_not_a_bridge() -> None:
    # 2016 and 2017 are not held: the line stops at 2015 and starts again at 2018.
    spec = TrendChart(
        "T", "S", (_yearly({2013: 40, 2014: 42, 2015: 44, 2018: 30, 2019: 31}),), ValueFormat("percent"), "Src."
    )
    line = next(line for line in build_figure(spec).axes[0].get_lines() if line.get_marker() == "o")
    xs, ys = line.get_xdata(), line.get_ydata()
    gap = [index for index, value in enumerate(ys) if math.isnan(value)]  # where the line breaks
    assert len(gap) == 1 and date(2015, 3, 31).toordinal() < xs[gap[0]] < date(2018, 3, 31).toordinal()
    even = TrendChart("T", "S", (_yearly({2013: 40, 2014: 42, 2015: 44}),), ValueFormat("percent"), "Src.")
    drawn = next(line for line in build_figure(even).axes[0].get_lines() if line.get_marker() == "o")
    assert len(drawn.get_ydata()) == 3  # every year held: nothing inserted


def test_end_labels_never_set_different_years_side_by_side() -> None:
    spec = TrendChart(
        "T",
        "S",
        (
            _yearly({2016: 34.7, 2017: 35.0, 2018: 36.0}),
            _yearly({2016: 50.0, 2017: 53.0}, name="Statistical neighbours", focus=False),
        ),
        ValueFormat("rate_per_10000", 1),
        "Src.",
    )
    texts = " ".join(_texts(spec)).replace("\n", " ")
    assert "Leeds 36.0 per 10,000" in texts and "(held to 2017)" in texts
    assert "53.0" not in texts  # the earlier year's figure is not set beside 2018's
