"""The real Bolt app, driven over HTTP with signed requests, against a loopback server that plays Slack."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
import yaml
from slack_sdk.models.blocks import Block

from bot.answer import Answer, Option, Status
from bot.app.settings import SettingError, Settings, require_slack
from bot.conversation.cards import card_for
from bot.store import StoreUnavailable
from fakes.slack import (
    button_click,
    direct_message,
    event_callback,
    form,
    mention,
    slash,
)
from handlers.slack import contract
from handlers.slack.blocks import MAX_BLOCKS, card_blocks, fallback_text, home_view
from tests.support.paths import ROOT
from tests.support.phrasings import PHRASINGS
from tests.support.slack_harness import Harness


def test_mention_gets_a_threaded_answer_and_a_chart(slack: Harness) -> None:
    response = slack.post(mention("Ev-mention", "NEET in JESS", channel="C-mention", ts="1700000000.000100"))
    assert response.status == 200
    assert slack.fake.wait_for(lambda: len(slack.completed_uploads("C-mention")) == 1)
    message = slack.messages("C-mention")[0]
    assert message["thread_ts"] == "1700000000.000100"
    assert message["text"].startswith("NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013")
    assert message["blocks"][0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013 (163 young people NEET).",
            "emoji": True,
        },
    }
    upload_request = slack.fake.to("files.getUploadURLExternal")[0]
    assert "JESS" in upload_request["alt_txt"] and "9.9%" in upload_request["alt_txt"]
    assert any(data.startswith(b"\x89PNG") for data in slack.fake.uploads.values())
    assert slack.completed_uploads("C-mention")[0]["thread_ts"] == "1700000000.000100"


def test_a_retried_event_is_answered_once(slack: Harness) -> None:
    body = mention("Ev-retry", "CP plans Beeston", channel="C-retry", ts="1700000100.000100")
    assert slack.post(body).status == 200
    assert slack.fake.wait_for(lambda: len(slack.messages("C-retry")) == 1)
    retry = slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    time.sleep(0.5)
    assert len(slack.messages("C-retry")) == 1


def test_forged_or_stale_signatures_are_refused(slack: Harness) -> None:
    body = mention("Ev-forged", "NEET in JESS", channel="C-forged")
    assert slack.post(body, signature="v0=" + "0" * 64).status == 401
    assert slack.post(body, timestamp=int(time.time()) - 6 * 60).status == 401
    time.sleep(0.3)
    assert slack.messages("C-forged") == []


def test_direct_message_is_answered_in_the_dm(slack: Harness) -> None:
    assert slack.post(direct_message("Ev-dm", "kids in care jess", channel="D-dm")).status == 200
    assert slack.fake.wait_for(lambda: len(slack.messages("D-dm")) == 1)
    message = slack.messages("D-dm")[0]
    assert message["text"].startswith("Children looked after, JESS cluster: 214 at 31 Mar 2013")
    assert message.get("thread_ts") in (None, "")


def test_bot_messages_and_edits_are_ignored(slack: Harness) -> None:
    slack.post(direct_message("Ev-bot", "NEET in JESS", channel="D-bot", bot_id="B2"))
    slack.post(direct_message("Ev-edit", "NEET in JESS", channel="D-bot", subtype="message_changed"))
    time.sleep(0.5)
    assert slack.messages("D-bot") == []


def test_a_mention_seen_twice_as_different_events_is_answered_once(slack: Harness) -> None:
    ts = "1700000200.000100"
    slack.post(mention("Ev-twice-1", "NEET in JESS", channel="C-twice", ts=ts))
    slack.post(direct_message("Ev-twice-2", "NEET in JESS", channel="C-twice", ts=ts))
    assert slack.fake.wait_for(lambda: len(slack.messages("C-twice")) >= 1)
    time.sleep(0.5)
    assert len(slack.messages("C-twice")) == 1


def test_button_answers_in_the_thread(slack: Harness) -> None:
    response = slack.post(
        button_click("trend cp rate leeds", channel="C-button", thread_ts="1700000300.000100"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status == 200
    assert slack.fake.wait_for(lambda: len(slack.messages("C-button")) == 1)
    message = slack.messages("C-button")[0]
    assert message["thread_ts"] == "1700000300.000100"
    assert message["text"].startswith("Child protection plan rate, Leeds:")


def test_a_button_on_an_ephemeral_answer_is_answered_only_to_the_asker(slack: Harness) -> None:
    """A /brief answer's follow-up: Slack sends no message to thread on, only the response_url."""
    click = button_click(
        "trend cp rate leeds", channel="C-ephemeral", ephemeral=True, response_url=slack.fake.response_url("follow")
    )
    response = slack.post(click, content_type="application/x-www-form-urlencoded")
    assert response.status == 200
    assert slack.fake.wait_for(lambda: any(c["response_id"] == "follow" for c in slack.fake.to("response_url")))
    time.sleep(0.5)
    replies = [call for call in slack.fake.to("response_url") if call["response_id"] == "follow"]
    assert len(replies) == 1
    assert replies[0]["response_type"] == "ephemeral" and replies[0]["replace_original"] is False
    assert replies[0]["text"].startswith("Child protection plan rate, Leeds:")
    assert slack.messages("C-ephemeral") == [] and slack.completed_uploads("C-ephemeral") == []


