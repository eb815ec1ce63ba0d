"""Slack transport: the core's Messenger over the Web API (chat.postMessage, files_upload_v2, chat.update)."""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.error import URLError

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.metadata import Metadata
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.conversation.messenger import CannotTell, OutcomeUnknown
from bot.conversation.model import Card, ChartImage, Destination
from handlers.retry_after import RETRY_BUDGET, Patience, backoff
from handlers.slack.blocks import card_blocks, fallback_text
from handlers.slack.payloads import PLATFORM, RESPONSE_URL
from handlers.slack.retries import SERVER_ERRORS, Sleep, cause, response_url_retry_handlers

log = logging.getLogger(__name__)

TITLE_LIMIT = 250
ALT_TEXT_LIMIT = 1000
# A delivery's key rides on its message as Slack message metadata (docs.slack.dev/messaging/message-metadata),
# so that after a crash conversations.history can say whether it went out.
DELIVERY_EVENT = "briefbot_delivery"
HISTORY_PAGE = 100  # conversations.history's default page; internal apps are on Tier 3 for this method
HISTORY_PAGES = 10
# Errors that mean this app can't read the conversation's history (no *:history scope, not a member): no retry
# will change that, so the outcome stays unknown.
UNREADABLE = frozenset({"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type"})

RESPONSE_TIMEOUT = 30


def respond_once(url: str, message: dict[str, Any], *, timeout: int = RESPONSE_TIMEOUT) -> WebhookResponse:
    """Post to a response_url, sent again only when Slack cannot have seen it (retries.py): each post shows the
    person a message, and a URL takes five within 30 minutes
    (https://docs.slack.dev/interactivity/handling-user-interaction)."""
    webhook = WebhookClient(url, timeout=timeout, retry_handlers=response_url_retry_handlers())
    return webhook.send_dict(message)


class RespondOnce(Respond):
    """Bolt's `respond` for the listeners, posting through respond_once: Bolt's own sends a message again after a
    dropped connection, when the first may already be showing."""

    def __call__(self, text: str | dict[str, Any] = "", **fields: Any) -> WebhookResponse:  # type: ignore[override]
        if not self.response_url:
            raise ValueError("respond is unsupported here as there is no response_url")
        message = dict(text) if isinstance(text, dict) else {"text": text}
        message |= {name: value for name, value in fields.items() if value is not None}
        return respond_once(self.response_url, message)


