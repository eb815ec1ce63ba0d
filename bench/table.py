"""Timing helpers and the results table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    backend: str
    runs: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    target: str
    passed: bool | None

    def row(self) -> list[str]:
        verdict = {True: "ok", False: "MISSED", None: "-"}[self.passed]
        return [
            self.name,
            self.backend,
            f"{self.runs:,}",
            f"{self.median_ms:.3f}",
            f"{self.p95_ms:.3f}",
            f"{self.p99_ms:.3f}",
            self.target,
            verdict,
        ]


def time_calls(call: Callable[[int], object], runs: int, warmup: int = 50) -> list[float]:
    """Milliseconds for each of `runs` calls; call(i) gets the run number so inputs can vary."""
    for index in range(warmup):
        call(index)
    timings: list[float] = []
    for index in range(runs):
        started = time.perf_counter()
        call(index)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def summarise(
    name: str,
    backend: str,
    timings: list[float],
    *,
    median_under: float | None = None,
    p95_under: float | None = None,
    p99_under: float | None = None,
) -> Result:
    ordered = sorted(timings)
    median = statistics.median(ordered)
    p95, p99 = _percentile(ordered, 0.95), _percentile(ordered, 0.99)
    checks: list[bool] = []
    targets: list[str] = []
    if median_under is not None:
        checks.append(median < median_under)
        targets.append(f"median < {median_under:g} ms")
    if p95_under is not None:
        checks.append(p95 < p95_under)
        targets.append(f"p95 < {p95_under:g} ms")
    if p99_under is not None:
        checks.append(p99 < p99_under)
        targets.append(f"p99 < {p99_under:g} ms")
    return Result(
        name, backend, len(timings), median, p95, p99, ", ".join(targets) or "-", all(checks) if checks else None
    )


def render(results: list[Result]) -> str:
    header = ["benchmark", "backend", "runs", "median ms", "p95 ms", "p99 ms", "target", "result"]
    rows = [header, *(result.row() for result in results)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)
