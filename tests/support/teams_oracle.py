"""Microsoft's own software as the referee for briefbot's Teams traffic (a test oracle; never imported by bot/ or
handlers/).

The Teams SDK for Python (microsoft-teams-api and microsoft-teams-cards, 2.1.x, the `dev` extra) holds pydantic
models of every activity, invoke response and Bot Connector request. They read here:

- each activity a test posts to briefbot: the SDK's activity union (`ActivityTypeAdapter`, discriminated by type
  and, for invokes, by name), as the SDK's own app parses what Teams sends;
- each request briefbot sends the Bot Connector: a message (`MessageActivityInput`, what the SDK's
  `conversations.activities().create/update` take) or a new conversation (`CreateConversationParams`);
- each answer to an `adaptiveCard/action` invoke: the SDK's `AdaptiveCardActionResponse` union (the card that
  replaces the one pressed, or a message);
- each Adaptive Card in any of those: Microsoft's Adaptive Card 1.5 JSON schema (tests/schemas/, strict: no
  property it doesn't name) and the SDK's generated card models, element by element (`TextBlock`,
  `ChoiceSetInput`, `ExecuteAction`, ...), which check every enumerated value and refuse a field they don't know.

SDK models allow extra fields (pydantic `extra="allow"`), so a misspelt field would pass them silently; here a
field the model does not know is an error, except the Bot Framework fields the SDK leaves out, listed in
`NOT_MODELLED` with where Microsoft documents them.

`install()` registers the referee with the loopback fakes (fakes.teams.REFEREES) for the whole test session
(tests/conftest.py), so every Teams test is refereed without asking; `refusals` collects what it refused, and
the autouse fixture in conftest fails the test during which a refusal happened.
"""

from __future__ import annotations

import json
import threading
import typing
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema
import pytest
from microsoft_teams.api import ActivityTypeAdapter, CreateConversationParams, MessageActivityInput
from microsoft_teams.api.models import ChannelData
from microsoft_teams.api.models.adaptive_card import AdaptiveCardActionResponse
from microsoft_teams.cards import core as card_models
from pydantic import BaseModel, TypeAdapter, ValidationError

from fakes import teams as fake_teams
from tests.support.paths import SCHEMAS

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"  # the highest Teams renders
SCHEMA_PATH = SCHEMAS / "adaptive-card-1.5.json"
# Microsoft's schema source gives Input.ChoiceSet's `filtered` style as version 1.5 (AdaptiveCards,
# schemas/src/enums/ChoiceInputStyle.json: {"value": "filtered", "version": "1.5"}; specs/elements/Input.ChoiceSet.md:
# "Added in version 1.5"), but the generated schemas/1.5.0/adaptive-card.json was last regenerated before that
# (commit fa0843c, Oct 2021, took a hand-added `filtered` out again: "it's auto generated in our build"). The
# definition below is the generated one, as schemas/1.6.0/adaptive-card.json has it; tests/schemas/README.md.
CHOICE_INPUT_STYLE = {
    "description": "Style hint for `Input.ChoiceSet`.",
    "anyOf": [
        {"enum": ["compact", "expanded", "filtered"]},
        {
            "pattern": "^([c|C][o|O][m|M][p|P][a|A][c|C][t|T])|([e|E][x|X][p|P][a|A][n|N][d|D][e|E][d|D])|"
            "([f|F][i|I][l|L][t|T][e|E][r|R][e|E][d|D])$"
        },
    ],
}
# Bot Framework fields the SDK's models leave out, by model, with where Microsoft documents them.
NOT_MODELLED: dict[str, frozenset[str]] = {
    # Bot Framework REST API reference, "Activity object": summary (text for clients that can't show cards).
    "MessageActivityInput": frozenset({"summary"}),
    # Bot Framework REST API reference, "ConversationParameters object": bot and isGroup.
    "CreateConversationParams": frozenset({"bot", "isGroup"}),
    # Bot Framework Activity schema: localTimezone (the sender's IANA zone); the Agents Playground sends it.
    "activity": frozenset({"localTimezone"}),
}
_INVOKE_RESPONSE: TypeAdapter[Any] = TypeAdapter(AdaptiveCardActionResponse)


