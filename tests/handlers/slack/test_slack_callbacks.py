"""Listener callbacks called directly, with typed payloads and the services they take: no app, no HTTP."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from bot.conversation.model import Inbound, InboundKind
from bot.figures.updates import Actor, Outcome
from fakes.slack import block_action, button_click, mention, slash
from handlers.slack.contract import REC_CONFIRM_ACTION, UPDATE_CONFIRM_ACTION
from handlers.slack.fields import Malformed
from handlers.slack.interactions import BlockAction
from handlers.slack.listeners import actions, events, indicator, recs
from handlers.slack.payloads import MessageEvent, SlashCommand


class Submitted:
    """Stands in for the conversation layer: keeps what it is handed."""

    def __init__(self) -> None:
        self.inbound: list[Inbound] = []

    def submit(self, inbound: Inbound) -> str:
        self.inbound.append(inbound)
        return "claimed"


class Calls:
    """ack or respond: records its keyword arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **options: Any) -> None:
        self.calls.append(options)


class Desk:
    """Stands in for Updates or RecUpdates: says what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Actor, int | None]] = []

    def confirm(self, actor: Actor, change_set: int) -> Outcome:
        self.asked.append(("confirm", actor, change_set))
        return Outcome("applied", f"Done: change set {change_set}.")


def _interaction(body: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(parse_qs(body)["payload"][0])
    return loaded


def _command(body: str) -> dict[str, Any]:
    return {key: values[0] for key, values in parse_qs(body).items()}


def test_a_mention_reaches_the_conversation_without_slack_markup() -> None:
    body = json.loads(mention("Ev-1", "NEET &amp; CP plans in <#C9|jess-team> JESS <https://x.test|see>", ts="1.2"))
    conversation = Submitted()
    events.on_mention(conversation, MessageEvent.parse(body, body["event"]))  # type: ignore[arg-type]
    [asked] = conversation.inbound
    assert asked.text == "NEET & CP plans in JESS"
    assert asked.reply_to.thread == "1.2" and asked.kind == InboundKind.MESSAGE


def test_a_button_asks_its_question_in_the_thread() -> None:
    conversation = Submitted()
    ack = Calls()
    pressed = BlockAction.parse(_interaction(button_click("CP plans JESS", thread_ts="5.6", user="U7")))
    actions.on_button(conversation, pressed, ack)  # type: ignore[arg-type]
    [asked] = conversation.inbound
    assert ack.calls == [{}]
    assert (asked.text, asked.user, asked.reply_to.thread, asked.kind) == ("CP plans JESS", "U7", "5.6", "action")


def test_confirm_takes_the_change_set_and_the_officer_from_the_payload() -> None:
    desk, ack, respond = Desk(), Calls(), Calls()
    body = block_action(UPDATE_CONFIRM_ACTION, "42", user="U-officer", response_url="http://127.0.0.1:1/r")
    indicator.on_confirm(desk, BlockAction.parse(_interaction(body)), ack, respond)  # type: ignore[arg-type]
    assert desk.asked == [("confirm", Actor("slack", "U-officer", "u-officer"), 42)]
    assert respond.calls[0]["replace_original"] is True and "change set 42" in respond.calls[0]["text"]


def test_a_rec_question_goes_to_the_conversation_as_a_recommendations_question() -> None:
    conversation, ack = Submitted(), Calls()
    command = SlashCommand.parse(_command(slash("/rec", "<@U1> open   safeguarding", user="U3")))
    recs.on_rec(Desk(), conversation, command, ack)  # type: ignore[arg-type]
    [asked] = conversation.inbound
    assert asked.text == "recommendations open safeguarding" and asked.user == "U3"
    assert asked.reply_to.address.startswith("response_url:") and ack.calls == [{}]


@pytest.mark.parametrize("value", ["1;drop", "9" * 400, "0", "", "١٢"])
def test_a_change_set_value_we_never_gave_is_malformed(value: str) -> None:
    body = _interaction(block_action(REC_CONFIRM_ACTION, value, response_url="http://127.0.0.1:1/r"))
    with pytest.raises(Malformed) as refused:
        BlockAction.parse(body)
    assert value not in str(refused.value) or not value