def test_brief_is_acknowledged_then_answered_only_to_the_asker(slack: Harness) -> None:
    command = slash("/brief", "JESS", channel="C-brief", response_url=slack.fake.response_url("brief"))
    response = slack.post(command, content_type="application/x-www-form-urlencoded")
    assert response.status == 200 and response.body == ""
    assert slack.fake.wait_for(lambda: any(c["response_id"] == "brief" for c in slack.fake.to("response_url")))
    payload = next(call for call in slack.fake.to("response_url") if call["response_id"] == "brief")
    assert payload["response_type"] == "ephemeral"
    assert payload["text"].startswith("What we hold for JESS cluster:")
    assert "Children looked after: 214" in payload["text"] and "NEET 16-18 (%): 9.9%" in payload["text"]
    assert "Children's centres" not in payload["text"]  # context, not one of the three obsessions
    assert slack.messages("C-brief") == []


def test_one_429_is_retried_exactly_once(slack: Harness) -> None:
    slack.fake.fail_once("chat.postMessage")
    before = len(slack.fake.to("chat.postMessage"))
    slack.post(mention("Ev-429", "CP plans JESS", channel="C-429", ts="1700000400.000100"))
    assert slack.fake.wait_for(lambda: len(slack.messages("C-429")) == 2)
    time.sleep(0.5)
    calls = slack.messages("C-429")
    assert len(calls) == 2 and calls[0] == calls[1]  # the 429, then the one retry
    assert len(slack.fake.to("chat.postMessage")) == before + 2


def test_a_failed_upload_still_delivers_the_answer_with_a_note(slack: Harness) -> None:
    slack.fake.fail_once("files.getUploadURLExternal", status=200, body={"ok": False, "error": "not_allowed"})
    slack.post(mention("Ev-upload", "CP rate Leeds vs England", channel="C-upload", ts="1700000500.000100"))
    assert slack.fake.wait_for(lambda: len(slack.messages("C-upload")) == 2)
    first, note = slack.messages("C-upload")
    assert first["text"].startswith("Child protection plan rate at 31 Mar 2025")
    assert note["text"] == "I couldn't attach the chart this time; the figures above are complete."
    assert note["thread_ts"] == "1700000500.000100"


