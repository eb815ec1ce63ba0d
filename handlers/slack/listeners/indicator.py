"""/indicator: officers set figures (a preview, then Confirm), open the form, see history, undo, share a CSV.

Thin: every rule (who may, what is valid, what is stale) is the core's (bot.figures.updates); this parses Slack's
payloads, calls it, and lays out the answer. Replies are ephemeral: only the officer sees a preview."""

from __future__ import annotations

import logging
import urllib.request
from enum import StrEnum
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.figures.updates import Actor, FieldError, Preview, UpdateRequest, Updates, read_csv
from bot.figures.updates.reading import parse_command
from bot.figures.updates.wording import REFUSAL
from handlers.slack.contract import UPDATE_CANCEL_ACTION, UPDATE_CONFIRM_ACTION, UPDATE_CONFIRM_VIEW, UPDATE_FORM_VIEW
from handlers.slack.deps import SlackDeps
from handlers.slack.interactions import BlockAction, ViewPayload
from handlers.slack.payloads import FileShared, SlashCommand, actor_of, payload_of
from handlers.slack.update_blocks import (
    FORM_FIELDS,
    confirm_view,
    done_view,
    form_view,
    note_message,
    preview_message,
)

log = logging.getLogger(__name__)
MAX_CSV_BYTES = 1_000_000
HELP = (
    "/indicator set INDICATOR AREA PERIOD VALUE [note]: e.g. /indicator set CPP_COUNT JESS 2013-06-30 151 "
    '(or "CP plans" JESS 30/6/13 151)\n'
    "/indicator: a form\n/indicator history INDICATOR AREA\n/indicator undo: your last change\n"
    "/indicator import: share a CSV (indicator, area, period, value[, status, note]) with me in a direct message"
)


class IndicatorVerb(StrEnum):
    FORM = ""
    SET = "set"
    HISTORY = "history"
    UNDO = "undo"
    IMPORT = "import"


def register(app: App, deps: SlackDeps) -> None:
    updates = deps.updates
    app.event({"type": "message", "subtype": "file_share"})(
        lambda context, client: on_file_shared(updates, payload_of(context, FileShared), client)
    )
    app.command("/indicator")(
        lambda ack, context, client: on_indicator(updates, payload_of(context, SlashCommand), ack, client)
    )
    app.action(UPDATE_CONFIRM_ACTION)(
        lambda ack, context, respond: on_confirm(updates, payload_of(context, BlockAction), ack, respond)
    )
    app.action(UPDATE_CANCEL_ACTION)(
        lambda ack, context, respond: on_cancel(updates, payload_of(context, BlockAction), ack, respond)
    )
    # The form: server-side checks answered as field errors, then a confirmation step in the same modal.
    app.view(UPDATE_FORM_VIEW)(lambda ack, context: on_form(updates, payload_of(context, ViewPayload), ack))
    app.view(UPDATE_CONFIRM_VIEW)(
        lambda ack, context: on_form_confirmed(updates, payload_of(context, ViewPayload), ack)
    )
    app.view_closed(UPDATE_CONFIRM_VIEW)(
        lambda ack, context: on_form_closed(updates, payload_of(context, ViewPayload), ack)
    )


def on_file_shared(updates: Updates, shared: FileShared, client: Any) -> None:
    if not shared.in_dm or shared.from_bot:
        return
    for file_id in shared.file_ids:
        reply = _csv_preview(client, updates, actor_of(shared.user), file_id)
        client.chat_postMessage(channel=shared.channel, **reply)


def on_indicator(updates: Updates, command: SlashCommand, ack: Ack, client: Any) -> None:
    actor, verb, rest = command.actor, command.verb, command.rest
    if verb == IndicatorVerb.FORM:
        if not updates.may_edit(actor):
            ack(**note_message(REFUSAL))
            return
        indicators, areas = updates.form_choices()
        client.views_open(trigger_id=command.trigger_id, view=form_view(indicators, areas))
        ack()
    elif verb == IndicatorVerb.SET:
        ack(**preview_message(updates.preview_text(actor, rest)))
    elif verb == IndicatorVerb.HISTORY:
        ack(**note_message(_history(updates, rest)))
    elif verb == IndicatorVerb.UNDO:
        ack(**note_message(updates.undo(actor).message))
    elif verb == IndicatorVerb.IMPORT:
        ack(**note_message(HELP.splitlines()[-1].removeprefix("/indicator import: ").capitalize() + "."))
    else:
        ack(**note_message(HELP))


