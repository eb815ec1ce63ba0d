"""Follow-ups in Slack threads, end to end: signed events over HTTP to the real Bolt app, answers read back from
the loopback Web API. A thread is its channel and root ts (a mention starts one, a mention in it carries its
thread_ts, as Slack's app_mention event reference shows); a DM outside threads is its channel. Figures: seed
report 000 §3.1.2 (JESS 149 at 31/3/13, 93 at 31/3/12) and §3.5.1 (BCM 6.1%, city 5.5% at 31/3/13)."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.slack import button_click, direct_message, mention
from tests.support.slack_harness import Harness

ROOT_TS = "1700001000.000100"


@pytest.fixture
def chat(slack: Harness) -> Harness:
    """The Bolt app over HTTP with a fake Slack, as test_slack.py serves it."""
    return slack


def answers(chat: Harness, channel: str, count: int) -> list[dict[str, Any]]:
    """The answers posted to a channel, once there are `count` of them."""
    assert chat.fake.wait_for(lambda: len(chat.messages(channel)) >= count)
    return chat.messages(channel)


def ask(chat: Harness, body: str, **options: Any) -> None:
    assert chat.post(body, **options).status == 200


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


def test_a_follow_up_in_the_thread_is_read_with_the_threads_last_question(chat: Harness) -> None:
    ask(chat, mention("Ev-fu-1", "CP plans JESS", channel="C-fu", ts=ROOT_TS))
    first = answers(chat, "C-fu", 1)[0]
    assert first["thread_ts"] == ROOT_TS and first["text"].startswith("Child protection plans, JESS cluster: 149")

    ask(chat, mention("Ev-fu-2", "and at 31/3/12?", channel="C-fu", ts="1700001010.000100", thread_ts=ROOT_TS))
    second = answers(chat, "C-fu", 2)[1]
    assert second["thread_ts"] == ROOT_TS
    assert second["text"].startswith("Child protection plans, JESS cluster: 93 at 31 Mar 2012.")
    assert read_as(second) == (
        "Child protection plans (number), JESS cluster, 31 Mar 2012 (measure and place from your last question)"
    )

    ask(chat, mention("Ev-fu-3", "what about bcm?", channel="C-fu", ts="1700001020.000100", thread_ts=ROOT_TS))
    third = answers(chat, "C-fu", 3)[2]
    assert third["text"].startswith(
        "Child protection plans, Beeston, Cottingley and Middleton cluster: 59 at 31 Mar 2012"
    )
    assert read_as(third).endswith("(measure and period from your last question)")


def test_a_follow_up_in_another_thread_is_told_what_it_lacks(chat: Harness) -> None:
    ask(chat, mention("Ev-other-1", "NEET in JESS", channel="C-other", ts="1700002000.000100"))
    answers(chat, "C-other", 1)
    # A new top-level mention in the same channel starts a thread of its own.
    ask(chat, mention("Ev-other-2", "and how does that compare to england?", channel="C-other", ts="1700002100.000100"))
    reply = answers(chat, "C-other", 2)[1]
    assert reply["thread_ts"] == "1700002100.000100"
    assert reply["text"].startswith("Which figure and place do you mean by “and how does that compare to england?”?")
    assert "There is no earlier question in this thread" in reply["text"]


def test_a_direct_message_follows_on_from_the_last_one(chat: Harness) -> None:
    ask(chat, direct_message("Ev-dm-1", "neet in bcm", channel="D-fu", ts="1700003000.000100"))
    assert answers(chat, "D-fu", 1)[0]["text"].startswith(
        "NEET 16-18 (%), Beeston, Cottingley and Middleton cluster: 6.1%"
    )
    ask(chat, direct_message("Ev-dm-2", "how does that compare with the city?", channel="D-fu", ts="1700003010.000100"))
    reply = answers(chat, "D-fu", 2)[1]
    assert "thread_ts" not in reply or reply["thread_ts"] is None
    assert reply["text"].startswith(
        "NEET 16-18 (%) at 31 Mar 2013: Beeston, Cottingley and Middleton cluster 6.1%; Leeds 5.5%."
    )
    assert read_as(reply).endswith("vs Leeds (measure and place from your last question)")


def test_a_button_pressed_in_a_thread_becomes_its_last_question(chat: Harness) -> None:
    root = "1700004000.000100"
    ask(chat, mention("Ev-btn-1", "NEET in JESS", channel="C-btn", ts=root))
    answers(chat, "C-btn", 1)
    click = button_click("cp plans jess", channel="C-btn", message_ts="1700004000.000200", thread_ts=root)
    ask(chat, click, content_type="application/x-www-form-urlencoded")
    assert answers(chat, "C-btn", 2)[1]["text"].startswith("Child protection plans, JESS cluster: 149")
    ask(chat, mention("Ev-btn-2", "and in bcm", channel="C-btn", ts="1700004010.000100", thread_ts=root))
    assert answers(chat, "C-btn", 3)[2]["text"].startswith(
        "Child protection plans, Beeston, Cottingley and Middleton cluster: 52 at 31 Mar 2013"
    )
