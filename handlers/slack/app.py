"""The Bolt app, built from its dependencies, and the WSGI application that serves it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.conversation.flow import Conversation
from bot.figures.updates import Access, Roles, Updates
from handlers.slack.deps import SlackDeps
from handlers.slack.listeners import ALL
from handlers.slack.messenger import SlackMessenger
from handlers.slack.retries import retry_handlers

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def web_client(token: str, base_url: str | None = None) -> WebClient:
    """A Web API client that retries what Slack certainly did not process (handlers/slack/retries.py)."""
    client = WebClient(token=token, base_url=base_url or "https://slack.com/api/")
    client.retry_handlers = retry_handlers()
    return client


def build_app(
    conversation: Conversation,
    *,
    token: str,
    signing_secret: str,
    base_url: str | None = None,
    access: Access | None = None,
) -> tuple[App, SlackDeps]:
    """The Bolt app; its messenger joins the conversation layer, which answers what the listeners hand it.
    `access` says who may change figures (without it, nobody in Slack may)."""
    client = web_client(token, base_url)
    app = App(
        signing_secret=signing_secret,
        client=client,  # carries the token
        # The listeners only record the event (a quick write) and hand it on, so Slack's 200 follows the
        # durable claim: an acknowledged event is never one the store has not seen.
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        logger=_bolt_logger(),
    )
    messenger = SlackMessenger(client)
    conversation.add_messenger(messenger)
    roles = Roles(access or Access(), group_members=lambda group: officer_group_members(client, group))
    updates = Updates(conversation.bot, roles)
    deps = SlackDeps(bot=conversation.bot, conversation=conversation, messenger=messenger, updates=updates)
    for listeners in ALL:
        listeners.register(app, deps)
    app.error(_log_error)
    return app, deps


def officer_group_members(client: WebClient, group: str) -> frozenset[str]:
    """The members of the officers' user group (usergroups.users.list; the core caches the answer)."""
    response = client.usergroups_users_list(usergroup=group)
    return frozenset(str(user) for user in response.get("users") or ())


def _bolt_logger() -> logging.Logger:
    """Bolt logs the whole body of a request whose signature fails (at info): ours only warns and worse."""
    logger = logging.getLogger("handlers.slack.bolt")
    logger.setLevel(logging.WARNING)
    return logger


def _log_error(error: Exception, body: dict[str, Any]) -> None:
    log.error("Slack request failed (event %s): %s", body.get("event_id"), error, exc_info=error)


def slack_wsgi(app: App) -> WSGIApplication:
    """Bolt at /slack/events, behind checks Bolt makes badly: a request without a numeric timestamp and a
    signature is refused with 401 before it is parsed, and a refusal is logged by size, never by body."""
    handler = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        if not timestamp.isdigit() or not environ.get("HTTP_X_SLACK_SIGNATURE"):
            log.warning("unsigned Slack request refused (%s bytes)", environ.get("CONTENT_LENGTH") or "unknown")
            start_response("401 Unauthorized", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"unsigned"]
        result: Iterable[bytes] = handler(environ, start_response)
        return result

    return application
