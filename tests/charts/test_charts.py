"""Chart renderers: structure, alt text with values, identical bytes for identical input, the cache."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from charts.cache import ChartCache, content_key
from charts.examples import ALL, COMPARISON, CURVE, STATUS, TREND
from charts.render import RenderedChart, build_figure, render
from charts.specs import ChartSpec
from charts.style import DARK_BLUE, MUTED


def _texts(spec: ChartSpec) -> list[str]:
    figure = build_figure(spec)
    texts = [text.get_text() for text in figure.texts]
    for axes in figure.axes:
        texts += [text.get_text() for text in axes.texts]
        texts += [label.get_text() for label in axes.get_xticklabels() + axes.get_yticklabels()]
    return texts


def _xs(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_xdata(), dtype=float)


def _ys(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=float)


def test_trend_structure() -> None:
    figure = build_figure(TREND)
    axes = figure.axes[0]
    data_lines = [line for line in axes.get_lines() if len(_xs(line)) > 1 and line.get_marker() == "o"]
    assert len(data_lines) == 4
    assert data_lines[0].get_color() == DARK_BLUE
    assert list(_ys(data_lines[0])) == [62, 47, 38, 35, 31, 31]
    dashed = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
    dotted = [line for line in axes.get_lines() if line.get_linestyle() == ":"]
    assert [tuple(_ys(line)) for line in dashed] == [(40, 40)]
    assert len(dotted) == 1 and _xs(dotted[0])[0] == date(2019, 3, 31).toordinal()
    texts = _texts(TREND)
    # Lines that stop before the last period say when they stop, with no figure beside the others' figures.
    assert "Leeds (held to 2018)" in texts and "England\n(held to 2018)" in texts, texts
    assert not any(text.endswith("per 10,000 (2018)") for text in texts)
    assert "Leeds: new measure\n29 per 10,000" in texts and "Definition changes" in texts
    assert "Target 40 per 10,000\nIllustrative target" in texts
    assert TREND.title in texts[0].replace("\n", " ")
    assert any("Source:" in text for text in texts)
    assert not axes.get_legend()


def test_comparison_structure() -> None:
    figure = build_figure(COMPARISON)
    axes = figure.axes[0]
    bars = [patch for patch in axes.patches if isinstance(patch, Rectangle)]
    widths = [bar.get_width() for bar in bars]
    colours = [bar.get_facecolor() for bar in bars]
    assert widths == [9.9, 6.1]
    from matplotlib.colors import to_rgba

    assert colours == [to_rgba(DARK_BLUE), to_rgba(MUTED)]
    reference_lines = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
    assert sorted(float(_xs(line)[0]) for line in reference_lines) == [5.5, 8.6]
    texts = _texts(COMPARISON)
    assert {"9.9%", "6.1%", "Inner South 8.6%", "Leeds 5.5%", "JESS", "BCM"} <= set(texts)


def test_turn_the_curve_states_the_gap_in_children() -> None:
    texts = _texts(CURVE)
    gap = next(text for text in texts if text.startswith("Gap at 2018"))
    assert "per 10,000" in gap and "fewer children" in gap
    figure = build_figure(CURVE)
    assert any(line.get_linestyle() == "--" for line in figure.axes[0].get_lines())
    assert figure.axes[0].collections, "the gap is shaded"


def test_status_structure() -> None:
    figure = build_figure(STATUS)
    heights = [patch.get_width() for patch in figure.axes[0].patches if isinstance(patch, Rectangle)]
    assert sorted(heights) == sorted([4.0, 10.0, 3.0, 4.0, 2.0, 6.0])
    legend = figure.axes[0].get_legend()
    assert legend is not None
    assert {"Improvement Board", "Other body", "Closed"} <= {t.get_text() for t in legend.texts}


@pytest.mark.parametrize(
    ("kind", "needles"),
    [
        (
            "trend",
            [
                "Line chart",
                "Leeds: 62 per 10,000 (2013), 47 per 10,000 (2014)",
                "England: 38 per 10,000 (2013)",
                "Target line at 40",
                "Definition changes from 31 Mar 2019",
            ],
        ),
        ("comparison", ["Bar chart", "JESS 9.9% (highlighted); BCM 6.1%", "Reference line: Inner South 8.6%"]),
        ("turn-the-curve", ["Leeds: 410 per 10,000 (2013)", "2013 to 2015"]),
        ("status", ["2. Safeguarding: Improvement Board 10, Other body 4, Closed 6"]),
    ],
)
def test_alt_text_says_what_the_chart_shows(kind: str, needles: list[str]) -> None:
    chart = render(ALL[kind])
    for needle in needles:
        assert needle in chart.alt_text
    assert ALL[kind].source in chart.alt_text


def test_identical_input_gives_identical_bytes() -> None:
    assert render(TREND).png == render(TREND).png
    assert render(TREND).png != render(COMPARISON).png


def test_phone_size_png() -> None:
    png = render(COMPARISON).png
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (800, 500)


def test_cache_by_content(tmp_path: Path) -> None:
    cache = ChartCache(max_items=2, directory=tmp_path)
    first = cache.render(TREND)
    assert cache.render(TREND) is first
    assert (tmp_path / f"{content_key(TREND)}.png").read_bytes() == first.png
    fresh = ChartCache(directory=tmp_path)
    assert fresh.render(TREND).png == first.png
    cache.render(COMPARISON)
    cache.render(STATUS)
    assert len(cache._memory) == 2


def test_every_kind_renders_to_a_directory_to_look_at(tmp_path: Path) -> None:
    out = Path(os.environ.get("BRIEFBOT_CHART_OUT", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    for kind, spec in ALL.items():
        chart = render(spec)
        (out / f"{kind}.png").write_bytes(chart.png)
        (out / f"{kind}.txt").write_text(chart.alt_text, encoding="utf-8")
        assert chart.png.startswith(b"\x89PNG") and len(chart.png) > 10_000


def test_reused_figures_leave_nothing_behind() -> None:
    first = render(TREND).png
    render(COMPARISON)
    render(replace(TREND, series=TREND.series[:1], target=None, breaks=()))
    assert render(TREND).png == first
    figure = build_figure(replace(TREND, series=TREND.series[:1], target=None, breaks=()))
    assert len([line for line in figure.axes[0].get_lines() if line.get_marker() == "o"]) == 1


def test_process_renderer_gives_the_same_bytes_and_concurrent_asks_render_once() -> None:
    from charts.cache import ProcessRenderer

    renderer = ProcessRenderer(workers=1)
    try:
        renderer.start()
        assert renderer(COMPARISON).png == render(COMPARISON).png
    finally:
        renderer.shutdown()
    calls: list[str] = []

    def counting(spec: ChartSpec) -> RenderedChart:
        calls.append(spec.title)
        return render(spec)

    cache = ChartCache(renderer=counting)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: cache.render(TREND), range(8)))
    assert calls == [TREND.title] and len({id(result) for result in results}) == 1


def test_line_end_labels_do_not_overlap_and_stay_in_the_plot() -> None:
    from charts.labels import spread

    values, heights = [29.0, 31.0, 45.0, 53.0], [5.0, 10.0, 10.0, 15.0]
    centres = spread(values, heights, ceiling=74.0)
    for below, above in zip(range(len(centres) - 1), range(1, len(centres)), strict=True):
        assert centres[above] - centres[below] >= (heights[below] + heights[above]) / 2 - 1e-9
    assert centres[-1] + heights[-1] / 2 <= 74.0
    assert spread([10.0, 50.0], [5.0, 5.0], ceiling=74.0) == [10.0, 50.0]  # far apart: left where they are


def test_labels_of_lines_ending_together_stack_between_floor_and_ceiling() -> None:
    from charts.labels import spread

    values, heights = [50.0 + index * 0.01 for index in range(13)], [16.0] * 13
    centres = spread(values, heights, ceiling=300.0, floor=80.0)
    assert centres[0] - 8.0 >= 80.0 - 1e-9 and centres[-1] + 8.0 <= 300.0 + 1e-9
    assert all(above - below >= 16.0 - 1e-9 for below, above in pairwise(centres))
    assert spread([0.0], [16.0], ceiling=300.0, floor=80.0) == [88.0]  # a line at the floor: label just above


@pytest.mark.parametrize(
    ("label", "when", "tick"),
    [
        ("2024/25", date(2025, 3, 31), "2024/25"),
        ("2025", date(2025, 12, 31), "2025"),
        ("31 Mar 2013", date(2013, 3, 31), "Mar 2013"),
        ("31/3/13", date(2013, 3, 31), "Mar 2013"),
        ("Jan-Mar 2013", date(2013, 3, 31), "Jan-Mar 2013"),
        ("1 Dec 2024 to 28 Feb 2025", date(2025, 2, 28), "Dec 2024 to\nFeb 2025"),
        ("1 Apr 2012 to 31 Mar 2013", date(2013, 3, 31), "2012/13"),
        ("1 Sep 2012 to 31 Aug 2013", date(2013, 8, 31), "2012/13"),
        ("1 Jan 2012 to 31 Dec 2012", date(2012, 12, 31), "2012"),
        ("1 Jan 2012 to 30 Jun 2012", date(2012, 6, 30), "Jan-Jun 2012"),
        ("summer 2010", date(2010, 8, 31), "summer 2010"),
        ("the six months to the end of August 2010", date(2010, 8, 31), "Aug 2010"),
    ],
)
def test_period_ticks_are_short(label: str, when: date, tick: str) -> None:
    from charts.periods import tick_label

    assert tick_label(label, when) == tick


def test_tick_labels_are_thinned_from_the_latest_back() -> None:
    from charts.periods import spaced

    assert spaced([0.0, 50.0, 100.0, 150.0], [40.0] * 4, gap=5.0) == [0, 1, 2, 3]
    assert spaced([0.0, 30.0, 60.0, 90.0, 120.0], [40.0] * 5, gap=5.0) == [0, 2, 4]
    assert spaced([0.0, 30.0, 60.0, 90.0], [40.0] * 4, gap=5.0) == [1, 3]  # the latest is always kept


def test_figures_keep_the_precision_they_were_published_with() -> None:
    from charts.specs import Bar, ComparisonChart, Point, Reference, Series, TrendChart, ValueFormat

    rate = ValueFormat("rate_per_10000", 1)
    points = (Point(date(2013, 3, 31), "2013", 62.0, decimals=0), Point(date(2014, 3, 31), "2014", 34.66))
    trend = TrendChart("T", "S", (Series("Leeds", points, focus=True),), rate, "Src.")
    assert "Leeds 34.7 per 10,000" in [text.replace("\n", " ") for text in _texts(trend)]
    assert "Leeds: 62 per 10,000 (2013), 34.7 per 10,000 (2014)" in render(trend).alt_text
    bars = ComparisonChart(
        "T",
        "S",
        (Bar("JESS", 149.0, True, decimals=0), Bar("BCM", 52.4)),
        rate,
        "Src.",
        references=(Reference("Leeds", 35.0, decimals=0),),
    )
    assert {"149 per 10,000", "52.4 per 10,000", "Leeds 35 per 10,000"} <= set(_texts(bars))
    assert "JESS 149 per 10,000 (highlighted); BCM 52.4 per 10,000" in render(bars).alt_text
