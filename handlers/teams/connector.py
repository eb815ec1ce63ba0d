"""The Bot Connector REST API (v3), as briefbot calls it: send, update and delete activities, with the retries
Teams asks for, within the budget every platform call shares (ten minutes, as for a store outage:
handlers/retry_after.py): every 429 after its Retry-After; 412, 502 and 504 with backoff, as Microsoft advises
for any call; 500 and 503 with backoff only where a repeat cannot post twice (GET, PUT, DELETE). A 403 is named
for what it is (the bot was removed from the conversation).
https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit"""

from __future__ import annotations

import itertools
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from bot.conversation.messenger import Unreachable
from handlers.retry_after import RETRY_BUDGET, Patience, backoff, retry_after

log = logging.getLogger(__name__)
RETRIED = frozenset({412, 502, 504})
# A POST that met these may have been posted (Teams offers no way to look it up): repeated only when idempotent.
RETRIED_WHEN_IDEMPOTENT = frozenset({500, 503})
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})
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
        budget: float = RETRY_BUDGET,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tokens = tokens
        self.timeout = timeout
        self.budget = budget
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
        patience = Patience(self.budget, self.sleep)
        for attempt in itertools.count():  # ended by the budget
            status, headers, raw = self._once(method, url, body)
            if status < 300:
                return json.loads(raw) if raw.strip() else {}
            delay = self._delay(method, status, headers.get("retry-after"), attempt)
            slept = None if delay is None else patience.wait(delay, shorten=status != 429)
            if slept is None:
                break
            log.warning("%s answered %s; trying again after %.1f s", what, status, slept)
        if status == 403:
            raise ConversationGone(status, what)
        if status == 413:
            raise TooLarge(status, what)
        raise ConnectorError(status, what)

    def _delay(self, method: str, status: int, header: str | None, attempt: int) -> float | None:
        """Seconds before trying again, or None when this answer is not retried."""
        if status == 429:
            asked = retry_after(header, cap=self.budget)
            return backoff(attempt) if asked is None else asked
        if status in RETRIED or (status in RETRIED_WHEN_IDEMPOTENT and method in IDEMPOTENT):
            return backoff(attempt)
        return None

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
