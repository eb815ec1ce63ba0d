"""The referee itself (tests/support/teams_oracle.py): it refuses what Microsoft's software refuses, so a Teams
test that passes under it means something; the vendored schema is Microsoft's; and the Teams SDK reads the activities
the tests post as briefbot reads them."""

from __future__ import annotations

import copy
import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from microsoft_teams.api import ActivityTypeAdapter, MessageActivity
from microsoft_teams.api.activities.invoke.adaptive_card import AdaptiveCardInvokeActivity
from microsoft_teams.cards import core as card_models

from fakes.teams import (
    BOT_ID,
    OFFICER,
    FakeConnector,
    bot_added,
    channel_mention,
    execute,
    personal_message,
    post_activity,
    submit_action,
)
from handlers.teams.activities import Activity
from handlers.teams.update_cards import form_content
from tests.support.teams_oracle import (
    REFEREE,
    SCHEMA_PATH,
    Refused,
    check_activity,
    check_card,
    check_connector_request,
    check_invoke_response,
)

SERVICE = "http://127.0.0.1:9/"
# Microsoft's schemas/1.5.0/adaptive-card.json, blob 8301d0efef25d6626b52d6e38b20dc81dc59502e (tests/schemas/README.md).
SCHEMA_BLOB = "8301d0efef25d6626b52d6e38b20dc81dc59502e"
CHAT = {"id": "a:chat", "conversationType": "personal"}


def a_card() -> dict[str, Any]:
    return form_content([("CPP_COUNT", "Child protection plans")], [("E02002345", "JESS cluster")])


def a_message() -> dict[str, Any]:
    return {
        "type": "message",
        "summary": "Update a figure",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": a_card()}],
    }


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    fake = FakeConnector()
    yield fake
    fake.stop()


def test_what_briefbot_sends_passes() -> None:
    check_connector_request("POST", "/v3/conversations/a%3Achat/activities", a_message())
    check_connector_request(
        "POST",
        "/v3/conversations",
        {"bot": {"id": BOT_ID}, "members": [{"id": "aad-admin"}], "isGroup": False, "tenantId": "t"},
    )
    answer = {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": a_card()}
    check_invoke_response({"name": "adaptiveCard/action"}, 200, answer)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda m: m.update(attachments={"contentType": "x"}), "MessageActivityInput refuses"),
        (lambda m: m.update(type="mesage"), "MessageActivityInput refuses"),
        (lambda m: m.update(replyToID="1"), "does not know: replyToID"),
        (lambda m: m["attachments"][0]["content"].update(version="1.6"), "version '1.6'"),
        (lambda m: _input(m, "indicator").update(style="filterd"), "schema refuses"),
        (lambda m: _input(m, "note").update(isMultiLine=True), "schema refuses"),
        (lambda m: m["attachments"][0]["content"]["body"].append({"type": "Chart.Line"}), "schema refuses"),
        (lambda m: _buttons(m)[1].update(associatedInputs="None"), "ExecuteAction refuses"),
        (lambda m: _input(m, "indicator")["choices"][0].update(titel="x"), "titel"),
    ],
)
def test_a_wrong_message_or_card_is_refused(change: Any, why: str) -> None:
    wrong = copy.deepcopy(a_message())
    change(wrong)
    with pytest.raises(Refused, match=why):
        check_connector_request("PUT", "/v3/conversations/a%3Achat/activities/1", wrong)


def _input(message: dict[str, Any], name: str) -> dict[str, Any]:
    body = message["attachments"][0]["content"]["body"]
    return next(element for element in body if element.get("id") == name)


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    body = message["attachments"][0]["content"]["body"]
    return [action for element in body if element["type"] == "ActionSet" for action in element["actions"]]