class Refused(ValueError):
    """Microsoft's models or schema refuse a body: what, and why."""


@cache
def card_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema["definitions"]["ChoiceInputStyle"] = CHOICE_INPUT_STYLE
    return schema


@cache
def _card_validator() -> jsonschema.Draft6Validator:
    return jsonschema.Draft6Validator(card_schema())


@cache
def card_classes() -> dict[str, type[BaseModel]]:
    """The SDK's card models by the `type` they stand for ("TextBlock" -> TextBlock, "Input.ChoiceSet" ->
    ChoiceSetInput, ...), read from the generated module rather than listed by hand."""
    found: dict[str, type[BaseModel]] = {}
    for model in vars(card_models).values():
        if not (isinstance(model, type) and issubclass(model, BaseModel) and "type" in model.model_fields):
            continue
        annotation = model.model_fields["type"].annotation
        if typing.get_origin(annotation) is typing.Literal:
            for value in typing.get_args(annotation):
                found.setdefault(str(value), model)
    return found


# -- the checks ---------------------------------------------------------------------------------------------------
def check_card(card: Any, where: str = "card") -> None:
    """An Adaptive Card as briefbot sends it: version 1.5, valid against Microsoft's 1.5 schema and, element by
    element, against the SDK's card models."""
    if not isinstance(card, dict):
        raise Refused(f"{where}: an Adaptive Card is a JSON object, not {type(card).__name__}")
    if card.get("version") != CARD_VERSION:
        raise Refused(f"{where}: version {card.get('version')!r}, not {CARD_VERSION!r}")
    errors = [_schema_reason(error) for error in _card_validator().iter_errors(card)]
    if errors:
        raise Refused(f"{where}: the Adaptive Card 1.5 schema refuses it: {'; '.join(errors[:5])}")
    for path, element in _typed_elements(card, where):
        model = card_classes().get(str(element["type"]))
        if model is None:
            raise Refused(f"{path}: the Teams SDK has no card element of type {element['type']!r}")
        _validate(model, element, path)


def check_message(body: Any, where: str = "message") -> None:
    """A message briefbot sends the Bot Connector (POST or PUT of an activity)."""
    _validate(MessageActivityInput, body, where)
    for number, attachment in enumerate(body.get("attachments") or ()):
        if isinstance(attachment, dict) and attachment.get("contentType") == CARD_TYPE:
            check_card(attachment.get("content"), f"{where}: attachments/{number}")


def check_create_conversation(body: Any) -> None:
    _validate(CreateConversationParams, body, "POST /v3/conversations")


def check_activity(activity: Any) -> None:
    """An activity as Teams sends it to the bot."""
    try:
        parsed = ActivityTypeAdapter.validate_python(activity)
    except ValidationError as error:
        raise Refused(f"activity: the Teams SDK's activity models refuse it: {_reasons(error)}") from None
    unknown = [name for name in _unknown_fields(parsed, "activity") if name not in NOT_MODELLED["activity"]]
    if unknown:
        raise Refused(f"activity: fields the Teams SDK does not know: {', '.join(unknown)}")


def check_invoke_response(invoke: dict[str, Any], status: int, body: Any) -> None:
    """briefbot's answer to an invoke: for adaptiveCard/action, a card to show instead or a message."""
    if invoke.get("name") != "adaptiveCard/action" or status != 200:
        return
    try:
        parsed = _INVOKE_RESPONSE.validate_python(body)
    except ValidationError as error:
        raise Refused(f"invoke response: AdaptiveCardActionResponse refuses it: {_reasons(error)}") from None
    unknown = _unknown_fields(parsed, "invoke response")
    if unknown:
        raise Refused(f"invoke response: fields the Teams SDK does not know: {', '.join(unknown)}")
    if isinstance(body, dict) and body.get("type") == CARD_TYPE:
        check_card(body.get("value"), "invoke response: value")


def check_connector_request(method: str, path: str, body: Any) -> None:
    """Any request briefbot sends the Bot Connector, by what its path says it is."""
    if method == "POST" and path.rstrip("/") == "/v3/conversations":
        check_create_conversation(body)
    elif method in {"POST", "PUT"} and "/activities" in path:
        check_message(body, f"{method} {path}")


