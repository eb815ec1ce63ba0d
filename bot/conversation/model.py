"""A chat-neutral conversation model: an inbound message, where a reply goes, and the card a reply shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True)
class Destination:
    """Where messages go: a platform plus the address it needs (a Slack channel; a Teams conversation
    reference as JSON), and the thread to reply in, if any."""

    platform: str
    address: str
    thread: str | None = None

    @property
    def pacing_key(self) -> str:
        # Platforms limit posting per conversation, whichever thread a message goes to.
        return f"{self.platform}:{self.address}"

    def in_thread(self, thread: str | None) -> Destination:
        return Destination(self.platform, self.address, thread)

    def to_json(self) -> dict[str, Any]:
        return {"platform": self.platform, "address": self.address, "thread": self.thread}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Destination:
        return cls(str(data["platform"]), str(data["address"]), data.get("thread"))


class InboundKind(StrEnum):
    """How a question came: typed in a message, a button pressed, or /brief (an area's summary)."""

    MESSAGE = "message"
    ACTION = "action"
    BRIEF = "brief"


@dataclass(frozen=True)
class Inbound:
    """A question as any platform delivers it. `keys` are the ids it can arrive under again (retries,
    duplicate deliveries); the first is the event's own. `thread_key` names the conversation thread it was
    asked in (a Slack thread or DM, a Teams reply chain or chat), so that a follow-up there ("and 2022?") is
    read with the thread's last question; None where a reply can't be followed up (an ephemeral answer)."""

    platform: str
    user: str
    text: str
    reply_to: Destination
    keys: tuple[str, ...] = ()
    kind: InboundKind = InboundKind.MESSAGE
    thread_key: str | None = None

    @property
    def key(self) -> str:
        return self.keys[0] if self.keys else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "user": self.user,
            "text": self.text,
            "reply_to": self.reply_to.to_json(),
            "keys": list(self.keys),
            "kind": self.kind,
            "thread_key": self.thread_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inbound:
        return cls(
            platform=str(data["platform"]),
            user=str(data.get("user", "")),
            text=str(data.get("text", "")),
            reply_to=Destination.from_json(data["reply_to"]),
            keys=tuple(data.get("keys", ())),
            kind=InboundKind(data.get("kind", InboundKind.MESSAGE)),
            thread_key=data.get("thread_key"),
        )


@dataclass(frozen=True)
class KeyFigure:
    """One figure shown on its own: the place, then the value with its period."""

    label: str
    value: str


@dataclass(frozen=True)
class Choice:
    """A button: what it says, and the question it asks when pressed."""

    label: str
    question: str


@dataclass(frozen=True)
class CardSection:
    """A titled group of plain-text lines (an overview's themes); level 2 sits inside the level 1 before it."""

    title: str
    lines: tuple[str, ...]
    level: int = 1


@dataclass(frozen=True)
class Card:
    """What a reply shows, decided once for every platform; renderers only translate it.

    Every string is plain text: no platform markup. `prominent` says the title is a finding (a header), not a
    question back or a message."""

    title: str
    prominent: bool = False
    lines: tuple[str, ...] = ()
    sections: tuple[CardSection, ...] = ()
    figures: tuple[KeyFigure, ...] = ()
    choices: tuple[Choice, ...] = ()
    follow_ups: tuple[Choice, ...] = ()
    context: str = ""
    fallback: str = ""

    @property
    def text(self) -> str:
        """The whole card as plain text: notifications, screen readers, search."""
        return self.fallback or "\n".join(line for line in (self.title, *self.lines) if line)


def note_card(text: str) -> Card:
    """A one-line message: an apology, a chart note, a polite refusal."""
    return Card(title=text, fallback=text)


class ChartImage(Protocol):
    """A drawn chart as a messenger needs it (charts.render.RenderedChart is one)."""

    @property
    def png(self) -> bytes: ...

    @property
    def title(self) -> str: ...

    @property
    def alt_text(self) -> str: ...
