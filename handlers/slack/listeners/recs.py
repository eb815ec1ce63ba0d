"""/rec: questions about scrutiny and improvement-plan recommendations, and officers' status changes and dated
updates (a preview, then Confirm or Cancel; once done, Undo).

Thin: the rules (who may, which statuses a plan has, what is stale) are the core's (bot.recommendations); this
parses Slack's payloads, calls it, and lays the answer out with the figures' update blocks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.figures.updates import Actor, Outcome, Preview
from handlers.slack.blocks import BUTTON_TEXT_LIMIT, Block, plain
from handlers.slack.contract import (
    REC_CANCEL_ACTION,
    REC_CONFIRM_ACTION,
    REC_UNDO_ACTION,
    UPDATE_CANCEL_ACTION,
    UPDATE_CONFIRM_ACTION,
)
from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import PLATFORM, SlashCommand
from handlers.slack.update_blocks import note_message, preview_message

# The figures' preview blocks, with this command's buttons.
BUTTONS = {UPDATE_CONFIRM_ACTION: REC_CONFIRM_ACTION, UPDATE_CANCEL_ACTION: REC_CANCEL_ACTION}
HELP = (
    "/rec QUESTION: e.g. /rec theme 2, /rec open safeguarding, /rec 2.1.5, /rec summary, /rec since March 2011\n"
    "/rec status [PLAN] CODE STATUS [note]: e.g. /rec status 2.1.5 Closed (officers)\n"
    '/rec update [PLAN] CODE "LABEL: text": e.g. /rec update interim 1 "June 2011 update: ..." (officers)\n'
    "/rec undo: your last change to recommendations"
)


def _actor(user: dict[str, Any] | str, name: str = "") -> Actor:
    if isinstance(user, dict):
        return Actor(PLATFORM, str(user.get("id") or ""), str(user.get("name") or user.get("username") or ""))
    return Actor(PLATFORM, user, name)


def register(app: App, deps: SlackDeps) -> None:
    recs = deps.recs

    @app.command("/rec")
    def on_rec(ack: Ack, command: dict[str, Any]) -> None:
        actor = _actor(str(command.get("user_id") or ""), str(command.get("user_name") or ""))
        text = str(command.get("text") or "").strip()
        verb, _, rest = text.partition(" ")
        verb = verb.lower()
        if verb == "status":
            ack(**rec_preview(recs.preview_status(actor, rest)))
        elif verb == "update":
            ack(**rec_preview(recs.preview_update(actor, rest)))
        elif verb == "undo":
            number = rest.strip()
            ack(**outcome_message(recs.undo(actor, int(number) if number.isdigit() else None), undoable=False))
        elif verb in {"", "help"}:
            ack(**note_message(HELP))
        else:
            # A question: answered like any other (with its chart) through the command's response_url.
            asked = replace(SlashCommand.parse(command), text=f"recommendations {text}")
            deps.conversation.submit(asked.inbound("message"))
            ack()

    @app.action(REC_CONFIRM_ACTION)
    def on_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        outcome = recs.confirm(_actor(body.get("user") or {}), int(action.get("value") or 0))
        respond(replace_original=True, **outcome_message(outcome, undoable=True))

    @app.action(REC_CANCEL_ACTION)
    def on_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        outcome = recs.cancel(_actor(body.get("user") or {}), int(action.get("value") or 0))
        respond(replace_original=True, **note_message(outcome.message))

    @app.action(REC_UNDO_ACTION)
    def on_undo(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        outcome = recs.undo(_actor(body.get("user") or {}), int(action.get("value") or 0))
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