class SlackMessenger:
    """Every chat.postMessage carries a delivery key as message metadata (the caller's, or one of its own), so a
    post that met a 5xx can be looked up before it is sent again: safe to repeat, never shown twice."""

    platform = PLATFORM

    def __init__(self, client: WebClient, *, budget: float = RETRY_BUDGET, sleep: Sleep = time.sleep) -> None:
        self.client = client
        self.budget = budget
        self.sleep = sleep

    def post(self, to: Destination, card: Card, *, key: str | None = None) -> str:
        if to.address.startswith(RESPONSE_URL):
            return self._respond(to.address.removeprefix(RESPONSE_URL), card)
        key = key or f"once:{uuid.uuid4().hex}"
        since = datetime.now(UTC) - timedelta(seconds=1)  # Slack's clock may run a little behind ours
        patience = Patience(self.budget, self.sleep)
        for attempt in itertools.count():  # ended by the budget
            try:
                return self._post_message(to, card, key)
            except SlackApiError as error:
                status = error.response.status_code
                slept = patience.wait(backoff(attempt), shorten=True) if status in SERVER_ERRORS else None
                if slept is None:
                    raise
                log.warning("chat.postMessage answered %s; looking for it after %.1f s", status, slept)
                found = self._find_after_failure(to, key, since)
                if found is not None:
                    return found
        raise AssertionError("itertools.count() does not end")

    def _find_after_failure(self, to: Destination, key: str, since: datetime) -> str | None:
        """Whether a post that met a 5xx went out after all; when Slack won't say, the outcome is unknown."""
        try:
            return self.find_posted(to, key, since)
        except CannotTell as error:
            raise OutcomeUnknown(f"chat.postMessage to {to.address} failed and can't be looked up") from error

    def _post_message(self, to: Destination, card: Card, key: str) -> str:
        metadata = Metadata(event_type=DELIVERY_EVENT, event_payload={"delivery": key})
        try:
            response = self.client.chat_postMessage(
                channel=to.address,
                thread_ts=to.thread,
                text=fallback_text(card),
                blocks=card_blocks(card),
                metadata=metadata,
            )
        except (TimeoutError, URLError) as error:
            if isinstance(cause(error), TimeoutError):
                raise OutcomeUnknown(f"chat.postMessage to {to.address} timed out") from error
            raise
        return f"{response.get('channel') or to.address}:{response.get('ts') or ''}"

    def find_posted(self, to: Destination, key: str, since: datetime) -> str | None:
        """conversations.history (conversations.replies for a thread) since then, with every message's metadata
        (include_all_metadata: without it Slack returns only the event types the app subscribes to), a page at a
        time."""
        try:
            channel = self._conversation(to.address)
            cursor: str | None = None
            for _page in range(HISTORY_PAGES):
                response = self._page(to, channel, since, cursor)
                found = _carrying(response.get("messages") or [], key)
                if found is not None:
                    return f"{channel}:{found}"
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not response.get("has_more") or cursor is None:
                    return None
        except SlackApiError as error:
            reason = str(error.response.get("error") or "")
            if reason in UNREADABLE:
                raise CannotTell(f"Slack won't show briefbot the history of {to.address}: {reason}") from error
            raise
        raise CannotTell(f"more than {HISTORY_PAGES * HISTORY_PAGE} messages in {to.address} since {since:%H:%M}")

    def _page(self, to: Destination, channel: str, since: datetime, cursor: str | None) -> SlackResponse:
        """A page of the channel's history or, for a reply, of its thread (a reply is only in the thread's)."""
        oldest = f"{since.timestamp():.6f}"
        if to.thread:
            return self.client.conversations_replies(
                channel=channel,
                ts=to.thread.rpartition(":")[2],
                oldest=oldest,
                include_all_metadata=True,
                limit=HISTORY_PAGE,
                cursor=cursor,
            )
        return self.client.conversations_history(
            channel=channel, oldest=oldest, include_all_metadata=True, limit=HISTORY_PAGE, cursor=cursor
        )

    def _conversation(self, address: str) -> str:
        """A person (U…, W…) is posted to by user id, but their DM's history is read by its channel id."""
        if not address.startswith(("U", "W")):
            return address
        response = self.client.conversations_open(users=address)
        return str((response.get("channel") or {}).get("id") or address)

    def _respond(self, url: str, card: Card) -> str:
        """Only the person who asked sees it: Slack's response_url, valid for 30 minutes and five replies. A new
        message (replace_original false): a follow-up's answer goes under the answer whose button was pressed."""
        message = {
            "text": fallback_text(card),
            "blocks": card_blocks(card),
            "response_type": "ephemeral",
            "replace_original": False,
        }
        try:
            response = respond_once(url, message, timeout=self.client.timeout)
        except (TimeoutError, URLError) as error:
            if isinstance(cause(error), TimeoutError):
                raise OutcomeUnknown("response_url post timed out") from error
            raise
        if response.status_code != 200:
            raise RuntimeError(f"response_url answered {response.status_code}")
        return "ephemeral"

    def attach_chart(self, to: Destination, chart: ChartImage) -> None:
        if to.address.startswith(RESPONSE_URL):
            # An ephemeral reply cannot carry a file; the figures are in its text.
            log.info("chart %r not attached to an ephemeral reply", chart.title)
            return
        self.client.files_upload_v2(
            channel=to.address,
            # A digest's charts are threaded under the id post() returned ("channel:ts"); Slack wants the ts.
            thread_ts=to.thread.rpartition(":")[2] if to.thread else None,
            file=chart.png,
            filename="briefbot-chart.png",
            title=chart.title[:TITLE_LIMIT],
            alt_txt=chart.alt_text[:ALT_TEXT_LIMIT],
        )

    def update(self, to: Destination, message_id: str, card: Card) -> None:
        _channel, _, ts = message_id.rpartition(":")
        self.client.chat_update(channel=to.address, ts=ts, text=fallback_text(card), blocks=card_blocks(card))


def _carrying(messages: list[dict[str, object]], key: str) -> str | None:
    """The ts of the message whose metadata names this delivery, if any."""
    for message in messages:
        metadata = message.get("metadata")
        if not isinstance(metadata, dict) or metadata.get("event_type") != DELIVERY_EVENT:
            continue
        payload = metadata.get("event_payload")
        if isinstance(payload, dict) and payload.get("delivery") == key:
            return str(message.get("ts") or "")
    return None
