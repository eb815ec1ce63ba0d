"""Chart rendering: each kind uncached, and a cached repeat."""

from __future__ import annotations

from dataclasses import replace

from bench.table import Result, summarise, time_calls
from charts.cache import ChartCache
from charts.examples import ALL
from charts.render import render
from charts.specs import ChartSpec


def _variant(spec: ChartSpec, index: int) -> ChartSpec:
    # A different title each time, so nothing can be reused between renders by accident.
    return replace(spec, title=f"{spec.title} ({index})")


def measure(runs: int = 60) -> list[Result]:
    results = []
    for kind, spec in ALL.items():

        def uncached(index: int, spec: ChartSpec = spec) -> object:
            return render(_variant(spec, index))

        timings = time_calls(uncached, runs, warmup=5)
        results.append(summarise(f"chart: {kind}, uncached", "-", timings, median_under=30))
    cache = ChartCache()
    for spec in ALL.values():
        cache.render(spec)
    specs = list(ALL.values())
    timings = time_calls(lambda index: cache.render(specs[index % len(specs)]), 2000, warmup=10)
    results.append(summarise("chart: any kind, cached", "-", timings, median_under=1))
    return results
