"""A digest preview's buttons in Teams: Post now, Skip and Edit note are Action.Execute, and each press is
answered with the card that replaces the preview (settled: no buttons; or with the note box). The rules (who may,
what each does) are the core's (bot.digest.preview); this lays out the cards."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.conversation.model import Card
from bot.digest.cards import NOTE, POST, SKIP, Control
from bot.digest.preview import NOTE_LIMIT, PreviewDesk
from bot.figures.updates import Actor
from handlers.teams.cards import DELIVERY, DIGEST_VERB, Json, adaptive_card, text_block

NOTE_SAVE, NOTE_CANCEL = DIGEST_VERB + "note.save", DIGEST_VERB + "note.cancel"
CONTROLS = {DIGEST_VERB + verb: verb for verb in (POST, SKIP, NOTE)}
VERBS = frozenset({*CONTROLS, NOTE_SAVE, NOTE_CANCEL})
NOTE_INPUT = "note"
EXPIRED = "That button no longer works: the preview is out of date."
POSTING = "Posting the digest now: this preview will say when it is out."

Later = Callable[[Callable[[], None]], object]


def _at_once(work: Callable[[], None]) -> None:
    work()


class TeamsPreviews:
    """`later` runs Post now in the background: posting a digest and its charts outlasts an invoke's answer."""

    def __init__(self, previews: PreviewDesk, later: Later = _at_once) -> None:
        self.previews = previews
        self.later = later

    def press(self, actor: Actor, verb: str, data: Mapping[str, Any]) -> Json | str:
        """The card to replace the preview with, or one line beneath it (refused, nothing changed, or Post now
        under way: the preview is updated when the digest is out)."""
        delivery = _delivery(data)
        if delivery is None:
            return EXPIRED
        if verb == DIGEST_VERB + POST:
            refused = self.previews.refusal(actor, delivery)
            if refused is not None:
                return refused.message
            self.later(lambda: self._post_now(actor, delivery))
            return POSTING
        if verb == NOTE_SAVE:
            return self._save(actor, delivery, str(data.get(NOTE_INPUT) or ""))
        if verb == NOTE_CANCEL:
            current = self.previews.current(delivery)
            return adaptive_card(current.card) if current.card is not None else current.message
        pressed = self.previews.press(actor, Control(CONTROLS[verb], delivery))
        if verb == DIGEST_VERB + NOTE and pressed.kind == "done":
            current = self.previews.current(delivery)
            if current.card is None:
                return current.message
            return note_form(current.card, delivery, self.previews.note_of(delivery))
        if pressed.card is None:
            return pressed.message
        content = adaptive_card(pressed.card)
        content["body"].insert(0, text_block(pressed.message, weight="Bolder", color="Good"))
        return content

    def _post_now(self, actor: Actor, delivery: int) -> None:
        self.previews.show(self.previews.press(actor, Control(POST, delivery)))

    def _save(self, actor: Actor, delivery: int, text: str) -> Json | str:
        pressed = self.previews.save_note(actor, delivery, text)
        if pressed.kind == "invalid":
            current = self.previews.current(delivery)
            if current.card is not None:
                return note_form(current.card, delivery, text, error=pressed.message)
        if pressed.card is None:
            return pressed.message
        return adaptive_card(pressed.card)


def note_form(preview: Card, delivery: int, note: str, *, error: str = "") -> Json:
    """The preview with a box for the note under it, Save and Cancel (Cancel neither gathers nor checks it)."""
    content = adaptive_card(preview)
    body: list[Json] = [element for element in content["body"] if element.get("type") != "ActionSet"]
    box: Json = {
        "type": "Input.Text",
        "id": NOTE_INPUT,
        "label": "Note from the area support team (at the top of the digest; empty removes it)",
        "isMultiline": True,
        "maxLength": NOTE_LIMIT,
    }
    if note:
        box["value"] = note
    body.append(box)
    if error:
        body.append(text_block(error, color="Attention", size="Small", spacing="None"))
    data = {DELIVERY: delivery}
    save = {"type": "Action.Execute", "title": "Save note", "verb": NOTE_SAVE, "data": data, "style": "positive"}
    cancel = {
        "type": "Action.Execute",
        "title": "Cancel",
        "verb": NOTE_CANCEL,
        "data": data,
        "associatedInputs": "none",
    }
    body.append({"type": "ActionSet", "actions": [save, cancel]})
    return {**content, "body": body}


def _delivery(data: Mapping[str, Any]) -> int | None:
    value = data.get(DELIVERY)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None
