"""What the conversation layer asks of a chat platform, and an in-process messenger that records it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.conversation.model import Card, ChartImage, Destination


class OutcomeUnknown(RuntimeError):
    """The platform did not say whether a post arrived (it timed out after sending). Apologising could contradict
    an answer the user already sees, and posting again could show it twice: the flow does neither."""


class CannotTell(RuntimeError):
    """The platform offers no way to find out whether a message was posted (or this app may not use it): a
    delivery whose post was cut short must then be checked by a person, not posted again."""


class Unreachable(RuntimeError):
    """The destination can't be posted to any more (the bot was removed, or never installed there): trying
    again later will not help, so whatever was meant for it is closed, not retried."""


class Messenger(Protocol):
    """A platform's transport. Methods raise on failure; the flow decides what the user then sees."""

    platform: str

    def post(self, to: Destination, card: Card, *, key: str | None = None) -> str:
        """Post a card (in `to.thread` when set); returns the platform's id for the message. `key` names a delivery
        (a digest): the message carries it where the platform allows, so that find_posted can find it."""

    def find_posted(self, to: Destination, key: str, since: datetime) -> str | None:
        """The id of a message posted to `to` since `since` carrying `key`, or None when there is none (so it can be
        posted without showing twice). Raises CannotTell where the platform can't say."""

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
    key: str | None = None


class RecordingMessenger:
    """Records what would be posted, so conversation flows are tested once without any platform.

    `fail_next` names actions ("post", "attach_chart", "update") that raise once each, to play a platform error.
    `can_look_up`: whether find_posted answers (as Slack's history does) or raises CannotTell (as Teams)."""

    def __init__(self, platform: str = "test", *, can_look_up: bool = True) -> None:
        self.platform = platform
        self.can_look_up = can_look_up
        self.sent: list[Sent] = []
        self._fail: dict[str, int] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    def fail_next(self, action: str, times: int = 1) -> None:
        with self._lock:
            self._fail[action] = self._fail.get(action, 0) + times

    def post(self, to: Destination, card: Card, *, key: str | None = None) -> str:
        return self._record(Sent("post", to, card=card, key=key))

    def find_posted(self, to: Destination, key: str, since: datetime) -> str | None:
        if not self.can_look_up:
            raise CannotTell(f"{self.platform} can't say what was posted")
        with self._lock:
            found = [s.message_id for s in self.sent if s.action == "post" and s.key == key and s.to == to]
        return found[0] if found else None

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
            self.sent.append(
                Sent(sent.action, sent.to, sent.card, sent.chart_title, sent.chart_alt_text, message_id, sent.key)
            )
            self._changed.notify_all()
            return message_id

    def posts(self, address: str | None = None) -> list[Card]:
        return [s.card for s in self.sent if s.action == "post" and s.card and address in (None, s.to.address)]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Until at least `count` calls have been recorded."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.sent) >= count, timeout)
