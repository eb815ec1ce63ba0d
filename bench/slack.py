"""Slack on loopback: 20 concurrent mentions, one per channel and then over 5 channels (Slack allows about a message
a second per channel, with short bursts).

Measures the acknowledgement (the HTTP response to Slack) and the time until the answer and its chart have
both been posted to the fake Web API.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from bench.fixtures import seed_store
from bench.table import Result, summarise
from bot.app.slack_app import build_slack
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from charts.cache import ChartCache, ProcessRenderer
from fakes.slack import FakeSlack, mention, post_signed
from handlers.slack.app import EVENTS_PATH, slack_wsgi

SECRET = "bench-secret"
QUESTIONS = [
    "NEET in JESS",
    "CP plans BCM",
    "CP rate Leeds vs England",
    "trend CP rate Leeds",
    "compare NEET across Inner South",
]


def measure(directory: Path, mentions: int = 20, shared_channels: int = 5) -> list[Result]:
    engine = seed_store(directory)
    fake = FakeSlack()
    renderer = ProcessRenderer(workers=1)
    renderer.start()
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22), charts=ChartCache(renderer=renderer))
    conversation = Conversation(bot)
    app, _deps = build_slack(conversation, token="xoxb-bench", signing_secret=SECRET, base_url=fake.base_url)
    application = router({EVENTS_PATH: slack_wsgi(app)}, ready=bot.unready_reason, arrivals=conversation.arrivals)
    server = make_server(application, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}"
    try:
        run = time.time_ns()  # events are remembered in the store, so every run needs fresh ids
        post_signed(url, mention(f"warm-{run}", "help", channel="C-warm", ts=f"{run}.1"), SECRET)
        fake.wait_for(lambda: bool(fake.to("chat.postMessage")))
        acks, delivered = _round(url, fake, mentions, run, channels=mentions)
        time.sleep(2)  # let the warm-up's buckets refill: the second round starts from rest
        shared_acks, shared = _round(url, fake, mentions, run + 1, channels=shared_channels)
    finally:
        server.close()
        conversation.shutdown()
        renderer.shutdown()
        fake.stop()
        engine.dispose()
    return [
        summarise(f"slack: acknowledgement, {mentions} concurrent mentions", "loopback", acks, p99_under=100),
        summarise(f"slack: answer and chart posted, {mentions} concurrent", "loopback", delivered, p95_under=1500),
        summarise(
            f"slack: acknowledgement, {mentions} over {shared_channels} channels",
            "loopback",
            shared_acks,
            p99_under=100,
        ),
        summarise(
            f"slack: answer and chart posted, {mentions} over {shared_channels} channels",
            "loopback",
            shared,
            p95_under=1500,
        ),
    ]


def _round(url: str, fake: FakeSlack, mentions: int, run: int, *, channels: int) -> tuple[list[float], list[float]]:
    """Acknowledgement times, and for each mention the time until its chart landed in its thread."""
    started: dict[str, float] = {}

    def send(index: int) -> float:
        thread = f"{run}.{index:06d}"
        body = mention(
            f"Ev-bench-{run}-{index}",
            QUESTIONS[index % len(QUESTIONS)],
            channel=f"C-bench-{run}-{index % channels}",
            ts=thread,
        )
        started[thread] = time.monotonic()
        return post_signed(url, body, SECRET).seconds * 1000

    with ThreadPoolExecutor(max_workers=mentions) as pool:
        acks = list(pool.map(send, range(mentions)))
    fake.wait_for(lambda: len(_finished(fake, run)) >= mentions, timeout=30)
    finished = _finished(fake, run)
    # A delivery that never finished counts as the whole wait, so it cannot flatter the figures.
    delivered = [(finished.get(thread, time.monotonic()) - began) * 1000 for thread, began in started.items()]
    return acks, delivered


def _finished(fake: FakeSlack, run: int) -> dict[str, float]:
    """When each thread's chart upload completed, by thread."""
    with fake._lock:
        return {
            str(call.params.get("thread_ts")): call.at
            for call in fake.calls
            if call.method == "files.completeUploadExternal"
            and str(call.params.get("channel_id", "")).startswith(f"C-bench-{run}-")
        }
