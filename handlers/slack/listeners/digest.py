"""Digests in Slack: the area support team's buttons on a preview (Post now, Skip, Edit note and its modal), and
/meeting (admins add or cancel a meeting; anyone lists them).

Thin: who may, what each button does and what the preview then says are the core's (bot.digest.preview,
bot.digest.meetings). Posting a digest takes seconds (its charts too), so Post now and Skip are acknowledged at
once and carried out in the background; the person who pressed gets one line only they see, and the preview
message is updated in place."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.digest.cards import NOTE, Control, read_control
from bot.digest.preview import NOTE_LIMIT, Pressed, PreviewDesk
from bot.figures.updates import Actor
from handlers.slack.blocks import plain
from handlers.slack.contract import ASK_ACTION, DIGEST_NOTE_VIEW
from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import PLATFORM
from handlers.slack.update_blocks import note_message

log = logging.getLogger(__name__)
NOTE_BLOCK = "note"


def _actor(user: dict[str, Any] | str, name: str = "") -> Actor:
    if isinstance(user, dict):
        return Actor(PLATFORM, str(user.get("id") or ""), str(user.get("name") or user.get("username") or ""))
    return Actor(PLATFORM, user, name)


def _is_control(action: dict[str, Any]) -> bool:
    return read_control(str(action.get("value") or "")) is not None


def register(app: App, deps: SlackDeps) -> None:
    client = deps.messenger.client
    previews, work, calendar = deps.previews, deps.work, deps.calendar

    # Registered before the answers' buttons (listeners/__init__.py): Bolt runs the first listener that matches.
    @app.action(re.compile(f"^{ASK_ACTION}"), matchers=[_is_control])
    def on_control(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        control = read_control(str(action.get("value") or ""))
        if control is None:  # the matcher lets none through: kept for the type checker
            return
        actor = _actor(body.get("user") or {})
        click = f"slack:{body.get('trigger_id') or action.get('action_ts') or ''}"
        if control.verb == NOTE:
            _open_note(previews, client, str(body.get("trigger_id") or ""), actor, control, respond)
            return
        work.submit(_press, previews, actor, control, click, respond)

    @app.view(DIGEST_NOTE_VIEW)
    def on_note(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor = _actor(body.get("user") or {})
        metadata = str(view.get("private_metadata") or "")
        text = _typed_note(view)
        pressed = previews.save_note(actor, int(metadata) if metadata.isdigit() else 0, text)
        if pressed.kind != "done":
            ack(response_action="errors", errors={NOTE_BLOCK: pressed.message})
            return
        ack()
        work.submit(previews.show, pressed)

    @app.command("/meeting")
    def on_meeting(ack: Ack, command: dict[str, Any]) -> None:
        actor = _actor(str(command.get("user_id") or ""), str(command.get("user_name") or ""))
        ack(**note_message(calendar.handle(actor, str(command.get("text") or ""))))


def _press(previews: PreviewDesk, actor: Actor, control: Control, click: str, respond: Respond) -> None:
    try:
        pressed = previews.press(actor, control, click=click)
    except Exception:
        log.exception("digest preview button %s failed", control)
        pressed = Pressed("failed", "Sorry, that didn't go through. Please try again in a minute.")
    previews.show(pressed)
    try:
        respond(response_type="ephemeral", replace_original=False, **note_message(pressed.message))
    except Exception:
        log.exception("could not tell %s how their press went", actor.id)


def _open_note(
    previews: PreviewDesk, client: WebClient, trigger_id: str, actor: Actor, control: Control, respond: Respond
) -> None:
    """The modal must open within Slack's three seconds of the press: the check and the read are quick."""
    allowed = previews.press(actor, control)
    if allowed.kind != "done":
        respond(response_type="ephemeral", replace_original=False, **note_message(allowed.message))
        return
    client.views_open(trigger_id=trigger_id, view=note_view(control.delivery_id, previews.note_of(control.delivery_id)))


def note_view(delivery_id: int, note: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": NOTE_BLOCK,
        "multiline": True,
        "max_length": NOTE_LIMIT,
    }
    if note:
        element["initial_value"] = note
    return {
        "type": "modal",
        "callback_id": DIGEST_NOTE_VIEW,
        "private_metadata": str(delivery_id),
        "title": plain("Note on the digest", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            {
                "type": "input",
                "block_id": NOTE_BLOCK,
                "optional": True,
                "label": plain("Note from the area support team", 2000),
                "element": element,
                "hint": plain("Shown at the top of the digest. Leave it empty to remove the note.", 2000),
            }
        ],
    }


def _typed_note(view: dict[str, Any]) -> str:
    state = (view.get("state") or {}).get("values") or {}
    return str(((state.get(NOTE_BLOCK) or {}).get(NOTE_BLOCK) or {}).get("value") or "")
