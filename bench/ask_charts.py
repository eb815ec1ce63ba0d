"""What charts add to answering, as a councillor's question meets them through `briefbot ask --chart-dir`:
20 chart questions in one fresh process with charts, minus the same 20 without, per chart. The process is
fresh each time, so importing matplotlib and the first figure count, as they do for the command line.

Timed in the child's CPU seconds (user + system): on a shared machine its wall clock also counts the time other
processes had the cores, which swamps a difference of milliseconds. On an idle machine the two agree."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.fixtures import seed_store
from bench.table import Result

CHART_QUESTIONS = [
    "NEET in JESS",
    "CP rate Leeds vs England",
    "compare neet across inner south",
    "trend CP rate Leeds",
    "cp plans jess since 2012",
    "LAC rate leeds vs statistical neighbours",
    "JESS vs BCM NEET",
    "referrals bcm",
    "CLA rate leeds 2016",
    "attendance leeds vs england",
    "NEET in BCM",
    "referrals jess",
    "looked after children leeds",
    "neet leeds vs england",
    "CLA rate leeds vs england",
    "CP rate leeds 2019",
    "referrals leeds",
    "care leavers leeds",
    "persistent absence leeds vs england",
    "CP plans leeds since 2015",
]
RUNS = 5
TARGET_MS = 40


def _briefbot() -> list[str]:
    script = Path(sys.executable).with_name("briefbot")
    return [str(script)] if script.is_file() else [sys.executable, "-c", "from bot.app.cli import main; main()"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ask_all(environment: dict[str, str], chart_dir: Path | None) -> tuple[float, int]:
    """Seconds for the whole process, and how many answers came with a chart."""
    command = [*_briefbot(), "ask", *(["--chart-dir", str(chart_dir)] if chart_dir else []), "-"]
    before = _children_cpu()
    finished = subprocess.run(
        command, input="\n".join(CHART_QUESTIONS), env=environment, capture_output=True, text=True, check=True
    )
    elapsed = _children_cpu() - before
    charts = sum(1 for line in finished.stdout.splitlines() if json.loads(line).get("chart"))
    return elapsed, charts


def measure(directory: Path, runs: int = RUNS) -> list[Result]:
    seed_store(directory).dispose()
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'seed.sqlite3'}",
        "BRIEFBOT_SEED": "0",
        "BRIEFBOT_CHART_CACHE_DIR": "",  # in memory only: every chart is drawn
    }
    per_chart: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(runs):
            without, _ = _ask_all(environment, None)
            with_charts, charted = _ask_all(environment, Path(scratch) / str(run))
            if charted != len(CHART_QUESTIONS):
                raise RuntimeError(f"only {charted} of {len(CHART_QUESTIONS)} bench questions drew a chart")
            per_chart.append((with_charts - without) * 1000 / len(CHART_QUESTIONS))
    ordered = sorted(per_chart)
    median = statistics.median(ordered)
    return [
        Result(
            "ask --chart-dir: per chart, 20 in one process, with minus without (CPU)",
            "sqlite",
            len(per_chart),
            median,
            ordered[-1],
            ordered[-1],
            f"median < {TARGET_MS} ms",
            median < TARGET_MS,
        )
    ]