def test_app_home_shows_chosen_areas(slack: Harness) -> None:
    opened = {
        "type": "app_home_opened",
        "user": "U-home",
        "channel": "D-home",
        "tab": "home",
        "event_ts": "1700000600.000100",
    }
    slack.post(event_callback("Ev-home", opened))
    assert slack.fake.wait_for(lambda: any(c["user_id"] == "U-home" for c in slack.fake.to("views.publish")))
    choose = {
        "type": "block_actions",
        "user": {"id": "U-home"},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "t-home",
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "home"},
        "actions": [
            {
                "type": "multi_static_select",
                "action_id": contract.HOME_AREAS_ACTION,
                "block_id": "b",
                "selected_options": [{"value": "cluster-jess"}, {"value": "leeds-cc-inner-south"}],
                "action_ts": "1",
            }
        ],
    }
    response = slack.post(form({"payload": choose}), content_type="application/x-www-form-urlencoded")
    assert response.status == 200
    assert slack.fake.wait_for(
        lambda: len([c for c in slack.fake.to("views.publish") if c["user_id"] == "U-home"]) == 2
    )
    view = [c for c in slack.fake.to("views.publish") if c["user_id"] == "U-home"][-1]["view"]
    text = str(view)
    assert "What we hold for JESS cluster" in text and "What we hold for Inner South" in text
    assert slack.deps.bot.areas_for("U-home") == ["cluster-jess", "leeds-cc-inner-south"]


# -- pure Block Kit checks --------------------------------------------------------------------------------


def _answers(slack: Harness) -> list[Answer]:
    return [slack.deps.bot.ask(question) for question, *_ in PHRASINGS]


def test_every_block_kit_payload_parses_with_nothing_dropped(slack: Harness) -> None:
    for answer in _answers(slack):
        blocks = card_blocks(card_for(answer))
        assert 0 < len(blocks) <= MAX_BLOCKS
        assert fallback_text(card_for(answer)).strip()
        for block in blocks:
            parsed = Block.parse(block)
            assert parsed is not None and parsed.to_dict() == block, block
    summary = card_for(slack.deps.bot.key_figures("cluster-jess"))
    view = home_view(slack.deps.bot.area_choices(), ["cluster-jess"], [summary])
    for block in view["blocks"]:
        assert Block.parse(block).to_dict() == block  # type: ignore[union-attr]


def test_clarify_options_become_buttons(slack: Harness) -> None:
    answer = Answer(
        status=Status.CLARIFY,
        headline="“Beeston” could mean more than one place with figures. Which one?",
        options=(
            Option("Beeston, Cottingley and Middleton cluster", "cp plans cluster bcm"),
            Option("Beeston & Holbeck ward", "cp plans e05012647"),
        ),
    )
    blocks = card_blocks(card_for(answer))
    actions = [block for block in blocks if block["type"] == "actions"]
    assert [element["value"] for element in actions[0]["elements"]] == ["cp plans cluster bcm", "cp plans e05012647"]
    assert blocks[0]["type"] == "section"  # a question back is not a header


# -- the contract with Slack --------------------------------------------------------------------------------


def test_manifest_and_code_agree() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(contract.SCOPES)
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == sorted(contract.BOT_EVENTS)
    assert [command["command"] for command in manifest["features"]["slash_commands"]] == list(contract.COMMANDS)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    registered = _registered_in(ROOT / "handlers" / "slack" / "listeners")
    assert registered["event"] == set(contract.EVENTS)
    assert registered["command"] == set(contract.COMMANDS)


def _registered_in(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"event": set(), "command": set()}
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in found
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found[node.func.attr].add(str(node.args[0].value))
    return found


def test_missing_settings_stop_start_up_naming_them() -> None:
    settings = Settings.from_env({"SLACK_SIGNING_SECRET": "s"}, env_file=None)
    with pytest.raises(SettingError, match="SLACK_BOT_TOKEN is not set"):
        require_slack(settings)
    with pytest.raises(SettingError, match="PORT must be a positive whole number"):
        Settings.from_env({"PORT": "http"}, env_file=None)


def test_an_event_the_store_cannot_record_is_not_acknowledged_and_its_retry_is_answered(
    slack: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def store_down(_inbound: object) -> bool:
        raise StoreUnavailable("connection refused")

    body = mention("Ev-store-down", "NEET in JESS", channel="C-store-down", ts="1700000700.000100")
    monkeypatch.setattr(slack.deps.conversation.ledger, "claim", store_down)
    assert slack.post(body).status >= 500  # not acknowledged: Slack will send it again
    monkeypatch.undo()
    retry = slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    assert retry.status == 200
    assert slack.fake.wait_for(lambda: len(slack.messages("C-store-down")) == 1)
    time.sleep(0.3)
    assert len(slack.messages("C-store-down")) == 1
