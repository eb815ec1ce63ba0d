"""Digests in Slack: the area support team's buttons on a preview (Post now, Skip, Edit note and its modal), and
/meeting (admins add or cancel a meeting; anyone lists them).

Thin: who may, what each button does and what the preview then says are the core's (bot.digest.preview,
bot.digest.meetings). Posting a digest takes seconds (its charts too), so Post now and Skip are acknowledged at
once and carried out in the background; the person who pressed gets one line only they see, and the preview
message is updated in place."""

from __future__ import annotations

import logging
import re
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.digest.cards import NOTE, Control
from bot.digest.meetings import ChatCalendar
from bot.digest.preview import NOTE_LIMIT, Pressed, PreviewDesk
from bot.failures import log_failure
from bot.figures.updates import Actor
from handlers.slack.blocks import plain
from handlers.slack.contract import ASK_ACTION, DIGEST_NOTE_VIEW
from handlers.slack.deps import SlackDeps
from handlers.slack.interactions import BlockAction, ViewPayload
from handlers.slack.payloads import SlashCommand, payload_of
from handlers.slack.update_blocks import note_message

log = logging.getLogger(__name__)
NOTE_BLOCK = "note"


def register(app: App, deps: SlackDeps) -> None:
    client = deps.messenger.client
    previews, work, calendar = deps.previews, deps.work, deps.calendar
    # Registered before the answers' buttons (listeners/__init__.py): Bolt runs the first listener that matches.
    app.action(re.compile(f"^{ASK_ACTION}"), matchers=[is_control])(
        lambda ack, context, respond: on_control(previews, work, client, payload_of(context, BlockAction), ack, respond)
    )
    app.view(DIGEST_NOTE_VIEW)(lambda ack, context: on_note(previews, work, payload_of(context, ViewPayload), ack))
    app.command("/meeting")(lambda ack, context: on_meeting(calendar, payload_of(context, SlashCommand), ack))


def is_control(context: BoltContext) -> bool:
    return payload_of(context, BlockAction).action.control is not None


def on_control(
    previews: PreviewDesk, work: Executor, client: WebClient, pressed: BlockAction, ack: Ack, respond: Respond
) -> None:
    ack()
    control = pressed.action.control
    if control is None:  # the matcher lets none through: kept for the type checker
        return
    if control.verb == NOTE:
        _open_note(previews, client, pressed.trigger_id, pressed.actor, control, respond)
        return
    work.submit(_press, previews, pressed.actor, control, f"slack:{pressed.click_id}", respond)


def on_note(previews: PreviewDesk, work: Executor, view: ViewPayload, ack: Ack) -> None:
    pressed = previews.save_note(view.actor, view.number or 0, view.typed(NOTE_BLOCK))
    if pressed.kind != "done":
        ack(response_action="errors", errors={NOTE_BLOCK: pressed.message})
        return
    ack()
    work.submit(previews.show, pressed)


def on_meeting(calendar: ChatCalendar, command: SlashCommand, ack: Ack) -> None:
    ack(**note_message(calendar.handle(command.actor, command.text)))


def _press(previews: PreviewDesk, actor: Actor, control: Control, click: str, respond: Respond) -> None:
    try:
        pressed = previews.press(actor, control, click=click)
    except Exception:
        log_failure(log, "digest preview button %s failed", control)
        pressed = Pressed("failed", "Sorry, that didn't go through. Please try again in a minute.")
    previews.show(pressed)
    try:
        respond(response_type="ephemeral", replace_original=False, **note_message(pressed.message))
    except Exception:
        log_failure(log, "could not tell %s how their press went", actor.id)


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
