"""How the Slack Web API client retries: what Slack has certainly not processed is sent again; what it may have
processed (a post that timed out or met a 5xx) is not, so a message never appears twice."""

from __future__ import annotations

import random
import time
from urllib.error import URLError
from urllib.parse import urlparse

from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from handlers.retry_after import retry_after

# Waits longer than this are not slept through by a worker: the reply fails and says so instead.
MAX_RETRY_AFTER = 30.0
SERVER_ERRORS = frozenset({500, 502, 503, 504})
# Methods whose effect is visible and not idempotent: a repeat after an unknown outcome could post twice.
POSTING_METHODS = frozenset({"chat.postMessage", "files.completeUploadExternal", "chat.postEphemeral"})


def retry_after_seconds(value: str | None, *, cap: float = MAX_RETRY_AFTER) -> float:
    """Retry-After as Slack sends it (whole seconds, or "1.5"), within [0, cap]; 1 s when unreadable."""
    seconds = retry_after(value, cap=cap)
    return 1.0 if seconds is None else seconds


def _header(response: HttpResponse, name: str) -> str | None:
    for key, value in response.headers.items():
        if key.lower() == name:
            return value[0] if isinstance(value, list) else value
    return None


def _method(request: HttpRequest) -> str:
    return urlparse(request.url).path.rsplit("/", 1)[-1]


class RateLimited(RetryHandler):
    """A 429 means Slack did nothing with the request: safe to send again, after Retry-After (capped)."""

    def __init__(self, max_retry_count: int = 2, cap: float = MAX_RETRY_AFTER) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.cap = cap

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = retry_after_seconds(_header(response, "retry-after") if response else None, cap=self.cap)
        time.sleep(wait + random.uniform(0, 0.25))  # jitter: replicas don't all come back at once
        state.increment_current_attempt()
        state.next_attempt_requested = True


def cause(error: BaseException | None) -> object:
    """What went wrong underneath urllib's URLError wrapper (a refused connection, a timeout)."""
    return error.reason if isinstance(error, URLError) else error


def _refused(error: Exception | None) -> bool:
    """The connection was never made, so Slack cannot have seen the request."""
    return isinstance(cause(error), ConnectionRefusedError)


class Unavailable(RetryHandler):
    """Slack down or failing: retried with backoff and jitter (about 15 s in all). A posting method is sent
    again only when the connection was refused; after a 5xx or a timeout it may have been posted, so the
    failure is reported, not repeated. `always_posts` is for a client whose every request posts a message."""

    def __init__(self, max_retry_count: int = 5, base_delay: float = 0.5, *, always_posts: bool = False) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.base_delay = base_delay
        self.always_posts = always_posts

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _refused(error):
            return True
        if self.always_posts or _method(request) in POSTING_METHODS:
            return False
        if response is not None:
            return response.status_code in SERVER_ERRORS
        return isinstance(error, OSError)  # URLError, timeouts and resets are OSErrors

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        delay = self.base_delay * 2**state.current_attempt
        time.sleep(delay + random.uniform(0, delay / 2))
        state.increment_current_attempt()
        state.next_attempt_requested = True


def retry_handlers() -> list[RetryHandler]:
    return [RateLimited(), Unavailable()]


def response_url_retry_handlers() -> list[RetryHandler]:
    """A response_url post shows the person a message, and each URL takes only five (for 30 minutes): like
    chat.postMessage, it is sent again only when Slack cannot have seen it (a 429, a refused connection)."""
    return [RateLimited(), Unavailable(always_posts=True)]
