"""Chart workers survive a killed worker and a hung render; the disk cache is private and bounded; so is the store."""

from __future__ import annotations

import stat
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from charts.cache import ChartCache, ChartTimeout, ProcessRenderer, content_key
from charts.examples import TREND
from charts.render import RenderedChart, render
from charts.specs import ChartSpec
from data import db


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
    started = time.monotonic()
    with pytest.raises(ChartTimeout):
        renderer(replace(TREND, title="hang"))
    assert time.monotonic() - started < 10
    assert renderer(TREND).png.startswith(b"\x89PNG") and renderer.restarts == 1


def test_the_disk_cache_is_private_and_bounded(tmp_path: Path) -> None:
    cache = ChartCache(directory=tmp_path / "charts", max_disk_items=3)
    for index in range(5):
        cache.render(replace(TREND, title=f"chart {index}"))
        time.sleep(0.01)  # distinct last-use times
    assert stat.S_IMODE((tmp_path / "charts").stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "charts").iterdir()} == {0o600}
    assert cache.evict() == 2
    left = sorted(path.name for path in (tmp_path / "charts").glob("*.png"))
    assert len(left) == 3 and len(list((tmp_path / "charts").glob("*.txt"))) == 3
    assert content_key(replace(TREND, title="chart 4")) + ".png" in left  # the newest kept


def test_a_new_embedded_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private" / "store.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("create table t (x int)")
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
