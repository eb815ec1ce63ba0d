"""Chart renderers: structure, alt text with values, identical bytes for identical input, the cache."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from matplotlib.patches import Rectangle

from charts.cache import ChartCache, content_key
from charts.render import build_figure, render
from charts.specs import (
    Bar,
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
from charts.style import DARK_BLUE, MUTED

PERCENT = ValueFormat("percent", 1)
RATE = ValueFormat("rate_per_10000")


def _years(values: list[float | None], first: int = 2013) -> tuple[Point, ...]:
    return tuple(Point(date(first + i, 3, 31), str(first + i), value) for i, value in enumerate(values))


TREND = TrendChart(
    title="Child protection plan rate in Leeds fell from 62 to 31 per 10,000, 2013 to 2018",
    subtitle="Children subject of a child protection plan per 10,000 children aged under 18",
    series=(
        Series("Leeds", _years([62, 47, 38, 35, 31, 31]), focus=True),
        Series("Statistical neighbours", _years([45, 53, 49, 50, 48, 53])),
        Series("England", _years([38, 42, 43, 43, 43, 45])),
        Series("Leeds: new measure", _years([30, 29], first=2019), focus=True),
    ),
    value_format=RATE,
    source="Source: Scrutiny Board report (6 Mar 2019). Latest period: 31 Mar 2018.",
    target=TargetLine(40, "Illustrative target"),
    breaks=(Marker(date(2019, 3, 31), "Definition changes"),),
)
COMPARISON = ComparisonChart(
    title="JESS had the highest NEET 16-18 of the 2 areas, 31 Mar 2013",
    subtitle="Young people aged 16-18 not in education, employment or training (%)",
    bars=(Bar("JESS", 9.9, highlight=True), Bar("BCM", 6.1)),
    value_format=PERCENT,
    source="Source: Inner South Area Committee report (19 Jun 2013), §3.5.1.",
    references=(Reference("Inner South", 8.6), Reference("Leeds", 5.5)),
)
CURVE = TurnTheCurveChart(
    title="The rate ended below its earlier trend",
    subtitle="Children in need per 10,000",
    actual=Series("Leeds", _years([410, 440, 390, 350, 370, 360]), focus=True),
    baseline_from=date(2013, 3, 31),
    baseline_to=date(2015, 3, 31),
    value_format=RATE,
    source="Source: test data.",
    children_per_unit=16.7673,
    projected_label="2013 to 2015 trend",
)
STATUS = StatusChart(
    title="Most recommendations were in theme 2",
    subtitle="By theme and route",
    themes=("1. Leadership", "2. Safeguarding"),
    statuses=("Improvement Board", "Other body", "Closed"),
    counts=((4, 3, 2), (10, 4, 6)),
    source="Source: Annex A.",
)
ALL = {"trend": TREND, "comparison": COMPARISON, "turn-the-curve": CURVE, "status": STATUS}


def _texts(spec: object) -> list[str]:
    figure = build_figure(spec)  # type: ignore[arg-type]
    texts = [text.get_text() for text in figure.texts]
    for axes in figure.axes:
        texts += [text.get_text() for text in axes.texts]
        texts += [label.get_text() for label in axes.get_xticklabels() + axes.get_yticklabels()]
    return texts


def test_trend_structure() -> None:
    figure = build_figure(TREND)
    axes = figure.axes[0]
    data_lines = [line for line in axes.get_lines() if len(line.get_xdata()) > 1 and line.get_marker() == "o"]
    assert len(data_lines) == 4
    assert data_lines[0].get_color() == DARK_BLUE
    assert list(data_lines[0].get_ydata()) == [62, 47, 38, 35, 31, 31]
    dashed = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
    dotted = [line for line in axes.get_lines() if line.get_linestyle() == ":"]
    assert [tuple(line.get_ydata()) for line in dashed] == [(40, 40)]
    assert len(dotted) == 1 and dotted[0].get_xdata()[0] == date(2019, 3, 31).toordinal()
    texts = _texts(TREND)
    assert "Leeds 31" in texts and "England 45" in texts and "Definition changes" in texts
    assert "Leeds: new measure\n29" in texts
    assert any(text.startswith("Target 40") for text in texts)
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
    assert sorted(line.get_xdata()[0] for line in reference_lines) == [5.5, 8.6]
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
    assert {"Improvement Board", "Other body", "Closed"} <= {t.get_text() for t in figure.axes[0].get_legend().texts}


@pytest.mark.parametrize(
    ("kind", "needles"),
    [
        (
            "trend",
            [
                "Line chart",
                "Leeds: 62 (2013), 47 (2014)",
                "England: 38 (2013)",
                "Target line at 40",
                "Definition changes from 31 Mar 2019",
            ],
        ),
        ("comparison", ["Bar chart", "JESS 9.9% (highlighted); BCM 6.1%", "Reference line: Inner South 8.6%"]),
        ("turn-the-curve", ["Leeds: 410 (2013)", "2013 to 2015"]),
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
