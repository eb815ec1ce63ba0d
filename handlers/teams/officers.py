"""Officers update figures from Teams: the core's use case (bot.figures.updates) behind Teams messages and buttons.

In a personal chat with the bot, an officer (recognised by Entra object id) writes:
  set INDICATOR AREA PERIOD VALUE [note]   a preview card with Confirm and Cancel
  update                                   a form that previews when submitted
  undo [CHANGE SET]                        their last change (an admin: anyone's, by number)
  history INDICATOR AREA                   the latest changes to one figure
Anyone else who writes set, update or undo gets one polite refusal line ("history …" from them is a question
like any other). In a channel or group chat an officer is asked to use the personal chat: Teams has no
messages only one person sees, and a preview of unpublished figures must not show where councillors read.

Each activity is handled once (`once`, on its id). A command's reply is posted in the background. A button's
answer is the card that replaces the one pressed (the invoke response), so nothing is posted for it: Confirm
pressed twice applies once (the change set sees to that) and the second press only gets a line beneath the
card. The rules (who may, what is valid, what is stale) are all the core's.

A digest preview's buttons (Post now, Skip, Edit note) are pressed in a channel, not a personal chat; they are
answered here the same way, the card that replaces the preview (handlers.teams.digest_cards)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from bot.digest.preview import PreviewDesk
from bot.failures import log_failure
from bot.figures.updates import Actor, FieldError, UpdateRequest, Updates
from bot.figures.updates.reading import parse_command
from bot.figures.updates.wording import REFUSAL
from handlers.teams.activities import PLATFORM, Activity
from handlers.teams.cards import CARD_TYPE, Json
from handlers.teams.digest_cards import VERBS as DIGEST_VERBS
from handlers.teams.digest_cards import TeamsPreviews
from handlers.teams.messenger import TeamsMessenger
from handlers.teams.update_cards import (
    CANCEL,
    CONFIRM,
    FORM,
    VERBS,
    change_set_of,
    form_content,
    form_errors,
    form_values,
    note_content,
    preview_content,
)

log = logging.getLogger(__name__)
COMMANDS = frozenset({"set", "update", "undo", "history"})
PERSONAL_ONLY = (
    "Figures are changed in a personal chat with me, so a preview of unpublished figures is never posted where "
    "others read: open a chat with briefbot and send it there."
)
SORRY = "Sorry, that didn't go through, and nothing was changed. Please try again in a minute."
ALREADY_HANDLED = "That was already done."
EXPIRED_BUTTON = "That button no longer works: send the change again."
CLOSED = "Closed: nothing was changed."
HISTORY_USAGE = 'Which figure and place? e.g. history CPP_COUNT JESS (or history "CP plans" JESS)'
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"

Once = Callable[[str], bool]  # True the first time an activity key is seen (raises StoreUnavailable)
Pace = Callable[[str], None]  # waits for the conversation's next free slot


@dataclass(frozen=True)
class Reply:
    """What the HTTP response to Teams carries: an invoke's answer, or nothing (200, empty)."""

    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Command:
    verb: str
    rest: str


def actor_of(activity: Activity) -> Actor:
    # Entra object ids are GUIDs: Teams sends them in lower case, and settings are compared in lower case.
    return Actor(PLATFORM, activity.sender_aad_id.lower(), activity.sender_name)


def card_response(content: Json) -> dict[str, Any]:
    """The invoke answer that replaces the pressed card."""
    return {"statusCode": 200, "type": CARD_TYPE, "value": content}


def line_response(text: str) -> dict[str, Any]:
    """The invoke answer that leaves the card as it is and shows one line beneath it."""
    return {"statusCode": 200, "type": MESSAGE_TYPE, "value": text}


