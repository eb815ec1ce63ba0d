"""Faults a real deployment meets, driven against the real `briefbot serve` process and the loopback Slack."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.messenger import RecordingMessenger
from bot.conversation.model import Destination, Inbound
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.relay import Relay
from fakes.slack import FakeSlack, mention, post_signed
from tests.conftest import POSTGRES_URL
from tests.support.serving import BRIEFBOT, free_port, wait_until_up

SECRET = "fault-secret"


class Deployment:
    """`briefbot serve` processes, one after another, on one store."""

    def __init__(self, fake: FakeSlack, store: Path) -> None:
        self.fake = fake
        self.store = store
        self.port = free_port()

    def start(self, grace: int, *, own_group: bool = False) -> subprocess.Popen[bytes]:
        environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "BRIEFBOT_"))},
            "DATABASE_URL": f"sqlite:///{self.store}",
            "SLACK_BOT_TOKEN": "xoxb-fault",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": self.fake.base_url,
            "PORT": str(self.port),
            "BRIEFBOT_SHUTDOWN_GRACE": str(grace),
            "BRIEFBOT_CHART_WORKERS": "1",
        }
        process = subprocess.Popen(
            [BRIEFBOT, "serve"],
            cwd=self.store.parent,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,
        )
        wait_until_up(self.port, process)
        return process

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    fake = FakeSlack()
    yield Deployment(fake, tmp_path / "store.sqlite3")
    fake.stop()


def _answered_threads(fake: FakeSlack) -> list[str]:
    return [str(call.get("thread_ts")) for call in fake.to("chat.postMessage") if call.get("thread_ts")]


def test_sigterm_right_after_a_burst_loses_nothing_and_answers_nothing_twice(deployment: Deployment) -> None:
    events = 50
    first = deployment.start(grace=0)
    run = time.time_ns()

    def send(index: int) -> int:
        body = mention(
            f"Ev-term-{run}-{index}", "CP plans JESS", channel=f"C-term-{index % 10}", ts=f"{run}.{index:06d}"
        )
        return post_signed(deployment.url(), body, SECRET).status

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(send, range(events)))
    first.send_signal(signal.SIGTERM)
    assert first.wait(60) == 0
    acknowledged = {f"{run}.{index:06d}" for index, status in enumerate(statuses) if status == 200}
    assert len(acknowledged) == events
    charts_by_first = len(deployment.fake.to("files.completeUploadExternal"))
    # With no grace at all, the first process hands back what it had not started.
    assert charts_by_first < events, "the first process finished everything: the hand-over was not exercised"

    second = deployment.start(grace=20)  # finishes what the first handed back
    try:
        assert deployment.fake.wait_for(lambda: acknowledged <= set(_answered_threads(deployment.fake)), timeout=60)
        time.sleep(1)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(60)
    answered = _answered_threads(deployment.fake)
    texts = [(call.get("thread_ts"), call.get("text", "")[:60]) for call in deployment.fake.to("chat.postMessage")]
    assert sorted(answered) == sorted(acknowledged), [t for t in texts if answered.count(str(t[0])) > 1]


def test_sigterm_to_the_whole_process_group_finishes_in_flight_answers_without_false_apologies(
    deployment: Deployment,
) -> None:
    """systemd's default KillMode and a terminal's Ctrl-C signal every process in the group, chart workers
    included: the replies in flight still go out once, with their charts, and nobody is told something failed."""
    events = 12
    server = deployment.start(grace=20, own_group=True)
    run = time.time_ns()

    def send(index: int) -> int:
        body = mention(f"Ev-pg-{run}-{index}", "CP rate Leeds vs England", channel=f"C-pg-{index}", ts=f"{run}.{index}")
        return post_signed(deployment.url(), body, SECRET).status

    with ThreadPoolExecutor(max_workers=events) as pool:
        statuses = list(pool.map(send, range(events)))
    assert statuses == [200] * events
    os.killpg(server.pid, signal.SIGTERM)
    output = server.communicate(timeout=60)[0].decode(errors="replace")
    assert server.returncode == 0, output[-2000:]
    texts = [str(call.get("text", "")) for call in deployment.fake.to("chat.postMessage")]
    assert not [text for text in texts if "Sorry" in text or "couldn't attach" in text], output[-2000:]
    answered = _answered_threads(deployment.fake)
    assert sorted(answered) == sorted(f"{run}.{index}" for index in range(events)), output[-2000:]
    assert len(deployment.fake.to("files.completeUploadExternal")) == events, output[-2000:]


@pytest.mark.postgres
def test_a_postgresql_outage_delays_answers_and_loses_none(tmp_path: Path) -> None:
    """PostgreSQL really unreachable (connections refused, open ones broken) while questions are in flight."""
    if not POSTGRES_URL:
        pytest.skip("BRIEFBOT_TEST_POSTGRES_URL is not set")
    url = make_url(POSTGRES_URL)
    relay = Relay(url.port or 5432, url.host or "127.0.0.1")
    relay.up()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    through_relay = url.set(host="127.0.0.1", port=relay.port).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = db.make_engine(through_relay.render_as_string(hide_password=False))
    try:
        prepare(engine, seed=True, official=False)
        bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
        conversation = Conversation(bot, pacer=TokenBucketPacer(rate=1000, burst=50), retry_delays=(0.5,) * 40)
        messenger = RecordingMessenger()
        conversation.add_messenger(messenger)
        questions = [f"q{index}" for index in range(10)]
        inbounds = [
            Inbound("test", "U1", "CP plans JESS", Destination("test", "C-outage", key), keys=(f"test:{key}",))
            for key in questions
        ]
        # Claimed while the store is up (what Slack's 200 waits for), then the store goes for three seconds.
        for inbound in inbounds[:5]:
            assert conversation.ledger.claim(inbound)
        relay.down()
        for inbound in inbounds[:5]:
            conversation._run(partial(conversation.respond, inbound), inbound.key)
        time.sleep(3)
        assert messenger.posts() == []  # nothing answered, nothing apologised, while it is down
        relay.up()
        for inbound in inbounds[5:]:
            assert conversation.submit(inbound) is not None
        assert messenger.wait_for(20, timeout=30)  # ten answers, ten charts
        conversation.shutdown()
        threads = sorted(sent.to.thread or "" for sent in messenger.sent if sent.action == "post")
        assert threads == sorted(questions)
        assert all(card.title.startswith("Child protection plans, JESS") for card in messenger.posts())
    finally:
        engine.dispose()
        relay.down()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
