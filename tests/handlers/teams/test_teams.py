"""The real Teams endpoint, driven over HTTP (our router and waitress), against a loopback Bot Connector.

Every activity posted, every request the bot sends the connector and every invoke answer is refereed by Microsoft's
Teams SDK models (tests/support/teams_oracle.py, for every test); every card is also checked here against Microsoft's
Adaptive Card 1.5 schema, the SDK's card models and Teams' size limit."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.cards import card_for
from bot.conversation.model import Destination
from data.chat import committees, conversations
from data.models import AuditLog
from fakes.teams import (
    bot_added,
    bot_removed,
    channel_mention,
    channel_message,
    execute,
    execute_action,
    installation_update,
    personal_message,
    submit_action,
)
from handlers.teams.cards import MESSAGE_LIMIT, adaptive_card, counted_size, message
from handlers.teams.connector import ConversationGone
from handlers.teams.messenger import UnknownConversation
from handlers.teams.officers import MESSAGE_TYPE
from tests.support.teams_harness import ADMIN, Harness, card_of, of_type, texts
from tests.support.teams_oracle import check_card


def test_a_channel_mention_gets_a_threaded_card_with_the_chart(teams: Harness) -> None:
    channel = "19:mention@thread.tacv2"
    status, _ = teams.post(channel_mention("1700000000001", "NEET in JESS", teams.fake.service_url, channel))
    assert status == 200
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(channel)) >= 2)
    first, second = teams.fake.sent(channel)[:2]
    assert first.method == "POST" and first.conversation == f"{channel};messageid=1700000000001"
    assert first.body["replyToId"] == "1700000000001"
    card = card_of(first)
    assert texts(card)[0] == "NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013 (163 young people NEET)."
    assert of_type(card, "FactSet")[0]["facts"][0]["title"].startswith("JESS")
    assert "<at>" not in json.dumps(card)
    # The chart joins the answer's card (it fits): the same message, updated in place.
    assert second.method == "PUT" and second.activity_id.startswith("activity-")
    with_chart = card_of(second)
    image = of_type(with_chart, "Image")[0]
    assert image["url"].startswith("data:image/png;base64,iVBOR")
    assert "JESS" in image["altText"] and "9.9%" in image["altText"]
    assert any("9.9%" in text for text in texts(with_chart)[1:])  # the figures as text beside the picture


def test_a_personal_chat_question_is_answered_in_the_chat(teams: Harness) -> None:
    chat = "a:personal-chat-1"
    assert teams.post(personal_message("p-1", "kids in care jess", teams.fake.service_url, chat))[0] == 200
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(chat)) >= 1)
    call = teams.fake.sent(chat)[0]
    assert call.conversation == chat and "replyToId" not in call.body
    assert texts(card_of(call))[0].startswith("Children looked after, JESS cluster: 214 at 31 Mar 2013")


def test_a_channel_post_without_a_mention_is_left_alone(teams: Harness) -> None:
    channel = "19:quiet@thread.tacv2"
    assert teams.post(channel_message("q-1", "NEET in JESS", teams.fake.service_url, channel))[0] == 200
    time.sleep(0.5)
    assert teams.fake.sent(channel) == []


def test_a_duplicate_activity_is_answered_once(teams: Harness) -> None:
    chat = "a:personal-dup"
    activity = personal_message("dup-1", "CP plans Beeston", teams.fake.service_url, chat)
    assert teams.post(activity)[0] == 200
    assert teams.post(activity)[0] == 200
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(chat)) >= 1)
    time.sleep(0.6)
    assert len([c for c in teams.fake.sent(chat) if c.method == "POST"]) == 1


def test_a_clarify_button_is_answered_in_the_same_thread(teams: Harness) -> None:
    channel = "19:clarify@thread.tacv2"
    teams.post(channel_mention("c-root", "Beeston", teams.fake.service_url, channel))
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(channel)) >= 1)
    question_card = card_of(teams.fake.sent(channel)[0])
    actions = [a for block in of_type(question_card, "ActionSet") for a in block["actions"]]
    assert actions and all(a["type"] == "Action.Submit" for a in actions)
    data = actions[0]["data"]
    conversation = {"id": f"{channel};messageid=c-root", "conversationType": "channel"}
    pressed = submit_action("c-press", data["question"], teams.fake.service_url, conversation, card_id="activity-x")
    assert teams.post(pressed)[0] == 200
    assert teams.fake.wait_for(lambda: len([c for c in teams.fake.sent(channel) if c.method == "POST"]) >= 2)
    answer = [c for c in teams.fake.sent(channel) if c.method == "POST"][1]
    assert answer.conversation == f"{channel};messageid=c-root" and answer.body["replyToId"] == "c-root"
    assert texts(card_of(answer))[0] != texts(question_card)[0]


def test_an_execute_button_gets_an_invoke_response_and_an_answer(teams: Harness) -> None:
    chat = "a:personal-execute"
    conversation = {"id": chat, "conversationType": "personal"}
    status, body = teams.post(execute_action("x-1", "NEET in JESS", teams.fake.service_url, conversation))
    assert status == 200 and json.loads(body)["statusCode"] == 200
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(chat)) >= 1)
    assert texts(card_of(teams.fake.sent(chat)[0]))[0].startswith("NEET 16-18 (%), JESS cluster")


def test_a_button_briefbot_no_longer_knows_is_answered_as_teams_expects(teams: Harness) -> None:
    """An Action.Execute press on an old card (a verb since retired, or an ask with no question) still gets an
    adaptiveCard/action answer Teams can show: the referee reads it as AdaptiveCardActionResponse."""
    conversation = {"id": "a:personal-old-card", "conversationType": "personal"}
    for number, (verb, data) in enumerate([("retired.verb", {}), ("ask", {"question": ""})]):
        status, body = teams.post(execute(f"old-{number}", verb, data, teams.fake.service_url, conversation))
        answer = json.loads(body)
        assert status == 200 and answer["statusCode"] == 200 and answer["type"] == MESSAGE_TYPE, answer
    assert teams.fake.sent("a:personal-old-card") == []


def test_rate_limits_and_gateway_errors_are_retried(teams: Harness) -> None:
    chat = "a:personal-retry"
    teams.fake.fail_once("POST", 429, {"Retry-After": "0.1"})
    teams.fake.fail_once("POST", 502)
    teams.post(personal_message("r-1", "NEET in JESS", teams.fake.service_url, chat))
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(chat)) >= 4, timeout=20)
    assert [c.method for c in teams.fake.sent(chat)][:3] == ["POST", "POST", "POST"]


def test_an_install_is_remembered_and_a_digest_posts_there(teams: Harness) -> None:
    channel = "19:committee@thread.tacv2"
    assert teams.post(bot_added("install-1", teams.fake.service_url, channel))[0] == 200
    with teams.conversation.bot.sessions() as session:
        stored = conversations.find(session, "teams", channel)
    assert stored is not None and stored.name == "Inner South" and stored.scope == "channel"
    bot = teams.conversation.bot
    answer = bot.ask("CP plans JESS")
    to = Destination("teams", channel)  # as a committee's channel is stored: by conversation id
    message_id = teams.conversation.post(teams.route.messenger, to, card_for(answer))
    chart = bot.chart(answer)
    assert chart is not None
    teams.route.messenger.attach_chart(to.in_thread(message_id), chart)
    posts = [c for c in teams.fake.sent(channel) if c.method == "POST"]
    assert posts[0].conversation == channel and "replyToId" not in posts[0].body
    assert posts[1].conversation == f"{channel};messageid={message_id}"  # the chart in the digest's thread
    assert of_type(card_of(posts[1]), "Image")


def test_a_conversation_that_removed_the_bot_is_marked_dead(teams: Harness) -> None:
    channel = "19:removed@thread.tacv2"
    teams.post(bot_added("install-2", teams.fake.service_url, channel))
    teams.fake.fail_once("POST", 403)
    with pytest.raises(ConversationGone):
        teams.route.messenger.post(Destination("teams", channel), card_for(teams.conversation.bot.ask("NEET in JESS")))
    with teams.conversation.bot.sessions() as session:
        assert conversations.find(session, "teams", channel) is None
        assert [r.dead_at is not None for r in conversations.listed(session, "teams") if r.address == channel] == [True]


def test_removing_the_bot_retires_the_channel_audits_it_and_tells_admins(
    teams: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    channel = "19:leaving@thread.tacv2"
    assert teams.post(bot_added("install-3", teams.fake.service_url, channel, team_name="ONE councillors"))[0] == 200
    bot = teams.conversation.bot
    with bot.sessions() as session, session.begin():
        committee = committees.find_committee(session, "Outer North East")
        committees.set_committee(session, replace(committee, platform="teams", channel=channel), actor="t", channel="t")
    with caplog.at_level(logging.INFO, logger="bot.app.teams_app"):
        assert teams.post(bot_removed("remove-1", teams.fake.service_url, channel, "ONE councillors"))[0] == 200
        # Teams says it again as an installationUpdate: nothing more to retire, and no second alarm.
        again = installation_update(
            "remove-2", teams.fake.service_url, {"id": channel, "conversationType": "channel"}, "remove"
        )
        assert teams.post(again)[0] == 200
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert f"ONE councillors ({channel}) is unreachable: briefbot was removed from it" in errors[0]
    assert "digests for Outer North East will not be delivered there" in errors[0]
    # The admin hears it too, in a personal chat opened for the purpose.
    assert teams.fake.wait_for(lambda: _told(teams, f"ONE councillors ({channel}) is unreachable"))
    opened = [call.body for call in teams.fake.calls if call.method == "POST" and call.path == "/v3/conversations"]
    assert any(member.get("id") == ADMIN for body in opened for member in body.get("members", []))
    with Session(teams.engine) as session:
        assert conversations.find(session, "teams", channel) is None
        audited = session.scalars(
            select(AuditLog).where(
                AuditLog.entity == "conversation_reference", AuditLog.entity_key == f"teams:{channel}"
            )
        ).all()
    assert [(row.action, row.actor) for row in audited] == [
        ("install", "teams:aad-councillor"),
        ("remove", "teams:aad-councillor"),
    ]
    # Nothing is sent there any more: the digest's post fails here, without a call to Teams.
    with pytest.raises(UnknownConversation, match="unreachable"):
        teams.route.messenger.post(Destination("teams", channel), card_for(bot.ask("NEET in JESS")))
    assert teams.fake.sent(channel) == []
    # Installing it again revives the channel.
    assert teams.post(bot_added("install-4", teams.fake.service_url, channel, team_name="ONE councillors"))[0] == 200
    with teams.conversation.bot.sessions() as session:
        assert conversations.find(session, "teams", channel) is not None


def _told(teams: Harness, words: str) -> bool:
    return any(words in json.dumps(call.body) for call in teams.fake.sent("a:conversation-"))


def test_removal_from_a_personal_chat_is_noticed_too(teams: Harness) -> None:
    chat = {"id": "a:personal-installed", "conversationType": "personal"}
    assert teams.post(installation_update("pi-1", teams.fake.service_url, chat, "add"))[0] == 200
    with teams.conversation.bot.sessions() as session:
        assert conversations.find(session, "teams", "a:personal-installed") is not None
    assert teams.post(installation_update("pi-2", teams.fake.service_url, chat, "remove"))[0] == 200
    with teams.conversation.bot.sessions() as session:
        assert conversations.find(session, "teams", "a:personal-installed") is None


@pytest.mark.parametrize(
    "question",
    [
        "NEET in JESS",
        "CP rate Leeds vs England",
        "what do we know about Middleton Park?",
        "Beeston",
        "Inner South",
        "help",
        "narnia",
        "cp plans jess since 2012",
    ],
)
def test_every_card_validates_and_fits(teams: Harness, question: str) -> None:
    bot = teams.conversation.bot
    answer = bot.ask(question)
    chart = bot.chart(answer)
    card = card_for(answer)
    for content in (adaptive_card(card), adaptive_card(card, chart)):
        check_card(content)
        assert counted_size(message(content, card.text)) <= MESSAGE_LIMIT
