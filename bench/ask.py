"""Questions answered in a warm process on the seed store: parse and answer, no chart."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from bench.fixtures import seed_store
from bench.table import Result, summarise, time_calls
from bot.briefbot import Briefbot

MIXED = [
    "NEET in JESS",
    "CP plans Beeston",
    "CP rate Leeds vs England",
    "kids in care jess",
    "neeet in jess",
    "compare neet across inner south",
    "trend CP rate Leeds",
    "what do we know about JESS?",
    "CP plans Middleton Park",
    "requests for service jess 2011/12",
    "cp plans jess since 2012",
    "help",
    "banana",
    "<@U0123> cp plans jess",
    "LAC rate leeds vs statistical neighbours",
    "JESS vs BCM NEET",
    "referrals bcm",
    "caseload",
    "neet target",
    "tell me about Middleton Park",
]


def measure(directory: Path, runs: int = 1000) -> list[Result]:
    engine = seed_store(directory)
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22), strict=True)
    rng = random.Random(3)
    questions = [rng.choice(MIXED) for _ in range(runs + 100)]
    timings = time_calls(lambda index: bot.ask(questions[index]), runs, warmup=100)
    engine.dispose()
    return [summarise("ask: parse and answer, no chart (seed store)", "sqlite", timings, median_under=5, p99_under=20)]
