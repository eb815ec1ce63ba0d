"""Slack transport: the core's Messenger over the Web API (chat.postMessage, files_upload_v2, chat.update)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.conversation.model import Card, ChartImage, Destination
from handlers.slack.blocks import card_blocks, fallback_text
from handlers.slack.payloads import PLATFORM

TITLE_LIMIT = 250
ALT_TEXT_LIMIT = 1000


class SlackMessenger:
    platform = PLATFORM

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, to: Destination, card: Card) -> str:
        response = self.client.chat_postMessage(
            channel=to.address, thread_ts=to.thread, text=fallback_text(card), blocks=card_blocks(card)
        )
        return f"{response.get('channel') or to.address}:{response.get('ts') or ''}"

    def attach_chart(self, to: Destination, chart: ChartImage) -> None:
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
