"""The Bot Connector REST API (v3), as briefbot calls it: send, update and delete activities, with the retries
Teams asks for (429 after Retry-After, capped; 412, 502 and 504 with backoff), and a 403 named for what it is
(the bot was removed from the conversation)."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from bot.conversation.messenger import Unreachable
from handlers.retry_after import retry_after

log = logging.getLogger(__name__)
RETRIED = frozenset({412, 502, 504})
BACKOFF = (0.5, 1.0, 2.0)  # seconds before the second, third and fourth attempts
RETRY_AFTER_CAP = 30.0
TIMEOUT = 10.0


class ConnectorError(RuntimeError):
    def __init__(self, status: int, what: str) -> None:
        super().__init__(f"Bot Connector answered {status} to {what}")
        self.status = status


class ConversationGone(ConnectorError, Unreachable):
    """403: the bot is no longer in the conversation (uninstalled, removed, or the chat was deleted)."""


class TooLarge(ConnectorError):
    """413: the message is over Teams' size limit."""


class Tokens(Protocol):
    """Where the bearer token for each call comes from (handlers.teams.credentials)."""

    def token(self) -> str: ...


class Connector:
    """Calls one activity endpoint at a time; `tokens` is None only in unauthenticated (test) mode."""

    def __init__(
        self,
        tokens: Tokens | None,
        *,
        timeout: float = TIMEOUT,
        backoff: tuple[float, ...] = BACKOFF,
        retry_after_cap: float = RETRY_AFTER_CAP,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tokens = tokens
        self.timeout = timeout
        self.backoff = backoff
        self.retry_after_cap = retry_after_cap
        self.sleep = sleep

    def send(self, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
        """POST /v3/conversations/{id}/activities; the new activity's id."""
        answer = self._call("POST", _url(service_url, conversation_id), activity)
        return str(answer.get("id") or "")

    def update(self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]) -> None:
        """PUT /v3/conversations/{id}/activities/{activityId}: replace a message the bot posted."""
        self._call("PUT", _url(service_url, conversation_id, activity_id), {**activity, "id": activity_id})

    def delete(self, service_url: str, conversation_id: str, activity_id: str) -> None:
        self._call("DELETE", _url(service_url, conversation_id, activity_id), None)

    def members(self, service_url: str, conversation_id: str) -> list[dict[str, Any]]:
        """GET /v3/conversations/{id}/members: who is in a conversation (a channel: its team's members)."""
        url = service_url.rstrip("/") + f"/v3/conversations/{urllib.parse.quote(conversation_id, safe='')}/members"
        found = self._call_any("GET", url, None)
        return [member for member in found if isinstance(member, dict)] if isinstance(found, list) else []

    def create_conversation(self, service_url: str, parameters: dict[str, Any]) -> str:
        """POST /v3/conversations: a personal chat with a user, to message them unprompted; its id."""
        answer = self._call("POST", service_url.rstrip("/") + "/v3/conversations", parameters)
        return str(answer.get("id") or "")

    def _call(self, method: str, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        answer = self._call_any(method, url, body)
        return answer if isinstance(answer, dict) else {}

    def _call_any(self, method: str, url: str, body: dict[str, Any] | None) -> Any:
        what = f"{method} {urllib.parse.urlsplit(url).path}"
        for attempt in range(len(self.backoff) + 1):
            status, headers, raw = self._once(method, url, body)
            if status < 300:
                return json.loads(raw) if raw.strip() else {}
            if attempt < len(self.backoff) and (status == 429 or status in RETRIED):
                delay = self._delay(status, headers.get("retry-after"), attempt)
                log.warning("%s answered %s; trying again in %.1f s", what, status, delay)
                self.sleep(delay)
                continue
            break
        if status == 403:
            raise ConversationGone(status, what)
        if status == 413:
            raise TooLarge(status, what)
        raise ConnectorError(status, what)

    def _delay(self, status: int, header: str | None, attempt: int) -> float:
        asked = retry_after(header, cap=self.retry_after_cap) if status == 429 else None
        return self.backoff[attempt] if asked is None else asked

    def _once(self, method: str, url: str, body: dict[str, Any] | None) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.tokens is not None:
            headers["Authorization"] = f"Bearer {self.tokens.token()}"
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            # The service URL comes from a validated activity (its JWT's serviceUrl claim) or a stored reference.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.status), _lower(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            return int(error.code), _lower((error.headers or {}).items()), error.read()


def _url(service_url: str, conversation_id: str, activity_id: str = "") -> str:
    path = f"v3/conversations/{urllib.parse.quote(conversation_id, safe='')}/activities"
    if activity_id:
        path += "/" + urllib.parse.quote(activity_id, safe="")
    return service_url.rstrip("/") + "/" + path


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}