def test_a_wrong_new_conversation_or_invoke_answer_is_refused() -> None:
    with pytest.raises(Refused, match="CreateConversationParams refuses"):
        check_connector_request("POST", "/v3/conversations", {"members": {"id": "aad-admin"}})
    with pytest.raises(Refused, match="does not know: tenantID"):
        check_connector_request("POST", "/v3/conversations", {"members": [{"id": "aad-admin"}], "tenantID": "t"})
    for wrong in ({"statusCode": 200}, {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive"}):
        with pytest.raises(Refused, match="AdaptiveCardActionResponse refuses"):
            check_invoke_response({"name": "adaptiveCard/action"}, 200, wrong)
    bad_card = {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": {"type": "AdaptiveCard"}}
    with pytest.raises(Refused, match="version"):
        check_invoke_response({"name": "adaptiveCard/action"}, 200, bad_card)


def test_a_wrong_activity_is_refused() -> None:
    good = personal_message("1", "NEET in JESS", SERVICE, "a:chat")
    check_activity(good)
    for change in ({"from": None}, {"type": "mesage"}, {"conversation": {"name": "no id"}}, {"membersAdded": "x"}):
        with pytest.raises(Refused, match=r"refuse|does not know"):
            check_activity({**good, **change})
    with pytest.raises(Refused, match="does not know: textFormatt"):
        check_activity({**good, "textFormatt": "plain"})
    pressed = execute("2", "update.confirm", {"changeSet": 1}, SERVICE, CHAT)
    with pytest.raises(Refused, match="refuse"):
        check_activity({**pressed, "value": {"action": {"type": "Action.Execute"}}})  # no data


def test_the_fake_connector_answers_a_refused_body_400_and_the_test_fails(connector: FakeConnector) -> None:
    """Through the loopback connector, as briefbot's requests go: the refusal is answered as the Bot Connector
    answers a body it can't read, and kept for the autouse fixture, which fails the test it happened in."""
    wrong = {**a_message(), "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive"}]}
    url = connector.service_url + "v3/conversations/a%3Achat/activities"
    status, body = _post(url, wrong)
    assert status == 400 and json.loads(body)["error"]["code"] == "BadArgument"
    assert any("is a JSON object" in refusal for refusal in REFEREE.taken())  # taken, so this test itself passes
    assert _post(url, a_message())[0] == 200


def _post(url: str, body: dict[str, Any]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def test_posting_a_wrong_activity_fails_before_it_is_sent() -> None:
    # Nothing listens on port 9: the refusal comes before any connection is tried.
    with pytest.raises(Refused):
        post_activity("http://127.0.0.1:9/api/messages", {**personal_message("1", "x", SERVICE, "a:c"), "from": 3})
    assert REFEREE.taken()


def test_the_vendored_schema_is_microsofts_1_5_schema_unchanged() -> None:
    raw = SCHEMA_PATH.read_bytes()
    assert hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest() == SCHEMA_BLOB
    # filtered: the 1.5 schema's generated file lacks it; the Teams SDK's models have it, as Microsoft's schema
    # source does (tests/support/teams_oracle.py, CHOICE_INPUT_STYLE).
    assert "filtered" in card_models.ChoiceSetInputStyle.__args__
    assert '"filtered"' not in raw.decode()
    check_card(a_card())


@pytest.mark.parametrize(
    "activity",
    [
        channel_mention("m-1", "NEET in JESS", SERVICE, "19:c@thread.tacv2"),
        channel_mention("m-2", "CP plans &amp; LAC", SERVICE, "19:c@thread.tacv2", root="m-1", sender=OFFICER),
        personal_message("p-1", "kids in care <b>BCM</b>", SERVICE, "a:chat"),
        submit_action("s-1", "neet jess vs leeds", SERVICE, CHAT, card_id="c-1"),
    ],
)
def test_the_sdk_reads_a_message_as_briefbot_does(activity: dict[str, Any]) -> None:
    ours = Activity.parse(activity)
    theirs = ActivityTypeAdapter.validate_python(activity)
    assert isinstance(theirs, MessageActivity)
    assert theirs.is_recipient_mentioned() == ours.mentions_bot
    assert (theirs.conversation.id, theirs.conversation.conversation_type) == (
        ours.conversation_id,
        ours.conversation_type,
    )
    assert theirs.from_.aad_object_id == ours.sender_aad_id and theirs.recipient.id == ours.recipient_id
    assert theirs.service_url == ours.service_url and theirs.reply_to_id == activity.get("replyToId")
    stripped = copy.deepcopy(theirs).strip_mentions_text().text
    assert " ".join(stripped.split()) == " ".join(ours.text.replace(f"<at>{theirs.recipient.name}</at>", "").split())
    assert theirs.value == ours.value


def test_the_sdk_reads_a_button_press_and_an_install_as_briefbot_does() -> None:
    pressed = execute("x-1", "update.confirm", {"changeSet": 7, "note": "June"}, SERVICE, CHAT, OFFICER)
    theirs = ActivityTypeAdapter.validate_python(pressed)
    assert isinstance(theirs, AdaptiveCardInvokeActivity)
    assert (theirs.value.action.verb, theirs.value.action.data) == Activity.parse(pressed).execute()
    added = Activity.parse(bot_added("i-1", SERVICE, "19:team@thread.tacv2")).installation()
    update = ActivityTypeAdapter.validate_python(bot_added("i-1", SERVICE, "19:team@thread.tacv2"))
    assert added is not None and added.added
    assert [member.id for member in update.members_added] == [BOT_ID] and update.channel_data.team.name == added.name
