"""Follow-ups in Teams, end to end: activities over HTTP to the real endpoint, cards read back from the loopback
Bot Connector (every activity refereed by Microsoft's Teams SDK models, tests/support/teams_oracle.py). A channel
reply chain is its conversation id with ";messageid=" and the root post's id, which Teams gives every message in the
chain (the root post's own id for the post itself); a personal chat is its conversation id. Figures: seed report 000
§3.1.2 (JESS 149 at 31/3/13, 93 at 31/3/12) and §3.5.1 (JESS 9.9%, BCM 6.1% at 31/3/13)."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.teams import channel_mention, personal_message, submit_action
from tests.support.teams_harness import Harness, card_of, texts


@pytest.fixture
def chat(teams: Harness) -> Harness:
    """The Teams endpoint over HTTP with a fake connector, as test_teams.py serves it."""
    return teams


def ask(chat: Harness, activity: dict[str, Any]) -> None:
    assert chat.post(activity)[0] == 200


def cards(chat: Harness, conversation: str, count: int) -> list[dict[str, Any]]:
    """The answers posted to exactly this conversation (a chart joining its card is a PUT, not counted)."""

    def posted() -> list[dict[str, Any]]:
        calls = chat.fake.sent(conversation)
        return [card_of(call) for call in calls if call.method == "POST" and call.conversation == conversation]

    assert chat.fake.wait_for(lambda: len(posted()) >= count)
    return posted()


def read_as(card: dict[str, Any]) -> str:
    line = next(text for text in texts(card) if "Read as:" in text)
    return line.split("Read as: ", 1)[1]


def test_a_reply_in_the_chain_follows_on_and_a_new_post_does_not(chat: Harness) -> None:
    channel = "19:followups@thread.tacv2"
    chain = f"{channel};messageid=1700000100001"
    ask(chat, channel_mention("1700000100001", "CP plans JESS", chat.fake.service_url, channel))
    assert texts(cards(chat, chain, 1)[0])[0].startswith("Child protection plans, JESS cluster: 149")

    reply = channel_mention("1700000100002", "and at 31/3/12?", chat.fake.service_url, channel, root="1700000100001")
    ask(chat, reply)
    second = cards(chat, chain, 2)[1]
    assert texts(second)[0] == "Child protection plans, JESS cluster: 93 at 31 Mar 2012."
    assert read_as(second) == (
        "Child protection plans (number), JESS cluster, 31 Mar 2012 (measure and place from your last question)"
    )

    # A new post in the same channel is a reply chain of its own: nothing carried over.
    ask(chat, channel_mention("1700000100003", "what about bcm?", chat.fake.service_url, channel))
    other = cards(chat, f"{channel};messageid=1700000100003", 1)[0]
    assert texts(other)[0] == "Which figure do you mean by “what about bcm?”?"


def test_a_button_in_a_chain_then_a_follow_up(chat: Harness) -> None:
    channel = "19:followups-button@thread.tacv2"
    chain = f"{channel};messageid=1700000200001"
    ask(chat, channel_mention("1700000200001", "NEET in JESS", chat.fake.service_url, channel))
    cards(chat, chain, 1)
    conversation = {"id": chain, "conversationType": "channel"}
    ask(chat, submit_action("1700000200002", "neet bcm", chat.fake.service_url, conversation, card_id="c-1"))
    assert texts(cards(chat, chain, 2)[1])[0].startswith("NEET 16-18 (%), Beeston, Cottingley and Middleton cluster")
    ask(chat, channel_mention("1700000200003", "and jess?", chat.fake.service_url, channel, root="1700000200001"))
    assert texts(cards(chat, chain, 3)[2])[0].startswith("NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013")


def test_a_personal_chat_follows_on(chat: Harness) -> None:
    personal = "a:personal-followups"
    ask(chat, personal_message("pf-1", "neet in jess", chat.fake.service_url, personal))
    cards(chat, personal, 1)
    ask(chat, personal_message("pf-2", "what about beeston cottingley and middleton", chat.fake.service_url, personal))
    card = cards(chat, personal, 2)[1]
    assert texts(card)[0].startswith("NEET 16-18 (%), Beeston, Cottingley and Middleton cluster: 6.1% at 31 Mar 2013")
    assert read_as(card).endswith("(measure from your last question)")
