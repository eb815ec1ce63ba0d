"""What the Teams tests share: the Teams route served on loopback, and readers for
the cards the bot sent (each checked against Microsoft's Adaptive Card 1.5 schema, the Teams SDK's card models and
Teams' size limit)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import jsonschema
from sqlalchemy import Engine

from bot.app.teams_app import TeamsRoute, build_teams
from bot.app.teams_settings import TeamsSettings
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from fakes.teams import Call, FakeConnector, post_activity
from handlers.teams.cards import CARD_TYPE, MAX_IMAGE_BYTES, MESSAGE_LIMIT, counted_size
from tests.support.teams_oracle import card_schema, check_card

VALIDATOR = jsonschema.Draft6Validator(card_schema())  # Microsoft's Adaptive Card 1.5 schema


def card_of(call: Call) -> dict[str, Any]:
    """The Adaptive Card a call sent, checked against the schema and the message size limit."""
    assert counted_size(call.body) <= MESSAGE_LIMIT
    assert all(len(image["url"]) * 3 // 4 <= MAX_IMAGE_BYTES for image in _images(call.body))
    attachment = call.body["attachments"][0]
    assert attachment["contentType"] == CARD_TYPE
    card: dict[str, Any] = attachment["content"]
    check_card(card)  # the 1.5 schema and the Teams SDK's card models
    return card


def _images(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for a in activity["attachments"] for e in a["content"]["body"] if e["type"] == "Image"]


def texts(card: dict[str, Any]) -> list[str]:
    return [element["text"] for element in card["body"] if element["type"] == "TextBlock"]


def of_type(card: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [element for element in card["body"] if element["type"] == kind]


def serve(engine: Engine, settings: TeamsSettings) -> tuple[str, TeamsRoute, Conversation, Any]:
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    route = build_teams(conversation, settings)
    server = make_server(router({route.path: route.application}, ready=bot.unready_reason), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}{route.path}", route, conversation, server


ADMIN = "aad-admin-0001"


@dataclass
class Harness:
    fake: FakeConnector
    url: str
    route: TeamsRoute
    conversation: Conversation
    engine: Engine

    def post(self, activity: dict[str, Any], token: str | None = None) -> tuple[int, bytes]:
        return post_activity(self.url, activity, token)
