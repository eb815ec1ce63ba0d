"""The Bolt app, built from its dependencies, and the WSGI application that serves it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.failures import log_failure
from handlers.slack.deps import SlackDeps
from handlers.slack.fields import Malformed
from handlers.slack.interactions import BlockAction, ViewPayload
from handlers.slack.listeners import ALL
from handlers.slack.messenger import RespondOnce
from handlers.slack.payloads import PAYLOAD, PayloadKind, SlashCommand, check_event, kind_of
from handlers.slack.retries import retry_handlers

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def web_client(token: str, base_url: str | None = None) -> WebClient:
    """A Web API client that retries what Slack certainly did not process (handlers/slack/retries.py)."""
    client = WebClient(token=token, base_url=base_url or "https://slack.com/api/")
    client.retry_handlers = retry_handlers()
    return client


def build_app(deps: SlackDeps, *, signing_secret: str) -> App:
    """The Bolt app, its listeners built from `deps` (the composition root makes those: bot.app.slack_app)."""
    app = App(
        signing_secret=signing_secret,
        client=deps.messenger.client,  # carries the token
        # The listeners only record the event (a quick write) and hand it on, so Slack's 200 follows the
        # durable claim: an acknowledged event is never one the store has not seen.
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        logger=_bolt_logger(),
    )
    app.middleware(well_formed)
    app.middleware(_respond_once)
    for listeners in ALL:
        listeners.register(app, deps)
    app.error(_log_error)
    return app


REFUSED = "Sorry: that request was not one Slack sends, so nothing was done."


def parse_payload(body: dict[str, Any]) -> object:
    """The request's typed record (raises Malformed for a shape Slack never sends)."""
    kind = kind_of(body)
    if kind is PayloadKind.COMMAND:
        return SlashCommand.parse(body)
    if kind is PayloadKind.EVENT:
        return check_event(body)
    if kind is PayloadKind.BLOCK_ACTIONS:
        return BlockAction.parse(body)
    return ViewPayload.parse(body)


def well_formed(body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Every request is parsed once, before any listener: one Slack never sends gets 400 and one polite line,
    logged by its reason (a field's name), never by its content."""
    try:
        context[PAYLOAD] = parse_payload(body)
    except Malformed as error:
        log.warning("malformed Slack request refused: %s", error)
        return BoltResponse(status=400, body=REFUSED)
    return next()


def _respond_once(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Every listener's `respond` posts to the response_url without repeating what may have arrived."""
    if context.response_url:
        context["respond"] = RespondOnce(response_url=context.response_url)
    return next()


def officer_group_members(client: WebClient, group: str) -> frozenset[str]:
    """The members of the officers' user group (usergroups.users.list; the core caches the answer)."""
    response = client.usergroups_users_list(usergroup=group)
    return frozenset(str(user) for user in response.get("users") or ())


def channel_members(client: WebClient, channel: str) -> frozenset[str]:
    """conversations.members, every page (needs channels:read, and groups:read for a private channel)."""
    members: list[str] = []
    cursor = None
    while True:
        response = client.conversations_members(channel=channel, cursor=cursor, limit=1000)
        members += [str(user) for user in response.get("members") or ()]
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return frozenset(members)


def _bolt_logger() -> logging.Logger:
    """Bolt logs the whole body of a request whose signature fails (at info): ours only warns and worse."""
    logger = logging.getLogger("handlers.slack.bolt")
    logger.setLevel(logging.WARNING)
    return logger


def _log_error(error: Exception, body: dict[str, Any]) -> None:
    log_failure(log, "Slack request failed (event %s)", _event_id(body), error=error)


def _event_id(body: dict[str, Any]) -> str:
    """Slack's event id (Ev…, a few dozen characters) when the body has one that looks like it, else "-"."""
    found = str(body.get("event_id") or "-")
    return found if found.isalnum() and len(found) <= 40 else "-"


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


class SocketModeRefused(RuntimeError):
    """Slack would not open a Socket Mode connection for the app-level token (apps.connections.open)."""


class SocketMode(SocketModeHandler):
    """Bolt's Socket Mode handler on slack_sdk's built-in client, each envelope handled inside `arriving` (so
    replies being composed let its acknowledgement go first, as for an HTTP request). An envelope is acknowledged
    when its listener returns, after the event is recorded, as over HTTP; one the store could not record is left
    unacknowledged and Slack sends it again."""

    def __init__(
        self, app: App, app_token: str, *, arriving: Callable[[], AbstractContextManager[None]] | None = None
    ) -> None:
        super().__init__(app, app_token)
        self.arriving = arriving

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if self.arriving is None:
            super().handle(client, req)
            return
        with self.arriving():
            super().handle(client, req)

    def open(self) -> None:
        """Connect, or say plainly why Slack refused (the reconnections after that are slack_sdk's)."""
        try:
            self.connect()  # type: ignore[no-untyped-call]
        except SlackApiError as error:
            reason = error.response.get("error") if error.response is not None else error
            raise SocketModeRefused(f"Slack refused Socket Mode for SLACK_APP_TOKEN: {reason}") from None
        except OSError as error:  # Slack unreachable, after the Web API client's retries
            raise SocketModeRefused(f"could not reach Slack to open Socket Mode: {error}") from None

    def close(self) -> None:
        """No more envelopes: whatever is left unacknowledged, Slack sends again."""
        super().close()  # type: ignore[no-untyped-call]

    @property
    def connected(self) -> bool:
        return bool(self.client.is_connected())
