"""/rec end to end: signed requests to the real Bolt app over HTTP, against the loopback fake Slack."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.app.slack_app import build_slack
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from bot.figures.updates import Access
from data import db
from data.store import prepare
from fakes.slack import FakeSlack, block_action, post_signed, slash
from handlers.slack.app import EVENTS_PATH, slack_wsgi
from handlers.slack.contract import REC_CANCEL_ACTION, REC_CONFIRM_ACTION, REC_UNDO_ACTION
from handlers.slack.deps import SlackDeps

SECRET = "recs-secret"
FORM = "application/x-www-form-urlencoded"
OFFICER, READER = "U-officer", "U-reader"


@dataclass
class Harness:
    fake: FakeSlack
    url: str
    deps: SlackDeps
    engine: Engine

    def command(self, text: str, user: str = OFFICER, response_url: str = "http://127.0.0.1:1/unused") -> Any:
        response = post_signed(
            self.url, slash("/rec", text, user=user, response_url=response_url), SECRET, content_type=FORM
        )
        assert response.status == 200, response
        return response

    def reply(self, text: str, user: str = OFFICER) -> dict[str, Any]:
        return self.command(text, user).json()

    def press(self, action: str, value: str, name: str, user: str = OFFICER) -> dict[str, Any]:
        url = self.fake.response_url(name)
        body = block_action(action, value, user=user, response_url=url)
        assert post_signed(self.url, body, SECRET, content_type=FORM).status == 200
        return [call for call in self.fake.to("response_url") if call["response_id"] == name][-1]

    def status_of(self, code: str) -> str:
        return self.deps.bot.ask(f"rec {code}").headline


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    fake = FakeSlack()
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('recs') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    access = Access(officers=frozenset({OFFICER}))
    app, deps = build_slack(
        conversation, token="xoxb-recs", signing_secret=SECRET, base_url=fake.base_url, access=access
    )
    server = make_server(router({EVENTS_PATH: slack_wsgi(app)}, ready=bot.unready_reason), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Harness(fake, f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}", deps, engine)
    server.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def _buttons(reply: dict[str, Any]) -> dict[str, str]:
    actions = [block for block in reply["blocks"] if block["type"] == "actions"]
    return {element["action_id"]: str(element["value"]) for block in actions for element in block["elements"]}


def test_status_change_confirmed_then_undone_from_its_button(slack: Harness) -> None:
    reply = slack.reply("status 2.1.5 Closed conferences keep up with demand")
    assert "Recommendation 2.1.5 (Improvement Plan, theme 2), status: CSIB → Closed" in reply["text"]
    buttons = _buttons(reply)
    assert set(buttons) == {REC_CONFIRM_ACTION, REC_CANCEL_ACTION}
    assert "CSIB" in slack.status_of("2.1.5")  # nothing until confirmed
    done = slack.press(REC_CONFIRM_ACTION, buttons[REC_CONFIRM_ACTION], "rec-confirm")
    assert done["replace_original"] in (True, "true")
    assert done["text"].startswith("Done: recommendation 2.1.5 is now Closed")
    assert "Closed" in slack.status_of("2.1.5")
    replayed = slack.press(REC_CONFIRM_ACTION, buttons[REC_CONFIRM_ACTION], "rec-confirm-again")
    assert replayed["text"] == "That change was already confirmed or cancelled."
    undone = slack.press(REC_UNDO_ACTION, _buttons(done)[REC_UNDO_ACTION], "rec-undo")
    assert undone["text"].startswith("Undone change set") and REC_UNDO_ACTION not in _buttons(undone)
    assert "CSIB" in slack.status_of("2.1.5")


def test_an_update_is_previewed_and_cancelled_or_undone_by_command(slack: Harness) -> None:
    reply = slack.reply('update untitled 2 "June 2011 update: The guidance went out to every school."')
    assert "“June 2011 update” (Jun 2011): new, “The guidance went out to every school.”" in reply["text"]
    cancelled = slack.press(REC_CANCEL_ACTION, _buttons(reply)[REC_CANCEL_ACTION], "rec-cancel")
    assert cancelled["text"] == "Cancelled: nothing was changed."
    again = slack.reply('update untitled 2 "June 2011 update: The guidance went out to every school."')
    slack.press(REC_CONFIRM_ACTION, _buttons(again)[REC_CONFIRM_ACTION], "rec-update")
    assert "Latest, June 2011 update (Jun 2011)" in slack.deps.bot.ask("rec 2 untitled tables").text
    assert slack.reply("undo")["text"].startswith("Undone change set")
    assert "Latest, March 2011 update (Mar 2011)" in slack.deps.bot.ask("rec 2 untitled tables").text


def test_a_councillor_may_ask_but_not_change(slack: Harness) -> None:
    refused = slack.reply("status 2.4.1 Closed", user=READER)
    assert refused["text"].startswith("Sorry, only children's services officers can change recommendations.")
    assert "\n" not in refused["text"] and _buttons(refused) == {}
    assert "CSIB" in slack.status_of("2.4.1")
    url = slack.fake.response_url("rec-question")
    response = slack.command("open safeguarding", user=READER, response_url=url)
    assert response.body == ""  # acknowledged at once; the answer follows through the response_url
    assert slack.fake.wait_for(
        lambda: any(call["response_id"] == "rec-question" for call in slack.fake.to("response_url"))
    )
    answer = next(call for call in slack.fake.to("response_url") if call["response_id"] == "rec-question")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("17 open recommendations mentioning “safeguarding”")


def test_an_ambiguous_number_and_help(slack: Harness) -> None:
    ambiguous = slack.reply("status 1 4")
    assert "Recommendation 1 is in more than one plan: say which" in ambiguous["text"]
    assert _buttons(ambiguous) == {}
    assert slack.reply("")["text"].startswith("/rec QUESTION")


def test_a_buttons_reply_whose_connection_drops_is_not_sent_again(slack: Harness) -> None:
    """Slack read the reply, then the connection closed unanswered: it may be showing, so it goes once."""
    reply = slack.reply("status 2.4.1 Closed")
    slack.fake.drop_once("response_url")
    url = slack.fake.response_url("rec-dropped")
    body = block_action(REC_CANCEL_ACTION, _buttons(reply)[REC_CANCEL_ACTION], user=OFFICER, response_url=url)
    post_signed(slack.url, body, SECRET, content_type=FORM)
    time.sleep(1.0)
    sent = [call for call in slack.fake.to("response_url") if call["response_id"] == "rec-dropped"]
    assert [call["text"] for call in sent] == ["Cancelled: nothing was changed."]
