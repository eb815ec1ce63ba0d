"""Follow-ups in Slack threads, end to end: signed events over HTTP to the real Bolt app, answers read back from
the loopback Web API. A thread is its channel and root ts (a mention starts one, a mention in it carries its
thread_ts, as Slack's app_mention event reference shows); a DM outside threads is its channel. Figures: seed
report 000 §3.1.2 (JESS 149 at 31/3/13, 93 at 31/3/12) and §3.5.1 (BCM 6.1%, city 5.5% at 31/3/13)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.slack import FakeSlack, button_click, direct_message, mention, post_signed
from handlers.slack.app import EVENTS_PATH, build_app, slack_wsgi

SECRET = "test-signing-secret"
ROOT_TS = "1700001000.000100"


@dataclass
class Harness:
    fake: FakeSlack
    url: str

    def post(self, body: str, **options: Any) -> None:
        assert post_signed(self.url, body, SECRET, **options).status == 200

    def answers(self, channel: str, count: int) -> list[dict[str, Any]]:
        def posted() -> list[dict[str, Any]]:
            return [call for call in self.fake.to("chat.postMessage") if call.get("channel") == channel]

        assert self.fake.wait_for(lambda: len(posted()) >= count)
        return posted()


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    fake = FakeSlack()
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('slack-followups') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    app, _deps = build_app(conversation, token="xoxb-test", signing_secret=SECRET, base_url=fake.base_url)
    server = make_server(router({EVENTS_PATH: slack_wsgi(app)}, ready=bot.unready_reason), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Harness(fake, f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}")
    server.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def read_as(message: dict[str, Any]) -> str:
    """The "Read as" line of a posted answer, from its blocks (the context element)."""
    lines = [
        element["text"]
        for block in message["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
        if "Read as:" in element["text"]
    ]
    return lines[0].split("Read as: ", 1)[1]


def test_a_follow_up_in_the_thread_is_read_with_the_threads_last_question(slack: Harness) -> None:
    slack.post(mention("Ev-fu-1", "CP plans JESS", channel="C-fu", ts=ROOT_TS))
    first = slack.answers("C-fu", 1)[0]
    assert first["thread_ts"] == ROOT_TS and first["text"].startswith("Child protection plans, JESS cluster: 149")

    slack.post(mention("Ev-fu-2", "and at 31/3/12?", channel="C-fu", ts="1700001010.000100", thread_ts=ROOT_TS))
    second = slack.answers("C-fu", 2)[1]
    assert second["thread_ts"] == ROOT_TS
    assert second["text"].startswith("Child protection plans, JESS cluster: 93 at 31 Mar 2012.")
    assert read_as(second) == (
        "Child protection plans (number), JESS cluster, 31 Mar 2012 (measure and place from your last question)"
    )

    slack.post(mention("Ev-fu-3", "what about bcm?", channel="C-fu", ts="1700001020.000100", thread_ts=ROOT_TS))
    third = slack.answers("C-fu", 3)[2]
    assert third["text"].startswith(
        "Child protection plans, Beeston, Cottingley and Middleton cluster: 59 at 31 Mar 2012"
    )
    assert read_as(third).endswith("(measure and period from your last question)")


def test_a_follow_up_in_another_thread_is_told_what_it_lacks(slack: Harness) -> None:
    slack.post(mention("Ev-other-1", "NEET in JESS", channel="C-other", ts="1700002000.000100"))
    slack.answers("C-other", 1)
    # A new top-level mention in the same channel starts a thread of its own.
    slack.post(
        mention("Ev-other-2", "and how does that compare to england?", channel="C-other", ts="1700002100.000100")
    )
    reply = slack.answers("C-other", 2)[1]
    assert reply["thread_ts"] == "1700002100.000100"
    assert reply["text"].startswith("Which figure and place do you mean by “and how does that compare to england?”?")
    assert "There is no earlier question in this thread" in reply["text"]


def test_a_direct_message_follows_on_from_the_last_one(slack: Harness) -> None:
    slack.post(direct_message("Ev-dm-1", "neet in bcm", channel="D-fu", ts="1700003000.000100"))
    assert slack.answers("D-fu", 1)[0]["text"].startswith(
        "NEET 16-18 (%), Beeston, Cottingley and Middleton cluster: 6.1%"
    )
    slack.post(
        direct_message("Ev-dm-2", "how does that compare with the city?", channel="D-fu", ts="1700003010.000100")
    )
    reply = slack.answers("D-fu", 2)[1]
    assert "thread_ts" not in reply or reply["thread_ts"] is None
    assert reply["text"].startswith(
        "NEET 16-18 (%) at 31 Mar 2013: Beeston, Cottingley and Middleton cluster 6.1%; Leeds 5.5%."
    )
    assert read_as(reply).endswith("vs Leeds (measure and place from your last question)")


def test_a_button_pressed_in_a_thread_becomes_its_last_question(slack: Harness) -> None:
    root = "1700004000.000100"
    slack.post(mention("Ev-btn-1", "NEET in JESS", channel="C-btn", ts=root))
    slack.answers("C-btn", 1)
    click = button_click("cp plans jess", channel="C-btn", message_ts="1700004000.000200", thread_ts=root)
    slack.post(click, content_type="application/x-www-form-urlencoded")
    assert slack.answers("C-btn", 2)[1]["text"].startswith("Child protection plans, JESS cluster: 149")
    slack.post(mention("Ev-btn-2", "and in bcm", channel="C-btn", ts="1700004010.000100", thread_ts=root))
    assert slack.answers("C-btn", 3)[2]["text"].startswith(
        "Child protection plans, Beeston, Cottingley and Middleton cluster: 52 at 31 Mar 2013"
    )
