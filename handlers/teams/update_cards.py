"""Adaptive Cards for officers' updates: the preview with Confirm / Cancel, the form, and the notes that replace
them.

The core decides the words (bot.figures.updates); this only lays them out. Buttons are Action.Execute: Teams sends an
adaptiveCard/action invoke, and the card we answer it with replaces the one pressed, so a settled preview loses
its buttons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.figures.updates import FieldError, Preview
from handlers.teams.cards import Json, card_content, text_block

CONFIRM, CANCEL, FORM = "update.confirm", "update.cancel", "update.form"
VERBS = frozenset({CONFIRM, CANCEL, FORM})
CHANGE_SET = "changeSet"  # the data key a preview's buttons carry the pending change set under
MAX_ROWS_SHOWN = 40
FORM_FIELDS = ("indicator", "area", "date", "period", "value", "status", "note")
# Where a field error shows: under its input; the date and the period are one field to the core.
ERROR_UNDER = {"indicator": "indicator", "area": "area", "period": "period", "value": "value", "status": "status"}
FORM_TITLE = "Update a figure"


def note_content(text: str) -> Json:
    """Plain lines, one block each (a TextBlock shows a lone newline as a space)."""
    lines = [line for line in text.splitlines() if line.strip()] or [text]
    return card_content([text_block(line) for line in lines], text)


def preview_content(preview: Preview, note: str = "") -> Json:
    """The rows the change would write, then Confirm and Cancel (only while a change set is pending)."""
    body: list[Json] = []
    if note:
        body.append(text_block(note, color="Attention"))
    body.append(text_block(preview.headline, weight="Bolder"))
    body += [text_block(line, spacing="Small") for line in _rows(preview)]
    if preview.change_set is not None:
        data = {CHANGE_SET: preview.change_set}
        body.append(
            {
                "type": "ActionSet",
                "actions": [
                    _execute("Confirm", CONFIRM, data, style="positive"),
                    _execute("Cancel", CANCEL, data),
                ],
            }
        )
    text = "\n".join(line for line in (note, preview.headline, *preview.lines) if line)
    return card_content(body, text)


def _rows(preview: Preview) -> list[str]:
    lines = list(preview.lines[:MAX_ROWS_SHOWN])
    if len(preview.lines) > MAX_ROWS_SHOWN:
        lines.append(f"…and {len(preview.lines) - MAX_ROWS_SHOWN} more rows")
    if len(preview.lines) > 1:
        counts = [f"{preview.count(kind)} {kind}" for kind in ("new", "changed", "unchanged", "rejected")]
        lines.append("(" + ", ".join(counts) + ")")
    return lines


def _execute(title: str, verb: str, data: Mapping[str, Any], **style: Any) -> Json:
    return {"type": "Action.Execute", "title": title, "verb": verb, "data": dict(data), **style}


def form_content(
    indicators: Sequence[tuple[str, str]],
    areas: Sequence[tuple[str, str]],
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> Json:
    """The form: indicator and area from lists, a date or a period, the value, status and a note. Sent again
    with what was typed and the server's reasons under each field when something can't be used."""
    typed = dict(values or {})
    wrong = dict(errors or {})
    body: list[Json] = [text_block(FORM_TITLE, weight="Bolder", size="Medium")]
    # Indicators and places are long lists: `filtered` lets the officer type to narrow them (Adaptive Card 1.5).
    body += _field(_choices("indicator", "Indicator", indicators, typed, style="filtered"), wrong)
    body += _field(_choices("area", "Area", areas, typed, style="filtered"), wrong)
    body.append(_input("Input.Date", "date", "Date (a figure at a date)", typed))
    body += _field(
        _input("Input.Text", "period", "Or a period", typed, placeholder="2012/13, Mar 2013 or 2013"),
        wrong,
    )
    body += _field(
        _input("Input.Text", "value", "Value or symbol", typed, placeholder="151, or c, x, z, u, low or k"),
        wrong,
    )
    statuses = [("final", "Final"), ("provisional", "Provisional")]
    status = _choices("status", "Status", statuses, {"status": typed.get("status") or "final"}, style="expanded")
    body += _field(status, wrong)
    note = _input("Input.Text", "note", "Note", typed, placeholder="Where the figure comes from, or why it changed")
    body.append({**note, "isMultiline": True})
    # Cancel neither gathers nor checks the inputs: closing a half-filled form must not ask for the rest. "none" in
    # lower case: the renderers read either case, and the Teams SDK's card model accepts only "auto" and "none".
    buttons = [_execute("Preview", FORM, {}, style="positive"), _execute("Cancel", CANCEL, {}, associatedInputs="none")]
    body.append({"type": "ActionSet", "actions": buttons})
    return card_content(body, f"{FORM_TITLE}: choose the indicator and area, then the period and value.")


def _field(element: Json, errors: Mapping[str, str]) -> list[Json]:
    error = errors.get(str(element["id"]))
    return [element] if not error else [element, text_block(error, color="Attention", size="Small", spacing="None")]


def _choices(
    field: str, label: str, options: Sequence[tuple[str, str]], typed: Mapping[str, str], *, style: str
) -> Json:
    element: Json = {
        "type": "Input.ChoiceSet",
        "id": field,
        "label": label,
        "style": style,
        "isRequired": True,
        "errorMessage": f"Choose the {label.lower()}.",
        "choices": [{"title": name, "value": code} for code, name in options],
    }
    if typed.get(field):
        element["value"] = typed[field]
    return element


def _input(kind: str, field: str, label: str, typed: Mapping[str, str], *, placeholder: str = "") -> Json:
    element: Json = {"type": kind, "id": field, "label": label}
    if placeholder:
        element["placeholder"] = placeholder
    if typed.get(field):
        element["value"] = typed[field]
    return element


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    """What a submitted form holds, field by field (Teams merges the inputs into the action's data)."""
    return {field: str(data.get(field) or "").strip() for field in FORM_FIELDS}


def form_errors(errors: Sequence[FieldError]) -> dict[str, str]:
    """The core's reasons by input; one not about a single field shows under the value."""
    shown: dict[str, str] = {}
    for error in errors:
        field = ERROR_UNDER.get(error.field, "value")
        shown[field] = f"{shown[field]} {error.message}" if field in shown else error.message
    return shown


def change_set_of(data: Mapping[str, Any]) -> int | None:
    value = data.get(CHANGE_SET)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None
