"""Slack on loopback: 20 concurrent mentions (one per channel, since Slack allows a message a second per channel).

Measures the acknowledgement (the HTTP response to Slack) and the time until the answer and its chart have
both been posted to the fake Web API.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import waitress

from bench.fixtures import seed_store
from bench.table import Result, summarise
from bot.service import Briefbot
from charts.cache import ChartCache, ProcessRenderer
from fakes.slack import FakeSlack, mention, post_signed
from handlers.slack.app import build_app, wsgi_app

SECRET = "bench-secret"
QUESTIONS = [
    "NEET in JESS",
    "CP plans Beeston",
    "CP rate Leeds vs England",
    "trend CP rate Leeds",
    "compare NEET across Inner South",
]


def measure(directory: Path, mentions: int = 20) -> list[Result]:
    engine = seed_store(directory)
    fake = FakeSlack()
    renderer = ProcessRenderer(workers=1)
    renderer.start()
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22), charts=ChartCache(renderer=renderer))
    app, deps = build_app(bot, token="xoxb-bench", signing_secret=SECRET, base_url=fake.base_url)
    server = waitress.create_server(wsgi_app(app), host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    try:
        run = time.time_ns()  # events are remembered in the store, so every run needs fresh ids
        post_signed(url, mention(f"warm-{run}", "help", channel="C-warm", ts=f"{run}.1"), SECRET)
        fake.wait_for(lambda: bool(fake.to("chat.postMessage")))
        acks, delivered = _round(url, fake, mentions, run)
    finally:
        server.close()
        deps.deliverer.shutdown()
        renderer.shutdown()
        fake.stop()
        engine.dispose()
    return [
        summarise(f"slack: acknowledgement, {mentions} concurrent mentions", "loopback", acks, p99_under=100),
        summarise(f"slack: answer and chart posted, {mentions} concurrent", "loopback", delivered, p95_under=1500),
    ]


def _round(url: str, fake: FakeSlack, mentions: int, run: int) -> tuple[list[float], list[float]]:
    started: dict[str, float] = {}

    def send(index: int) -> float:
        channel = f"C-bench-{index}"
        body = mention(
            f"Ev-bench-{run}-{index}",
            QUESTIONS[index % len(QUESTIONS)],
            channel=channel,
            ts=f"{run}.{index:06d}",
        )
        started[channel] = time.monotonic()
        return post_signed(url, body, SECRET).seconds * 1000

    with ThreadPoolExecutor(max_workers=mentions) as pool:
        acks = list(pool.map(send, range(mentions)))
    fake.wait_for(lambda: len(_finished(fake)) >= mentions, timeout=30)
    finished = _finished(fake)
    # A delivery that never finished counts as the whole wait, so it cannot flatter the figures.
    delivered = [(finished.get(channel, time.monotonic()) - began) * 1000 for channel, began in started.items()]
    return acks, delivered


def _finished(fake: FakeSlack) -> dict[str, float]:
    with fake._lock:
        return {
            str(call.params.get("channel_id")): call.at
            for call in fake.calls
            if call.method == "files.completeUploadExternal"
            and str(call.params.get("channel_id", "")).startswith("C-bench-")
        }
