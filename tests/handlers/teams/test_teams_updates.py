"""Officers' updates in Teams end to end: activities posted to the real endpoint over HTTP (our router and
waitress), replies read from the loopback Bot Connector, button presses answered in the invoke response."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.app.teams_app import TeamsRoute
from bot.app.teams_settings import TeamsSettings
from bot.conversation.flow import Conversation
from bot.figures.updates.wording import ALREADY_SETTLED, NOT_YOURS, REFUSAL
from data import db
from data.models import AuditLog, ChangeSet
from data.store import prepare
from fakes.teams import (
    BOT_ID,
    COUNCILLOR,
    OFFICER,
    FakeConnector,
    channel_mention,
    execute,
    personal_message,
    post_activity,
)
from handlers.teams.cards import CARD_TYPE
from handlers.teams.officers import ALREADY_HANDLED, MESSAGE_TYPE, PERSONAL_ONLY
from handlers.teams.update_cards import CANCEL, CHANGE_SET, CONFIRM, FORM
from tests.support.teams_harness import card_of, serve, texts
from tests.support.teams_oracle import check_card

OTHER_OFFICER = {"id": "29:second", "name": "Sam Second", "aadObjectId": "AAD-SECOND"}  # ids compare in lower case


@dataclass
class Harness:
    fake: FakeConnector
    url: str
    route: TeamsRoute
    conversation: Conversation
    engine: Engine
    sequence: int = 0

    def next_id(self, prefix: str) -> str:
        self.sequence += 1
        return f"{prefix}-{self.sequence}"

    def say(self, text: str, *, chat: str, sender: dict[str, str] = OFFICER) -> dict[str, Any]:
        """A message in a personal chat; the one card the bot posts back."""
        before = len(self.fake.sent(chat))
        activity = personal_message(self.next_id("msg"), text, self.fake.service_url, chat, sender)
        assert self.post(activity)[0] == 200
        assert self.fake.wait_for(lambda: len(self.fake.sent(chat)) > before)
        return card_of(self.fake.sent(chat)[-1])

    def press(
        self, verb: str, data: dict[str, Any], *, chat: str, sender: dict[str, str] = OFFICER, activity_id: str = ""
    ) -> dict[str, Any]:
        """An Action.Execute press; the invoke response (a card to show instead, or a line beneath)."""
        conversation = {"id": chat, "conversationType": "personal"}
        activity = execute(
            activity_id or self.next_id("press"), verb, data, self.fake.service_url, conversation, sender
        )
        status, body = self.post(activity)
        assert status == 200
        answer: dict[str, Any] = json.loads(body)
        assert answer["statusCode"] == 200
        if answer["type"] == CARD_TYPE:
            check_card(answer["value"])
        return answer

    def post(self, activity: dict[str, Any]) -> tuple[int, bytes]:
        return post_activity(self.url, activity)

    def ask(self, question: str) -> tuple[float | None, float | None]:
        answer = self.conversation.bot.ask(question)
        asked = next(fact.value for fact in answer.facts if fact.role == "asked")
        previous = next((fact.value for fact in answer.facts if fact.role == "previous"), None)
        return asked, previous


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('teams-updates') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    fake = FakeConnector()
    settings = TeamsSettings(
        app_id=BOT_ID,
        allow_unauthenticated=True,
        officers=frozenset({"aad-officer", "aad-second"}),
    )
    url, route, conversation, server = serve(engine, settings)
    yield Harness(fake, url, route, conversation, engine)
    server.close()
    route.officers.shutdown()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [action for element in card["body"] if element["type"] == "ActionSet" for action in element["actions"]]


def confirm_data(card: dict[str, Any]) -> dict[str, Any]:
    pressed = buttons(card)
    assert [(b["type"], b["verb"], b["title"]) for b in pressed] == [
        ("Action.Execute", CONFIRM, "Confirm"),
        ("Action.Execute", CANCEL, "Cancel"),
    ]
    assert pressed[0]["data"] == pressed[1]["data"] and isinstance(pressed[0]["data"][CHANGE_SET], int)
    return dict(pressed[0]["data"])


def card_text(answer: dict[str, Any]) -> str:
    assert answer["type"] == CARD_TYPE
    return "\n".join(texts(answer["value"]))


def test_set_preview_confirm_once_history_and_undo(teams: Harness) -> None:
    chat = "a:officer-set"
    preview = teams.say("set CPP_COUNT JESS 2013-06-30 151 from the June return", chat=chat)
    assert texts(preview)[:2] == [
        "Check this change, then confirm:",
        "Child protection plans [CPP_COUNT], JESS cluster, 30 Jun 2013: new, 151",
    ]
    data = confirm_data(preview)
    assert teams.ask("CP plans JESS") == (149.0, 93.0)  # nothing until confirmed
    press_id = teams.next_id("confirm")
    done = teams.press(CONFIRM, data, chat=chat, activity_id=press_id)
    assert card_text(done) == f"Done: 1 figure saved as change set {data[CHANGE_SET]}."
    assert buttons(done["value"]) == []  # the preview's buttons are gone with it
    assert teams.ask("CP plans JESS") == (151.0, 149.0)
    # Pressed again (a second click), and the same press delivered again: applied once, nothing posted.
    again = teams.press(CONFIRM, data, chat=chat)
    assert again == {"statusCode": 200, "type": MESSAGE_TYPE, "value": ALREADY_SETTLED}
    assert teams.press(CONFIRM, data, chat=chat, activity_id=press_id)["value"] == ALREADY_HANDLED
    time.sleep(0.3)
    assert len(teams.fake.sent(chat)) == 1
    with Session(teams.engine) as session:
        audited = session.scalars(select(AuditLog).where(AuditLog.change_set_id == data[CHANGE_SET])).all()
    assert [(row.actor, row.channel, row.action) for row in audited] == [("teams:aad-officer", "teams", "create")]
    history = texts(teams.say("history CPP_COUNT JESS", chat=chat))
    assert history[0] == "Changes to CPP_COUNT in JESS, newest first:"
    assert history[1].startswith("30 Jun 2013: new, 151, by Olu Officer on ")
    undone = texts(teams.say("undo", chat=chat))[0]
    assert undone.startswith(f"Undone change set {data[CHANGE_SET]}") and "1 removed" in undone
    assert teams.ask("CP plans JESS") == (149.0, 93.0)


def test_a_non_officer_gets_one_polite_line_and_nothing_changes(teams: Harness) -> None:
    chat = "a:councillor-set"
    for text in ("set CPP_COUNT JESS 2013-06-30 999", "undo", "update"):
        refused = teams.say(text, chat=chat, sender=COUNCILLOR)
        assert texts(refused) == [REFUSAL] and buttons(refused) == []
    # "history ..." from a councillor is a question like any other, not the officers' command.
    answered = teams.say("history CPP_COUNT JESS", chat=chat, sender=COUNCILLOR)
    assert not texts(answered)[0].startswith("Changes to")
    mine = confirm_data(teams.say("set CPP_COUNT JESS 2013-06-30 152", chat="a:officer-mine"))
    pressed = teams.press(CONFIRM, mine, chat="a:officer-mine", sender=COUNCILLOR)
    assert pressed["type"] == MESSAGE_TYPE and pressed["value"] == REFUSAL
    other = teams.press(CONFIRM, mine, chat="a:officer-mine", sender=OTHER_OFFICER)
    assert other["value"] == NOT_YOURS
    assert card_text(teams.press(CANCEL, mine, chat="a:officer-mine")) == "Cancelled: nothing was changed."
    assert teams.press(CONFIRM, mine, chat="a:officer-mine")["value"] == ALREADY_SETTLED
    assert teams.ask("CP plans JESS") == (149.0, 93.0)


def test_a_redelivered_set_is_previewed_once(teams: Harness) -> None:
    chat = "a:officer-dup"
    activity = personal_message("dup-set", "set CPP_COUNT JESS 2013-06-30 155", teams.fake.service_url, chat, OFFICER)
    assert teams.post(activity)[0] == 200
    assert teams.post(activity)[0] == 200
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(chat)) >= 1)
    time.sleep(0.5)
    assert len(teams.fake.sent(chat)) == 1
    with Session(teams.engine) as session:
        pending = session.scalars(select(ChangeSet).where(ChangeSet.state == "pending")).all()
    assert len([row for row in pending if row.actor == "teams:aad-officer"]) == 1
    teams.press(CANCEL, confirm_data(card_of(teams.fake.sent(chat)[0])), chat=chat)


def test_in_a_channel_an_officer_is_sent_to_a_personal_chat(teams: Harness) -> None:
    channel = "19:officers@thread.tacv2"
    mention = channel_mention(
        "chan-set", "set CPP_COUNT JESS 2013-06-30 151", teams.fake.service_url, channel, None, OFFICER
    )
    assert teams.post(mention)[0] == 200
    assert teams.fake.wait_for(lambda: len(teams.fake.sent(channel)) >= 1)
    call = teams.fake.sent(channel)[0]
    assert call.conversation == f"{channel};messageid=chan-set" and call.body["replyToId"] == "chan-set"
    assert texts(card_of(call)) == [PERSONAL_ONLY]
    with Session(teams.engine) as session:
        assert session.scalars(select(ChangeSet).where(ChangeSet.state == "pending")).all() == []


def test_a_stale_confirmation_is_previewed_again(teams: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = "a:officer-stale"
    first = confirm_data(teams.say("set CPP_COUNT JESS 2013-06-30 153", chat=chat))
    monkeypatch.setattr(teams.route.officers.updates, "clock", lambda: datetime.now(UTC) + timedelta(minutes=16))
    stale = teams.press(CONFIRM, first, chat=chat)
    monkeypatch.undo()
    assert "more than 15 minutes old" in card_text(stale) and "new, 153" in card_text(stale)
    fresh = confirm_data(stale["value"])
    assert fresh != first
    # Meanwhile another officer sets the same figure: the fresh preview is out of date too; the later wins.
    other = confirm_data(teams.say("set CPP_COUNT JESS 2013-06-30 154", chat="a:second", sender=OTHER_OFFICER))
    teams.press(CONFIRM, other, chat="a:second", sender=OTHER_OFFICER)
    changed = teams.press(CONFIRM, fresh, chat=chat)
    assert "A figure changed since the preview" in card_text(changed) and "154 → 153" in card_text(changed)
    teams.press(CONFIRM, confirm_data(changed["value"]), chat=chat)
    assert teams.ask("CP plans JESS") == (153.0, 149.0)
    assert texts(teams.say("undo", chat=chat))[0].startswith("Undone")
    assert texts(teams.say("undo", chat="a:second", sender=OTHER_OFFICER))[0].startswith("Undone")
    assert teams.ask("CP plans JESS") == (149.0, 93.0)


def test_the_form_checks_each_field_then_previews_and_confirms(teams: Harness) -> None:
    chat = "a:officer-form"
    form = teams.say("update", chat=chat)
    inputs = {element["id"]: element for element in form["body"] if element["type"].startswith("Input.")}
    assert list(inputs) == ["indicator", "area", "date", "period", "value", "status", "note"]
    assert inputs["date"]["type"] == "Input.Date" and inputs["indicator"]["type"] == "Input.ChoiceSet"
    # The long lists can be searched by typing (Teams' typeahead); the status is two radio buttons.
    assert [inputs[name]["style"] for name in ("indicator", "area", "status")] == ["filtered", "filtered", "expanded"]
    jess = next(c["value"] for c in inputs["area"]["choices"] if c["title"].startswith("JESS"))
    assert any(c["value"] == "CPP_COUNT" for c in inputs["indicator"]["choices"])
    assert [(b["verb"], b.get("associatedInputs")) for b in buttons(form)] == [(FORM, None), (CANCEL, "none")]
    typed = {"indicator": "CPP_COUNT", "area": jess, "date": "", "period": "soon", "value": "1.5", "status": "final"}
    wrong = teams.press(FORM, typed, chat=chat)["value"]
    errors = [e["text"] for e in wrong["body"] if e["type"] == "TextBlock" and e.get("color") == "Attention"]
    assert len(errors) == 2 and "can't read" in errors[0] and "whole number" in errors[1]
    kept = {element["id"]: element.get("value") for element in wrong["body"] if element["type"].startswith("Input.")}
    assert kept["period"] == "soon" and kept["value"] == "1.5" and kept["area"] == jess
    preview = teams.press(FORM, {**typed, "date": "2013-06-30", "period": "", "value": "151"}, chat=chat)
    assert "JESS cluster, 30 Jun 2013: new, 151" in card_text(preview)
    done = teams.press(CONFIRM, confirm_data(preview["value"]), chat=chat)
    assert card_text(done).startswith("Done: 1 figure saved")
    assert teams.ask("CP plans JESS") == (151.0, 149.0)
    assert texts(teams.say("undo", chat=chat))[0].startswith("Undone")
    assert card_text(teams.press(CANCEL, {}, chat=chat)) == "Closed: nothing was changed."
    assert len(teams.fake.sent(chat)) == 2  # the form and the undo: every button answered in place