class OfficerCommands:
    """Officers' update commands and buttons in Teams (and digest previews' buttons), handed to the core's desks."""

    def __init__(
        self,
        updates: Updates,
        previews: PreviewDesk,
        messenger: TeamsMessenger,
        *,
        once: Once,
        work: Executor,
        pace: Pace = lambda _key: None,
    ) -> None:
        """`work` carries out what outlasts Teams' wait for an answer (a command's reply, a digest's Post now);
        the composition root makes it and closes it at shutdown."""
        self.updates = updates
        self.messenger = messenger
        self.once = once
        self.pace = pace
        self.pool = work
        self.previews = TeamsPreviews(previews, later=self._later)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)

    def _later(self, work: Callable[[], None]) -> None:
        def logged() -> None:
            try:
                work()
            except Exception:
                log_failure(log, "digest preview button failed")

        self.pool.submit(logged)

    def handle(self, activity: Activity) -> Reply | None:
        """The reply when the activity is an update command or one of our update buttons; None when it is not
        ours (a question, perhaps). Raises StoreUnavailable when its claim can't be recorded (Teams retries)."""
        executed = activity.execute()
        if executed is not None and executed[0] in VERBS | DIGEST_VERBS:
            if not self.once(activity.key):
                return Reply(line_response(ALREADY_HANDLED))
            return Reply(self._pressed(actor_of(activity), *executed))
        command = self.command(activity)
        if command is None:
            return None
        if self.once(activity.key):
            self.pool.submit(self._answer, activity, command)
        else:
            log.info("Teams update %s already handled", activity.key)
        return Reply()

    def command(self, activity: Activity) -> Command | None:
        text = activity.addressed_text()
        if text is None:
            return None
        verb, _, rest = text.partition(" ")
        verb, rest = verb.lower(), rest.strip()
        if verb not in COMMANDS:
            return None
        if verb == "update" and rest:
            return None  # "update on NEET in JESS?" is a question
        if verb == "undo" and rest and not rest.isdigit():
            return None
        if verb == "history" and not self.updates.may_edit(actor_of(activity)):
            return None  # anyone may ask about a figure's history in their own words
        return Command(verb, rest)

    # -- buttons: answered in the invoke response --------------------------------------------------------------
    def _pressed(self, actor: Actor, verb: str, data: Mapping[str, Any]) -> dict[str, Any]:
        try:
            answer = self._press(actor, verb, data)
        except Exception:
            log_failure(log, "Teams update button %s failed", verb)
            return line_response(SORRY)
        return card_response(answer) if isinstance(answer, dict) else line_response(answer)

    def _press(self, actor: Actor, verb: str, data: Mapping[str, Any]) -> Json | str:
        """A card to replace the pressed one, or a line (the card stays: refused, or already settled)."""
        if verb in DIGEST_VERBS:
            return self.previews.press(actor, verb, data)
        if verb == FORM:
            return self._form_submitted(actor, data)
        change_set = change_set_of(data)
        if change_set is None:
            return note_content(CLOSED) if verb == CANCEL else EXPIRED_BUTTON
        outcome = (self.updates.confirm if verb == CONFIRM else self.updates.cancel)(actor, change_set)
        if outcome.kind == "refused":
            return outcome.message
        if outcome.preview is not None:  # stale: shown again with the figures as they are now
            return preview_content(outcome.preview, note=outcome.message)
        return note_content(outcome.message)

    def _form_submitted(self, actor: Actor, data: Mapping[str, Any]) -> Json | str:
        if not self.updates.may_edit(actor):
            return REFUSAL
        values = form_values(data)
        request = UpdateRequest(
            indicator=values["indicator"],
            area=values["area"],
            period=values["period"] or values["date"],
            value=values["value"],
            note=values["note"],
            status=values["status"] or "final",
        )
        errors = self.updates.check(request)
        if errors:
            indicators, areas = self.updates.form_choices()
            return form_content(indicators, areas, values, form_errors(errors))
        return preview_content(self.updates.preview(actor, [request], note=values["note"] or None))

    # -- commands: answered by a message ---------------------------------------------------------------------
    def _answer(self, activity: Activity, command: Command) -> None:
        to = activity.destination
        try:
            content = self._reply_to(actor_of(activity), activity, command)
        except Exception:
            log_failure(log, "Teams update %s failed", activity.key)
            content = note_content(SORRY)
        try:
            self.pace(to.pacing_key)
            self.messenger.post_content(to, content)
        except Exception:
            log_failure(log, "could not post the reply to Teams update %s", activity.key)

    def _reply_to(self, actor: Actor, activity: Activity, command: Command) -> Json:
        if not self.updates.may_edit(actor):
            return note_content(REFUSAL)
        if not activity.is_personal:
            return note_content(PERSONAL_ONLY)
        if command.verb == "set":
            return preview_content(self.updates.preview_text(actor, command.rest))
        if command.verb == "update":
            indicators, areas = self.updates.form_choices()
            return form_content(indicators, areas)
        if command.verb == "undo":
            return note_content(self.updates.undo(actor, int(command.rest) if command.rest else None).message)
        return note_content(self._history(command.rest))

    def _history(self, rest: str) -> str:
        request = parse_command(f"{rest} 2000-01-01 0")  # the period and value are placeholders
        if isinstance(request, FieldError) or not rest:
            return HISTORY_USAGE
        found = self.updates.history(request.indicator, request.area)
        errors = [entry.message for entry in found if isinstance(entry, FieldError)]
        if errors:
            return " ".join(errors)
        lines = [entry for entry in found if isinstance(entry, str)]
        if not lines:
            return f"No changes recorded for {request.indicator} in {request.area}."
        return "\n".join([f"Changes to {request.indicator} in {request.area}, newest first:", *lines])
