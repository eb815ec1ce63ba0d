"""Follow-ups in Teams, end to end: activities over HTTP to the real endpoint, cards read back from the loopback
Bot Connector (every activity refereed by Microsoft's Teams SDK models, tests/support/teams_oracle.py). A channel
reply chain is its conversation id with ";messageid=" and the root post's id, which Teams gives every message in the
chain (the root post's own id for the post itself); a personal chat is its conversation id. Figures: seed report 000
§3.1.2 (JESS 149 at 31/3/13, 93 at 31/3/12) and §3.5.1 (JESS 9.9%, BCM 6.1% at 31/3/13)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from bot.app.teams_app import build_teams
from bot.app.teams_settings import TeamsSettings
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.teams import FakeConnector, channel_mention, personal_message, post_activity, submit_action
from tests.handlers.teams.test_teams import card_of, texts


@dataclass
class Harness:
    fake: FakeConnector
    url: str

    def post(self, activity: dict[str, Any]) -> None:
        assert post_activity(self.url, activity)[0] == 200

    def cards(self, conversation: str, count: int) -> list[dict[str, Any]]:
        """The answers posted to exactly this conversation (a chart joining its card is a PUT, not counted)."""

        def posted() -> list[dict[str, Any]]:
            calls = self.fake.sent(conversation)
            return [card_of(call) for call in calls if call.method == "POST" and call.conversation == conversation]

        assert self.fake.wait_for(lambda: len(posted()) >= count)
        return posted()


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('teams-followups') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    fake = FakeConnector()
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    route = build_teams(conversation, TeamsSettings(app_id="28:briefbot-app-id", allow_unauthenticated=True))
    server = make_server(router({route.path: route.application}, ready=bot.unready_reason), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Harness(fake, f"http://127.0.0.1:{server.effective_port}{route.path}")
    server.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def read_as(card: dict[str, Any]) -> str:
    line = next(text for text in texts(card) if "Read as:" in text)
    return line.split("Read as: ", 1)[1]


def test_a_reply_in_the_chain_follows_on_and_a_new_post_does_not(teams: Harness) -> None:
    channel = "19:followups@thread.tacv2"
    chain = f"{channel};messageid=1700000100001"
    teams.post(channel_mention("1700000100001", "CP plans JESS", teams.fake.service_url, channel))
    assert texts(teams.cards(chain, 1)[0])[0].startswith("Child protection plans, JESS cluster: 149")

    reply = channel_mention("1700000100002", "and at 31/3/12?", teams.fake.service_url, channel, root="1700000100001")
    teams.post(reply)
    second = teams.cards(chain, 2)[1]
    assert texts(second)[0] == "Child protection plans, JESS cluster: 93 at 31 Mar 2012."
    assert read_as(second) == (
        "Child protection plans (number), JESS cluster, 31 Mar 2012 (measure and place from your last question)"
    )

    # A new post in the same channel is a reply chain of its own: nothing carried over.
    teams.post(channel_mention("1700000100003", "what about bcm?", teams.fake.service_url, channel))
    other = teams.cards(f"{channel};messageid=1700000100003", 1)[0]
    assert texts(other)[0] == "Which figure do you mean by “what about bcm?”?"


def test_a_button_in_a_chain_then_a_follow_up(teams: Harness) -> None:
    channel = "19:followups-button@thread.tacv2"
    chain = f"{channel};messageid=1700000200001"
    teams.post(channel_mention("1700000200001", "NEET in JESS", teams.fake.service_url, channel))
    teams.cards(chain, 1)
    conversation = {"id": chain, "conversationType": "channel"}
    teams.post(submit_action("1700000200002", "neet bcm", teams.fake.service_url, conversation, card_id="c-1"))
    assert texts(teams.cards(chain, 2)[1])[0].startswith("NEET 16-18 (%), Beeston, Cottingley and Middleton cluster")
    teams.post(channel_mention("1700000200003", "and jess?", teams.fake.service_url, channel, root="1700000200001"))
    assert texts(teams.cards(chain, 3)[2])[0].startswith("NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013")


def test_a_personal_chat_follows_on(teams: Harness) -> None:
    chat = "a:personal-followups"
    teams.post(personal_message("pf-1", "neet in jess", teams.fake.service_url, chat))
    teams.cards(chat, 1)
    teams.post(personal_message("pf-2", "what about beeston cottingley and middleton", teams.fake.service_url, chat))
    card = teams.cards(chat, 2)[1]
    assert texts(card)[0].startswith("NEET 16-18 (%), Beeston, Cottingley and Middleton cluster: 6.1% at 31 Mar 2013")
    assert read_as(card).endswith("(measure from your last question)")