def on_confirm(updates: Updates, pressed: BlockAction, ack: Ack, respond: Respond) -> None:
    ack()
    outcome = updates.confirm(pressed.actor, pressed.action.change_set)
    if outcome.preview is not None:
        respond(replace_original=True, **_with_note(outcome.message, outcome.preview))
    else:
        respond(replace_original=True, **note_message(outcome.message))


def on_cancel(updates: Updates, pressed: BlockAction, ack: Ack, respond: Respond) -> None:
    ack()
    outcome = updates.cancel(pressed.actor, pressed.action.change_set)
    respond(replace_original=True, **note_message(outcome.message))


def on_form(updates: Updates, view: ViewPayload, ack: Ack) -> None:
    actor = view.actor
    values = {field: view.typed(field) for field in FORM_FIELDS}
    request = UpdateRequest(
        values["indicator"], values["area"], values["period"], values["value"], values["note"], values["status"]
    )
    errors = updates.check(request) if updates.may_edit(actor) else (FieldError("value", REFUSAL),)
    if errors:
        # Slack shows each message under its field; anything not about one field goes under the value.
        fields = {error.field if error.field in values else "value": error.message for error in errors}
        ack(response_action="errors", errors=fields)
        return
    preview = updates.preview(actor, [request], note=values["note"] or None)
    if preview.change_set is None:
        ack(response_action="update", view=done_view(preview.headline))
        return
    ack(response_action="update", view=confirm_view(preview))


def on_form_confirmed(updates: Updates, view: ViewPayload, ack: Ack) -> None:
    outcome = updates.confirm(view.actor, view.number or 0)
    if outcome.preview is not None and outcome.preview.change_set is not None:
        ack(response_action="update", view=confirm_view(outcome.preview, outcome.message))
        return
    ack(response_action="update", view=done_view(outcome.message))


def on_form_closed(updates: Updates, view: ViewPayload, ack: Ack) -> None:
    ack()
    if view.number is not None:
        updates.cancel(view.actor, view.number)


def _with_note(message: str, preview: Preview) -> dict[str, Any]:
    reply = preview_message(preview)
    reply["blocks"] = [*note_message(message)["blocks"], *reply["blocks"]]
    reply["text"] = f"{message}\n{reply['text']}"
    return reply


def _history(updates: Updates, rest: str) -> str:
    request = parse_command(f"{rest} 2000-01-01 0")
    if isinstance(request, FieldError):
        return "Which figure and place? e.g. /indicator history CPP_COUNT JESS"
    found = updates.history(request.indicator, request.area)
    if found and isinstance(found[0], FieldError):
        return " ".join(error.message for error in found if isinstance(error, FieldError))
    lines = [line for line in found if isinstance(line, str)]
    title = f"Changes to {request.indicator} in {request.area}, newest first:"
    return "\n".join([title, *lines]) if lines else f"No changes recorded for {request.indicator} in {request.area}."


def _csv_preview(client: Any, updates: Updates, actor: Actor, file_id: str) -> dict[str, Any]:
    """A CSV shared in a DM: fetched with the bot's token, read, validated and previewed as one change."""
    if not updates.may_edit(actor):
        return note_message(REFUSAL)
    info = client.files_info(file=file_id).get("file") or {}
    if str(info.get("filetype") or "") != "csv" and not str(info.get("name") or "").lower().endswith(".csv"):
        return note_message("I can only read CSV files. " + HELP.splitlines()[-1])
    if int(info.get("size") or 0) > MAX_CSV_BYTES:
        return note_message("That file is too large to preview here: use briefbot import instead.")
    request = urllib.request.Request(
        str(info.get("url_private_download") or info.get("url_private")),
        headers={"Authorization": f"Bearer {client.token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read(MAX_CSV_BYTES + 1).decode("utf-8-sig", errors="replace")
    rows = read_csv(text)
    if isinstance(rows, FieldError):
        return note_message(rows.message)
    return preview_message(updates.preview(actor, rows, kind="import", note=str(info.get("name") or "")))
