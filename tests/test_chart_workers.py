"""The chart worker pool survives a killed worker and a hung render."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from charts.cache import ChartTimeout, ProcessRenderer
from charts.examples import TREND
from charts.render import RenderedChart, render
from charts.specs import ChartSpec


def hang_on_request(spec: ChartSpec) -> RenderedChart:
    """Draws normally, except a chart titled "hang", which never finishes."""
    if spec.title == "hang":
        time.sleep(3600)
    return render(spec)


@pytest.fixture
def renderer() -> Iterator[ProcessRenderer]:
    workers = ProcessRenderer(workers=1, timeout=3, draw=hang_on_request)
    workers.start()
    yield workers
    workers.shutdown()


def test_a_killed_worker_is_replaced_and_charts_carry_on(renderer: ProcessRenderer) -> None:
    for process in list(renderer.pool._processes.values()):
        process.kill()
        process.join(5)
    chart = renderer(TREND)
    assert chart.png.startswith(b"\x89PNG") and renderer.restarts == 1
    assert renderer(TREND).png.startswith(b"\x89PNG") and renderer.alive()


def test_a_hung_render_times_out_and_the_next_chart_is_drawn(renderer: ProcessRenderer) -> None:
    from dataclasses import replace

    started = time.monotonic()
    with pytest.raises(ChartTimeout):
        renderer(replace(TREND, title="hang"))
    assert time.monotonic() - started < 10
    assert renderer(TREND).png.startswith(b"\x89PNG") and renderer.restarts == 1
