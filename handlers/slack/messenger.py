"""Slack transport: the core's Messenger over the Web API (chat.postMessage, files_upload_v2, chat.update)."""

from __future__ import annotations

import logging
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.conversation.messenger import OutcomeUnknown
from bot.conversation.model import Card, ChartImage, Destination
from handlers.slack.blocks import card_blocks, fallback_text
from handlers.slack.payloads import PLATFORM, RESPONSE_URL
from handlers.slack.retries import cause

log = logging.getLogger(__name__)

TITLE_LIMIT = 250
ALT_TEXT_LIMIT = 1000


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
        """Only the person who asked sees it: Slack's response_url, valid for 30 minutes and five replies."""
        webhook = WebhookClient(url, timeout=self.client.timeout, retry_handlers=self.client.retry_handlers)
        response = webhook.send(text=fallback_text(card), blocks=card_blocks(card), response_type="ephemeral")
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