# -- helpers ------------------------------------------------------------------------------------------------------
def _validate(model: type[BaseModel], body: Any, where: str) -> None:
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        raise Refused(f"{where}: {model.__name__} refuses it: {_reasons(error)}") from None
    allowed = NOT_MODELLED.get(model.__name__, frozenset())
    unknown = [name for name in _unknown_fields(parsed, where) if name not in allowed]
    if unknown:
        raise Refused(f"{where}: fields {model.__name__} does not know: {', '.join(unknown)}")


def _schema_reason(error: jsonschema.ValidationError) -> str:
    """Where and why: of the alternatives an anyOf tried, the failure deepest in the card within an alternative
    for the element's own type (the others fail on `type`)."""
    chosen = max(_leaves(error), key=lambda leaf: (list(leaf.absolute_path)[-1:] != ["type"], len(leaf.absolute_path)))
    return f"{'/'.join(map(str, chosen.absolute_path)) or '(card)'}: {chosen.message[:300]}"


def _leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    return [leaf for child in error.context for leaf in _leaves(child)] if error.context else [error]


def _reasons(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5])


# Models whose extra fields are not mistakes: the base classes the SDK types a field by where any element may stand
# (a card's body is a list of CardElement; those are read element by element instead), an action's data (the bot's
# own payload), and channelData, where Teams adds more than the SDK models (`source` on a button's message).
_OPEN = (
    card_models.CardElement,
    card_models.Action,
    card_models.ContainerLayout,
    card_models.SubmitActionData,
    ChannelData,
)


def _unknown_fields(model: BaseModel, where: str, prefix: str = "") -> list[str]:
    found: list[str] = []
    if type(model) not in _OPEN:
        found += [f"{prefix}{name}" for name in (model.model_extra or {})]
    for name in type(model).model_fields:
        found += _unknown_in(getattr(model, name), where, f"{prefix}{name}.")
    return found


def _unknown_in(value: Any, where: str, prefix: str) -> list[str]:
    if isinstance(value, BaseModel):
        return _unknown_fields(value, where, prefix)
    if isinstance(value, list | tuple):
        return [name for item in value for name in _unknown_in(item, where, prefix)]
    return []


def _typed_elements(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object with a `type` in a card (the card itself, elements, actions, inlines), except inside an
    action's `data`, which is the bot's own payload."""
    if isinstance(value, dict):
        if "type" in value:
            yield path, value
        for key, item in value.items():
            if key != "data":
                yield from _typed_elements(item, f"{path}/{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _typed_elements(item, f"{path}/{number}")


# -- the referee the loopback fakes call ------------------------------------------------------------------------
class Referee:
    """What fakes.teams calls with each activity posted, each invoke answer and each connector request; a
    refusal is kept (the fake answers 400, as the Bot Connector does) for the test fixture to report."""

    def __init__(self) -> None:
        self.refusals: list[str] = []
        self._lock = threading.Lock()

    def inbound(self, activity: dict[str, Any]) -> None:
        self._judge(check_activity, activity)

    def invoke_response(self, invoke: dict[str, Any], status: int, body: Any) -> None:
        self._judge(check_invoke_response, invoke, status, body)

    def outbound(self, method: str, path: str, body: Any) -> None:
        self._judge(check_connector_request, method, path, body)

    def _judge(self, check: Any, *args: Any) -> None:
        try:
            check(*args)
        except Refused as refused:
            with self._lock:
                self.refusals.append(str(refused))
            raise

    def taken(self) -> list[str]:
        """The refusals since the last call."""
        with self._lock:
            taken, self.refusals = self.refusals, []
        return taken


REFEREE = Referee()


def install() -> None:
    if REFEREE not in fake_teams.REFEREES:
        fake_teams.REFEREES.append(REFEREE)


# -- as a pytest plugin (tests/conftest.py: pytest_plugins) --------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    install()


@pytest.fixture(autouse=True)
def teams_referee() -> Iterator[Referee]:
    """Fails the test during which briefbot sent, or a test posted, anything Microsoft's models refuse."""
    REFEREE.taken()
    yield REFEREE
    refused = REFEREE.taken()
    assert not refused, "Microsoft's Teams SDK refused:\n" + "\n".join(refused)
