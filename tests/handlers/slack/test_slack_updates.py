"""Officers' updates end to end: signed requests to the real Bolt app over HTTP, against the loopback fake Slack."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
from fakes.slack import FakeSlack, block_action, direct_message, post_signed, slash, view_submission
from handlers.slack.app import EVENTS_PATH, slack_wsgi
from handlers.slack.contract import (
    UPDATE_CANCEL_ACTION,
    UPDATE_CONFIRM_ACTION,
    UPDATE_CONFIRM_VIEW,
    UPDATE_FORM_VIEW,
)
from handlers.slack.deps import SlackDeps

SECRET = "updates-secret"
FORM = "application/x-www-form-urlencoded"
OFFICER, GROUP_MEMBER, READER = "U-officer", "U-grouped", "U-reader"


@dataclass
class Harness:
    fake: FakeSlack
    url: str
    deps: SlackDeps
    engine: Engine

    def post(self, body: str, content_type: str = FORM) -> Any:
        return post_signed(self.url, body, SECRET, content_type=content_type)

    def command(self, text: str, user: str = OFFICER) -> dict[str, Any]:
        response = self.post(slash("/indicator", text, user=user))
        assert response.status == 200, response
        return response.json()

    def press(self, action: str, value: str, name: str, user: str = OFFICER) -> dict[str, Any]:
        url = self.fake.response_url(name)
        assert self.post(block_action(action, value, user=user, response_url=url)).status == 200
        return [call for call in self.fake.to("response_url") if call["response_id"] == name][-1]

    def ask(self, question: str) -> tuple[float | None, float | None]:
        answer = self.deps.bot.ask(question)
        asked = next(fact.value for fact in answer.facts if fact.role == "asked")
        previous = next((fact.value for fact in answer.facts if fact.role == "previous"), None)
        return asked, previous


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    fake = FakeSlack()
    fake.groups["S-officers"] = [GROUP_MEMBER]
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('updates') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    access = Access(officers=frozenset({OFFICER}), officer_group="S-officers")
    app, deps = build_slack(
        conversation, token="xoxb-updates", signing_secret=SECRET, base_url=fake.base_url, access=access
    )
    server = make_server(router({EVENTS_PATH: slack_wsgi(app)}, ready=bot.unready_reason), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Harness(fake, f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}", deps, engine)
    server.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def _confirm_value(reply: dict[str, Any]) -> str:
    actions = next(block for block in reply["blocks"] if block["type"] == "actions")
    assert [element["action_id"] for element in actions["elements"]] == [UPDATE_CONFIRM_ACTION, UPDATE_CANCEL_ACTION]
    return str(actions["elements"][0]["value"])


def test_set_with_confirmation_then_undo(slack: Harness) -> None:
    reply = slack.command("set CPP_COUNT JESS 2013-06-30 151 from the June return")
    assert "Child protection plans [CPP_COUNT], JESS cluster, 30 Jun 2013: new, 151" in reply["text"]
    assert slack.ask("CP plans JESS") == (149.0, 93.0)  # nothing until confirmed
    done = slack.press(UPDATE_CONFIRM_ACTION, _confirm_value(reply), "set-1")
    assert done["replace_original"] in (True, "true") and done["text"].startswith("Done: 1 figure saved")
    assert slack.ask("CP plans JESS") == (151.0, 149.0)
    again = slack.press(UPDATE_CONFIRM_ACTION, _confirm_value(reply), "set-1-again")
    assert again["text"] == "That change was already confirmed or cancelled."
    history = slack.command("history CPP_COUNT JESS")["text"]
    assert "30 Jun 2013: new, 151, by u-officer" in history
    undone = slack.command("undo")["text"]
    assert undone.startswith("Undone change set") and "1 removed" in undone
    assert slack.ask("CP plans JESS") == (149.0, 93.0)


def test_a_correction_shows_old_and_new_and_a_group_member_may_make_it(slack: Harness) -> None:
    reply = slack.command('set "CP plans" JESS 31/3/12 94 typo', user=GROUP_MEMBER)
    assert "31 Mar 2012: 93 → 94" in reply["text"]
    assert slack.press(UPDATE_CONFIRM_ACTION, _confirm_value(reply), "fix", user=GROUP_MEMBER)["text"].startswith(
        "Done"
    )
    assert any(call["usergroup"] == "S-officers" for call in slack.fake.to("usergroups.users.list"))
    assert "31 Mar 2012: 93 → 94" in slack.command("history CPP_COUNT JESS")["text"]
    cancelled = slack.command("set CPP_COUNT JESS 31/3/12 95", user=GROUP_MEMBER)
    assert slack.press(UPDATE_CANCEL_ACTION, _confirm_value(cancelled), "cancel", user=GROUP_MEMBER)["text"] == (
        "Cancelled: nothing was changed."
    )
    assert slack.command("undo", user=GROUP_MEMBER)["text"].startswith("Undone")


def test_a_non_officer_is_refused_politely_and_nothing_changes(slack: Harness) -> None:
    for text in ("set CPP_COUNT JESS 2013-06-30 999", "undo", ""):
        reply = slack.command(text, user=READER)
        assert reply["text"].startswith("Sorry, only children's services officers can change figures")
        assert not any(block["type"] == "actions" for block in reply.get("blocks", []))
    mine = slack.command("set CPP_COUNT JESS 2013-06-30 152")
    refused = slack.press(UPDATE_CONFIRM_ACTION, _confirm_value(mine), "reader-press", user=READER)
    assert refused["text"].startswith("Sorry, only")
    slack.press(UPDATE_CANCEL_ACTION, _confirm_value(mine), "cleanup")
    assert slack.ask("CP plans JESS") == (149.0, 93.0)


def test_a_stale_confirmation_is_refused_and_previewed_again(slack: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    reply = slack.command("set CPP_COUNT JESS 2013-06-30 153")
    monkeypatch.setattr(slack.deps.updates, "clock", lambda: datetime.now(UTC) + timedelta(minutes=16))
    stale = slack.press(UPDATE_CONFIRM_ACTION, _confirm_value(reply), "stale")
    assert "more than 15 minutes old" in stale["text"] and "new, 153" in stale["text"]
    monkeypatch.undo()
    assert slack.ask("CP plans JESS") == (149.0, 93.0)
    fresh = _confirm_value(stale)
    assert fresh != _confirm_value(reply)
    # Meanwhile another officer sets the same figure: this preview is now out of date too.
    other = slack.command("set CPP_COUNT JESS 2013-06-30 154", user=GROUP_MEMBER)
    slack.press(UPDATE_CONFIRM_ACTION, _confirm_value(other), "other", user=GROUP_MEMBER)
    changed = slack.press(UPDATE_CONFIRM_ACTION, fresh, "changed")
    assert "A figure changed since the preview" in changed["text"] and "154 → 153" in changed["text"]
    slack.press(UPDATE_CONFIRM_ACTION, _confirm_value(changed), "last-wins")
    assert slack.ask("CP plans JESS") == (153.0, 149.0)
    history = slack.command("history CPP_COUNT JESS")["text"]
    assert "154 → 153, by u-officer" in history and "new, 154, by u-grouped" in history
    assert slack.command("undo")["text"].startswith("Undone")
    assert slack.command("undo", user=GROUP_MEMBER)["text"].startswith("Undone")


def _form(indicator: str, area: str, period: str, value: str, status: str = "final") -> dict[str, Any]:
    return {
        "indicator": {"indicator": {"type": "static_select", "selected_option": {"value": indicator}}},
        "area": {"area": {"type": "static_select", "selected_option": {"value": area}}},
        "period": {"period": {"type": "plain_text_input", "value": period}},
        "value": {"value": {"type": "plain_text_input", "value": value}},
        "status": {"status": {"type": "radio_buttons", "selected_option": {"value": status}}},
        "note": {"note": {"type": "plain_text_input", "value": None}},
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (("NOSUCH", "cluster-jess", "2013-06-30", "1"), {"indicator": "don't know a figure"}),
        (("CPP_COUNT", "nowhere", "2013-06-30", "1"), {"area": "don't know a place"}),
        (("CPP_COUNT", "cluster-jess", "soon", "1"), {"period": "can't read"}),
        (("CPP_COUNT", "cluster-jess", "2031-03-31", "1"), {"period": "in the future"}),
        (("CPP_COUNT", "cluster-jess", "2013-06-30", "-1"), {"value": "negative"}),
        (("CPP_COUNT", "cluster-jess", "2013-06-30", "1.5"), {"value": "whole number"}),
        (("CPP_COUNT", "cluster-jess", "2013-06-30", "many"), {"value": "not a number"}),
        (("NEET_PCT", "cluster-jess", "2013-06-30", "120"), {"value": "between 0 and 100"}),
        (("CPP_RATE", "E08000035", "2013-06-30", "50000"), {"value": "not believable"}),
        (("NOSUCH", "nowhere", "later", "x1"), {"indicator": "", "area": "", "period": "", "value": ""}),
    ],
)
def test_the_form_answers_each_kind_of_bad_input_with_field_errors(
    slack: Harness, fields: tuple[str, str, str, str], errors: dict[str, str]
) -> None:
    response = slack.post(view_submission(UPDATE_FORM_VIEW, _form(*fields), user=OFFICER))
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == set(errors)
    for field, words in errors.items():
        assert words in body["errors"][field]


def test_the_form_opens_previews_and_confirms(slack: Harness) -> None:
    assert slack.command("") == {}  # acknowledged with no reply: the form opens instead
    opened = slack.fake.to("views.open")[-1]
    view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
    assert view["callback_id"] == UPDATE_FORM_VIEW
    assert [block["block_id"] for block in view["blocks"]] == ["indicator", "area", "period", "value", "status", "note"]
    assert any(option["value"] == "cluster-jess" for option in view["blocks"][1]["element"]["options"])
    submitted = slack.post(
        view_submission(UPDATE_FORM_VIEW, _form("CPP_COUNT", "cluster-jess", "30/6/13", "151"), user=OFFICER)
    )
    step = submitted.json()
    assert step["response_action"] == "update" and step["view"]["callback_id"] == UPDATE_CONFIRM_VIEW
    assert "new, 151" in str(step["view"]["blocks"])
    confirmed = slack.post(
        view_submission(UPDATE_CONFIRM_VIEW, {}, user=OFFICER, private_metadata=step["view"]["private_metadata"])
    )
    assert "Done: 1 figure saved" in str(confirmed.json()["view"]["blocks"])
    assert slack.ask("CP plans JESS") == (151.0, 149.0)
    assert slack.command("undo")["text"].startswith("Undone")


def _share(slack: Harness, event_id: str, file_id: str, name: str, content: str, user: str = OFFICER) -> dict[str, Any]:
    slack.fake.share_file(file_id, name, content.encode())
    event = direct_message(
        event_id, "", channel=f"D-{file_id}", user=user, subtype="file_share", files=[{"id": file_id}]
    )
    assert slack.post(event, content_type="application/json").status == 200
    assert slack.fake.wait_for(lambda: bool(slack.fake.to("chat.postMessage")))
    return [call for call in slack.fake.to("chat.postMessage") if call["channel"] == f"D-{file_id}"][-1]


def test_a_csv_with_one_bad_row_applies_nothing_and_names_the_row(slack: Harness) -> None:
    posted = _share(
        slack,
        "Ev-csv-bad",
        "F-bad",
        "june.csv",
        "indicator,area,period,value\nCPP_COUNT,JESS,2013-06-30,151\nNEET_PCT,JESS,2013-06-30,140\n",
    )
    assert "Nothing applied: 1 row(s) can't be used" in posted["text"]
    assert "Row 3: rejected" in posted["text"] and "between 0 and 100" in posted["text"]
    assert "Confirm" not in str(posted.get("blocks"))
    assert slack.ask("CP plans JESS") == (149.0, 93.0)
    assert any(call["authorization"] == "Bearer xoxb-updates" for call in slack.fake.to("download"))


def test_a_clean_csv_is_previewed_then_applied_whole(slack: Harness) -> None:
    posted = _share(
        slack,
        "Ev-csv-good",
        "F-good",
        "june.csv",
        "indicator,area,period,value,note\nCPP_COUNT,JESS,2013-06-30,151,June\nCP plans,BCM,2013-06-30,60,June\n",
    )
    blocks = posted["blocks"] if isinstance(posted["blocks"], list) else json.loads(posted["blocks"])
    assert "(2 new, 0 changed, 0 unchanged, 0 rejected)" in str(blocks)
    done = slack.press(UPDATE_CONFIRM_ACTION, _confirm_value({"blocks": blocks}), "csv")
    assert done["text"].startswith("Done: 2 figures saved")
    assert slack.ask("CP plans JESS") == (151.0, 149.0)
    assert slack.ask("CP plans BCM")[0] == 60.0
    assert "2 removed" in slack.command("undo")["text"]


def test_a_csv_from_a_non_officer_is_refused(slack: Harness) -> None:
    posted = _share(slack, "Ev-csv-reader", "F-reader", "x.csv", "indicator,area,period,value\n", user=READER)
    assert posted["text"].startswith("Sorry, only")
