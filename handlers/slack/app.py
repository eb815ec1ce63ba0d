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

from bot.service import Briefbot
from handlers.slack.delivery import ChannelPacer, Deliverer
from handlers.slack.deps import SlackDeps
from handlers.slack.listeners import actions, commands, events, home

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def web_client(token: str, base_url: str | None = None) -> WebClient:
    """A Web API client that retries once on HTTP 429, after Slack's Retry-After."""
    client = WebClient(token=token, base_url=base_url or "https://slack.com/api/")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    return client


def build_app(
    bot: Briefbot,
    *,
    token: str,
    signing_secret: str,
    base_url: str | None = None,
    workers: int = 16,
    pacer: ChannelPacer | None = None,
) -> tuple[App, SlackDeps]:
    client = web_client(token, base_url)
    app = App(
        signing_secret=signing_secret,
        client=client,  # carries the token
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    deps = SlackDeps(bot=bot, deliverer=Deliverer(bot, client, workers=workers, pacer=pacer))
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
