"""The Teams endpoint in production mode (token checks on) against a fresh loopback Bot Framework, for the key,
token and SDK-referee tests: an app id, signing keys, and an Endpoint to post activities with tokens."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from bot.app.teams_app import TeamsRoute, build_teams
from bot.app.teams_settings import TeamsSettings
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from fakes.teams import (
    FakeConnector,
    bot_framework_token,
    entra_jwk,
    jwk,
    personal_message,
    signing_key,
)
from handlers.teams.auth import KeySet

APP_ID = "app-id-keys"
TEAMS_KEY, SKYPE_KEY, ENTRA_KEY, STRANGER = signing_key(), signing_key(), signing_key(), signing_key()


@dataclass
class Endpoint:
    fake: FakeConnector
    url: str

    def post(self, activity: dict[str, Any], token: str | None, timeout: float = 10) -> int:
        body = json.dumps(activity).encode()
        return send(self.url, body, {"Authorization": f"Bearer {token}"} if token else {}, timeout=timeout)

    def post_once_keys_are_in(self, activity: dict[str, Any], token: str, within: float = 15) -> int:
        """What a redelivering Bot Framework sees: the same activity again while the answer is 503."""
        deadline = time.monotonic() + within
        status = self.post(activity, token)
        while status == 503 and time.monotonic() < deadline:
            time.sleep(0.25)
            status = self.post(activity, token)
        return status

    def token(self, *, key: Any = TEAMS_KEY, kid: str = "teams", **claims: Any) -> str:
        return bot_framework_token(key, kid, APP_ID, self.fake.service_url, **claims)

    def answered(self, chat: str) -> bool:
        return self.fake.wait_for(lambda: bool(self.fake.sent(chat)), timeout=15)


def send(url: str, body: bytes, headers: dict[str, str], *, method: str = "POST", timeout: float = 10) -> int:
    request = urllib.request.Request(url, data=body if method == "POST" else None, headers=headers, method=method)
    if method == "POST":
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def serve(
    engine: Engine,
    settings: TeamsSettings,
    keys: KeySet | None = None,
) -> tuple[str, TeamsRoute, Conversation, Any]:
    """The Teams route on waitress on loopback, with the key set given (to shorten its pause between fetches)."""
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    route = build_teams(conversation, settings, keys=keys)
    server = make_server(router({route.path: route.application}, ready=bot.unready_reason), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}{route.path}", route, conversation, server


@contextmanager
def endpoint(
    engine: Engine,
    prepare: Callable[[FakeConnector], None],
    keys: Callable[[FakeConnector], KeySet | None] = lambda _fake: None,
    **env: str,
) -> Iterator[Endpoint]:
    """The app in production mode against a fresh fake; `prepare` sets the fake up before the app starts."""
    fake = FakeConnector()
    fake.jwks = {"keys": [jwk(TEAMS_KEY, "teams"), jwk(SKYPE_KEY, "skype", ("skype",))]}
    fake.entra_jwks = {"keys": [entra_jwk(ENTRA_KEY, "entra")]}
    prepare(fake)
    values = {
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_APP_PASSWORD": "secret",
        "TEAMS_JWKS_URL": fake.jwks_url,
        "TEAMS_ENTRA_JWKS_URL": fake.entra_jwks_url,
        "TEAMS_TOKEN_URL": fake.token_url,
        **env,
    }
    url, route, conversation, server = serve(engine, TeamsSettings.from_env(values), keys(fake))
    try:
        yield Endpoint(fake, url)
    finally:
        server.close()
        route.officers.shutdown()
        conversation.shutdown()
        fake.stop()


def as_is(_fake: FakeConnector) -> None:
    return None


def ask(activity_id: str, chat: str, **fields: Any) -> dict[str, Any]:
    return {**personal_message(activity_id, "help", "", chat), **fields}
