"""What the conversation layer asks of a chat platform, and an in-process messenger that records it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from bot.conversation.model import Card, ChartImage, Destination


class OutcomeUnknown(RuntimeError):
    """The platform did not say whether a post arrived (it timed out after sending). Apologising could contradict
    an answer the user already sees, and posting again could show it twice: the flow does neither."""


class Unreachable(RuntimeError):
    """The destination can't be posted to any more (the bot was removed, or never installed there): trying
    again later will not help, so whatever was meant for it is closed, not retried."""


class Messenger(Protocol):
    """A platform's transport. Methods raise on failure; the flow decides what the user then sees."""

    platform: str

    def post(self, to: Destination, card: Card) -> str:
        """Post a card (in `to.thread` when set); returns the platform's id for the message."""

    def attach_chart(self, to: Destination, chart: ChartImage) -> None:
        """Show a chart image, with its title and alt text, in the conversation."""

    def update(self, to: Destination, message_id: str, card: Card) -> None:
        """Replace a message the bot posted earlier."""


@dataclass(frozen=True)
class Sent:
    """One call a messenger received: what, where, and the card or chart."""

    action: str
    to: Destination
    card: Card | None = None
    chart_title: str = ""
    chart_alt_text: str = ""
    message_id: str = ""


class RecordingMessenger:
    """Records what would be posted, so conversation flows are tested once without any platform.

    `fail` names actions ("post", "attach_chart", "update") that raise once each, to play a platform error."""

    def __init__(self, platform: str = "test") -> None:
        self.platform = platform
        self.sent: list[Sent] = []
        self._fail: dict[str, int] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    def fail_next(self, action: str, times: int = 1) -> None:
        with self._lock:
            self._fail[action] = self._fail.get(action, 0) + times

    def post(self, to: Destination, card: Card) -> str:
        return self._record(Sent("post", to, card=card))

    def attach_chart(self, to: Destination, chart: ChartImage) -> None:
        self._record(Sent("attach_chart", to, chart_title=chart.title, chart_alt_text=chart.alt_text))

    def update(self, to: Destination, message_id: str, card: Card) -> None:
        self._record(Sent("update", to, card=card, message_id=message_id))

    def _record(self, sent: Sent) -> str:
        with self._changed:
            if self._fail.get(sent.action, 0) > 0:
                self._fail[sent.action] -= 1
                raise RuntimeError(f"{sent.action} failed (as asked)")
            message_id = f"m{len(self.sent) + 1}"
            self.sent.append(Sent(sent.action, sent.to, sent.card, sent.chart_title, sent.chart_alt_text, message_id))
            self._changed.notify_all()
            return message_id

    def posts(self, address: str | None = None) -> list[Card]:
        return [s.card for s in self.sent if s.action == "post" and s.card and address in (None, s.to.address)]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Until at least `count` calls have been recorded."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.sent) >= count, timeout)
