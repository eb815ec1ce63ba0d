"""The Bolt app, built from its dependencies, and the WSGI application that serves it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.conversation.flow import Conversation
from handlers.slack.deps import SlackDeps
from handlers.slack.listeners import actions, commands, events, home
from handlers.slack.messenger import SlackMessenger

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def web_client(token: str, base_url: str | None = None) -> WebClient:
    """A Web API client that retries once on HTTP 429, after Slack's Retry-After."""
    client = WebClient(token=token, base_url=base_url or "https://slack.com/api/")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    return client


def build_app(
    conversation: Conversation,
    *,
    token: str,
    signing_secret: str,
    base_url: str | None = None,
) -> tuple[App, SlackDeps]:
    """The Bolt app; its messenger joins the conversation layer, which answers what the listeners hand it."""
    client = web_client(token, base_url)
    app = App(
        signing_secret=signing_secret,
        client=client,  # carries the token
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    messenger = SlackMessenger(client)
    conversation.add_messenger(messenger)
    deps = SlackDeps(bot=conversation.bot, conversation=conversation, messenger=messenger)
    for listeners in (events, actions, commands, home):
        listeners.register(app, deps)
    app.error(_log_error)
    return app, deps


def _log_error(error: Exception, body: dict[str, Any]) -> None:
    log.error("Slack request failed (event %s): %s", body.get("event_id"), error, exc_info=error)


def wsgi_app(app: App) -> WSGIApplication:
    """Bolt at /slack/events, a health check at /healthz, 404 elsewhere."""
    handler = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        if path != EVENTS_PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        result: Iterable[bytes] = handler(environ, start_response)
        return result

    return application
