"""Teams on loopback: 20 concurrent messages, each in a chat of its own and then as mentions over 5 channels, in
production mode (every request carries a Bot Framework JWT that is checked; replies fetch a connector token).

Measures the acknowledgement (the HTTP response to the Bot Framework) and the time until the answer's card
carries its chart (the card updated in place, or the chart sent after it) at the fake Bot Connector.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from bench.fixtures import seed_store
from bench.slack import QUESTIONS
from bench.table import Result, summarise
from bot.app.teams_app import build_teams
from bot.app.teams_settings import TeamsSettings
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from charts.cache import ChartCache, ProcessRenderer
from fakes.teams import (
    BOT_ID,
    FakeConnector,
    bot_framework_token,
    channel_mention,
    jwk,
    personal_message,
    post_activity,
    signing_key,
)

KID = "bench-key"
# The Bot Framework waits 15 s for the acknowledgement (Slack: 3 s): this target catches a stall (a key fetch,
# a blocked store, an answer held in the request), not the jitter of answers drawn on the same two cores.
ACK_P99_MS = 1000


def measure(directory: Path, messages: int = 20, shared_channels: int = 5) -> list[Result]:
    engine = seed_store(directory)
    fake = FakeConnector()
    key = signing_key()
    fake.jwks = {"keys": [jwk(key, KID)]}
    renderer = ProcessRenderer(workers=1)
    renderer.start()
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22), charts=ChartCache(renderer=renderer))
    conversation = Conversation(bot)
    settings = TeamsSettings(
        app_id=BOT_ID, app_password="bench-secret", jwks_url=fake.jwks_url, token_url=fake.token_url
    )
    route = build_teams(conversation, settings)
    application = router({route.path: route.application}, ready=bot.unready_reason, arrivals=conversation.arrivals)
    server = make_server(application, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    sender = _Sender(f"http://127.0.0.1:{server.effective_port}{route.path}", fake, key)
    try:
        run = time.time_ns()  # activities are remembered in the store, so every run needs fresh ids
        sender.warm_up(run)
        acks, delivered = sender.round(run, messages, channels=None)
        time.sleep(2)  # let the warm-up's buckets refill: the second round starts from rest
        shared_acks, shared = sender.round(run + 1, messages, channels=shared_channels)
    finally:
        server.close()
        route.officers.shutdown()
        conversation.shutdown()
        renderer.shutdown()
        fake.stop()
        engine.dispose()
    over = f"{messages} over {shared_channels} channels"
    return [
        summarise(f"teams: acknowledgement, {messages} concurrent chats", "loopback", acks, p99_under=ACK_P99_MS),
        summarise(f"teams: answer and chart posted, {messages} concurrent", "loopback", delivered, p95_under=1500),
        summarise(f"teams: acknowledgement, {over}", "loopback", shared_acks, p99_under=ACK_P99_MS),
        summarise(f"teams: answer and chart posted, {over}", "loopback", shared, p95_under=1500),
    ]


class _Sender:
    def __init__(self, url: str, fake: FakeConnector, key: RSAPrivateKey) -> None:
        self.url = url
        self.fake = fake
        self.key = key

    def post(self, activity: dict[str, Any]) -> float:
        """Milliseconds until the endpoint answered (its 200 is the acknowledgement)."""
        token = bot_framework_token(self.key, KID, BOT_ID, self.fake.service_url)
        started = time.monotonic()
        status, _ = post_activity(self.url, activity, token)
        if status != 200:
            raise RuntimeError(f"the Teams endpoint answered {status}")
        return (time.monotonic() - started) * 1000

    def warm_up(self, run: int) -> None:
        chat = f"a:bench-warm-{run}"
        self.post(personal_message(f"warm-{run}", "NEET in JESS", self.fake.service_url, chat))
        self.fake.wait_for(lambda: bool(_charted(self.fake, chat)), timeout=30)

    def round(self, run: int, messages: int, *, channels: int | None) -> tuple[list[float], list[float]]:
        """Acknowledgement times, and for each message the time until its chart reached its conversation."""
        started: dict[str, float] = {}

        def send(index: int) -> float:
            question = QUESTIONS[index % len(QUESTIONS)]
            if channels is None:
                where = f"a:bench-{run}-{index}"
                activity = personal_message(f"m-{run}-{index}", question, self.fake.service_url, where)
            else:
                channel = f"19:bench-{run}-{index % channels}@thread.tacv2"
                activity = channel_mention(f"m-{run}-{index}", question, self.fake.service_url, channel)
                where = f"{channel};messageid=m-{run}-{index}"
            started[where] = time.monotonic()
            return self.post(activity)

        with ThreadPoolExecutor(max_workers=messages) as pool:
            acks = list(pool.map(send, range(messages)))
        marker = f"bench-{run}-"
        self.fake.wait_for(lambda: len(_charted(self.fake, marker)) >= messages, timeout=30)
        finished = _charted(self.fake, marker)
        # A delivery that never finished counts as the whole wait, so it cannot flatter the figures.
        delivered = [(finished.get(where, time.monotonic()) - began) * 1000 for where, began in started.items()]
        return acks, delivered


def _charted(fake: FakeConnector, marker: str) -> dict[str, float]:
    """When a chart first reached each conversation whose id holds `marker` (by conversation, thread included)."""
    found: dict[str, float] = {}
    for call in fake.sent():
        if marker in call.conversation and call.conversation not in found and _has_picture(call.body):
            found[call.conversation] = call.at
    return found


def _has_picture(activity: dict[str, Any]) -> bool:
    cards = [attachment.get("content") or {} for attachment in activity.get("attachments") or ()]
    return any(element.get("type") == "Image" for card in cards for element in card.get("body") or ())
