"""Slack transport: the core's Messenger over the Web API (chat.postMessage, files_upload_v2, chat.update)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.error import URLError

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.conversation.messenger import OutcomeUnknown
from bot.conversation.model import Card, ChartImage, Destination
from handlers.slack.blocks import card_blocks, fallback_text
from handlers.slack.payloads import PLATFORM, RESPONSE_URL
from handlers.slack.retries import cause, response_url_retry_handlers

log = logging.getLogger(__name__)

TITLE_LIMIT = 250
ALT_TEXT_LIMIT = 1000
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
    platform = PLATFORM

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, to: Destination, card: Card) -> str:
        if to.address.startswith(RESPONSE_URL):
            return self._respond(to.address.removeprefix(RESPONSE_URL), card)
        try:
            response = self.client.chat_postMessage(
                channel=to.address, thread_ts=to.thread, text=fallback_text(card), blocks=card_blocks(card)
            )
        except (TimeoutError, URLError) as error:
            if isinstance(cause(error), TimeoutError):
                raise OutcomeUnknown(f"chat.postMessage to {to.address} timed out") from error
            raise
        return f"{response.get('channel') or to.address}:{response.get('ts') or ''}"

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
            thread_ts=to.thread,
            file=chart.png,
            filename="briefbot-chart.png",
            title=chart.title[:TITLE_LIMIT],
            alt_txt=chart.alt_text[:ALT_TEXT_LIMIT],
        )

    def update(self, to: Destination, message_id: str, card: Card) -> None:
        _channel, _, ts = message_id.rpartition(":")
        self.client.chat_update(channel=to.address, ts=ts, text=fallback_text(card), blocks=card_blocks(card))
