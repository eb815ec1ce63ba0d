"""The Slack handler tests' harness: the real Bolt app served on loopback against FakeSlack, and what it posted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from fakes.slack import FakeSlack, post_signed
from handlers.slack.deps import SlackDeps

SECRET = "test-signing-secret"


@dataclass
class Harness:
    fake: FakeSlack
    url: str
    deps: SlackDeps
    engine: Engine

    def post(self, body: str, **options: Any) -> Any:
        return post_signed(self.url, body, SECRET, **options)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        return [call for call in self.fake.to("chat.postMessage") if call.get("channel") == channel]

    def completed_uploads(self, channel: str) -> list[dict[str, Any]]:
        return [call for call in self.fake.to("files.completeUploadExternal") if call.get("channel_id") == channel]
