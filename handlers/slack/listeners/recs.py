"""/rec: questions about scrutiny and improvement-plan recommendations, and officers' status changes and dated
updates (a preview, then Confirm or Cancel; once done, Undo).

Thin: the rules (who may, which statuses a plan has, what is stale) are the core's (bot.recommendations); this
parses Slack's payloads, calls it, and lays the answer out with the figures' update blocks."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.conversation.flow import Conversation
from bot.conversation.model import InboundKind
from bot.figures.updates import Outcome, Preview
from bot.recommendations.updates import RecUpdates
from handlers.slack.blocks import BUTTON_TEXT_LIMIT, Block, plain
from handlers.slack.contract import (
    REC_CANCEL_ACTION,
    REC_CONFIRM_ACTION,
    REC_UNDO_ACTION,
    UPDATE_CANCEL_ACTION,
    UPDATE_CONFIRM_ACTION,
)
from handlers.slack.deps import SlackDeps
from handlers.slack.interactions import BlockAction
from handlers.slack.payloads import SlashCommand, payload_of
from handlers.slack.update_blocks import note_message, preview_message

# The figures' preview blocks, with this command's buttons.
BUTTONS = {UPDATE_CONFIRM_ACTION: REC_CONFIRM_ACTION, UPDATE_CANCEL_ACTION: REC_CANCEL_ACTION}
HELP = (
    "/rec QUESTION: e.g. /rec theme 2, /rec open safeguarding, /rec 2.1.5, /rec summary, /rec since March 2011\n"
    "/rec status [PLAN] CODE STATUS [note]: e.g. /rec status 2.1.5 Closed (officers)\n"
    '/rec update [PLAN] CODE "LABEL: text": e.g. /rec update interim 1 "June 2011 update: ..." (officers)\n'
    "/rec undo: your last change to recommendations"
)


class RecVerb(StrEnum):
    STATUS = "status"
    UPDATE = "update"
    UNDO = "undo"
    HELP = "help"


def register(app: App, deps: SlackDeps) -> None:
    recs, conversation = deps.recs, deps.conversation
    app.command("/rec")(lambda ack, context: on_rec(recs, conversation, payload_of(context, SlashCommand), ack))
    app.action(REC_CONFIRM_ACTION)(
        lambda ack, context, respond: on_confirm(recs, payload_of(context, BlockAction), ack, respond)
    )
    app.action(REC_CANCEL_ACTION)(
        lambda ack, context, respond: on_cancel(recs, payload_of(context, BlockAction), ack, respond)
    )
    app.action(REC_UNDO_ACTION)(
        lambda ack, context, respond: on_undo(recs, payload_of(context, BlockAction), ack, respond)
    )


def on_rec(recs: RecUpdates, conversation: Conversation, command: SlashCommand, ack: Ack) -> None:
    actor, verb, rest = command.actor, command.verb, command.rest
    if verb == RecVerb.STATUS:
        ack(**rec_preview(recs.preview_status(actor, rest)))
    elif verb == RecVerb.UPDATE:
        ack(**rec_preview(recs.preview_update(actor, rest)))
    elif verb == RecVerb.UNDO:
        ack(
            **outcome_message(
                recs.undo(actor, int(rest) if rest.isdigit() and len(rest) < 10 else None), undoable=False
            )
        )
    elif verb in {"", RecVerb.HELP}:
        ack(**note_message(HELP))
    else:
        # A question: answered like any other (with its chart) through the command's response_url.
        asked = replace(command, text=f"recommendations {command.text.strip()}")
        conversation.submit(asked.inbound(InboundKind.MESSAGE))
        ack()


def on_confirm(recs: RecUpdates, pressed: BlockAction, ack: Ack, respond: Respond) -> None:
    ack()
    outcome = recs.confirm(pressed.actor, pressed.action.change_set)
    respond(replace_original=True, **outcome_message(outcome, undoable=True))


def on_cancel(recs: RecUpdates, pressed: BlockAction, ack: Ack, respond: Respond) -> None:
    ack()
    outcome = recs.cancel(pressed.actor, pressed.action.change_set)
    respond(replace_original=True, **note_message(outcome.message))


def on_undo(recs: RecUpdates, pressed: BlockAction, ack: Ack, respond: Respond) -> None:
    ack()
    outcome = recs.undo(pressed.actor, pressed.action.change_set)
    respond(replace_original=True, **outcome_message(outcome, undoable=False))


def rec_preview(preview: Preview) -> dict[str, Any]:
    """The figures' preview message, its Confirm and Cancel buttons answering to /rec."""
    message = preview_message(preview)
    message["blocks"] = [_rebutton(block) for block in message["blocks"]]
    return message


def outcome_message(outcome: Outcome, *, undoable: bool) -> dict[str, Any]:
    """A confirmation's or undo's outcome: a stale one shows the new preview under the note; an applied change
    offers Undo."""
    note = note_message(outcome.message)
    if outcome.preview is not None:
        again = rec_preview(outcome.preview)
        return {"text": f"{note['text']}\n{again['text']}", "blocks": [*note["blocks"], *again["blocks"]]}
    if undoable and outcome.kind == "applied" and outcome.change_set is not None:
        note["blocks"] = [*note["blocks"], _undo_button(outcome.change_set)]
    return note


def _rebutton(block: Block) -> Block:
    if block.get("type") != "actions":
        return block
    elements = [
        {**element, "action_id": BUTTONS.get(element["action_id"], element["action_id"])}
        for element in block["elements"]
    ]
    return {**block, "elements": elements}


def _undo_button(change_set: int) -> Block:
    button = {
        "type": "button",
        "action_id": REC_UNDO_ACTION,
        "text": plain("Undo", BUTTON_TEXT_LIMIT),
        "value": str(change_set),
    }
    return {"type": "actions", "elements": [button]}
