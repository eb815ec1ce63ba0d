"""How the Slack Web API client retries, built on slack_sdk's own handlers (slack_sdk.http_retry): a 429 is
waited through as Retry-After asks, every time, until the waits would pass the budget every platform call shares
(ten minutes, as for a store outage: handlers/retry_after.py); what Slack has certainly not processed is sent
again with backoff; what it may have processed (a post that timed out or met a 5xx) is not sent again here, so
a message never appears twice (SlackMessenger.post looks a keyed chat.postMessage up before posting it again)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from urllib.error import URLError
from urllib.parse import urlparse

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from handlers.retry_after import RETRY_BUDGET, Patience, backoff, retry_after

Sleep = Callable[[float], None]
SERVER_ERRORS = frozenset({500, 502, 503, 504})
# Methods whose effect is visible and not idempotent: a repeat after an unknown outcome could post twice.
POSTING_METHODS = frozenset({"chat.postMessage", "files.completeUploadExternal", "chat.postEphemeral"})
# Attempts are bounded by the budget, not by a count: slack_sdk's counter is only a backstop.
MANY = 10_000


def retry_after_seconds(value: str | None, *, cap: float = RETRY_BUDGET) -> float:
    """Retry-After as Slack sends it (whole seconds, or "1.5"), within [0, cap]; 1 s when unreadable."""
    seconds = retry_after(value, cap=cap)
    return 1.0 if seconds is None else seconds


def patience(state: RetryState, budget: float, sleep: Sleep) -> Patience:
    """This request's share of the budget, kept in slack_sdk's per-request state and shared by the handlers."""
    values = state.custom_values = state.custom_values or {}
    kept = values.get("patience")
    if not isinstance(kept, Patience):
        kept = values["patience"] = Patience(budget, sleep)
    return kept


def _wait(state: RetryState, patience: Patience, seconds: float, *, shorten: bool) -> None:
    patience.wait(seconds, shorten=shorten)
    state.increment_current_attempt()
    state.next_attempt_requested = True


def _header(response: HttpResponse, name: str) -> str | None:
    for key, value in response.headers.items():
        if key.lower() == name:
            return value[0] if isinstance(value, list) else value
    return None


def _method(request: HttpRequest) -> str:
    return urlparse(request.url).path.rsplit("/", 1)[-1]


class RateLimited(RateLimitErrorRetryHandler):
    """A 429 means Slack did nothing with the request: safe to send again after Retry-After (fractions kept, which
    slack_sdk's own handler truncates), for as long as the budget lasts."""

    def __init__(self, *, budget: float = RETRY_BUDGET, sleep: Sleep = time.sleep) -> None:
        super().__init__(max_retry_count=MANY)
        self.budget = budget
        self.sleep = sleep

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return patience(state, self.budget, self.sleep).allows(self._asked(response), shorten=False)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        asked = self._asked(response) if response is not None else 1.0
        share = patience(state, self.budget, self.sleep)
        jitter = min(random.uniform(0, 0.25), max(share.left() - asked, 0.0))
        _wait(state, share, asked + jitter, shorten=False)  # jitter: replicas don't all come back at once

    def _asked(self, response: HttpResponse) -> float:
        return retry_after_seconds(_header(response, "retry-after"), cap=self.budget)


def cause(error: BaseException | None) -> object:
    """What went wrong underneath urllib's URLError wrapper (a refused connection, a timeout)."""
    return error.reason if isinstance(error, URLError) else error


def _refused(error: Exception | None) -> bool:
    """The connection was never made, so Slack cannot have seen the request."""
    return isinstance(cause(error), ConnectionRefusedError)


class Unavailable(ServerErrorRetryHandler):
    """Slack down or failing (500, 502, 503, 504, or no connection): retried with backoff within the budget. A
    posting method is sent again only when the connection was refused; after a 5xx or a timeout it may have
    been posted, so the failure is reported, not repeated. `always_posts` is for a client whose every request
    posts a message."""

    def __init__(self, *, always_posts: bool = False, budget: float = RETRY_BUDGET, sleep: Sleep = time.sleep) -> None:
        super().__init__(max_retry_count=MANY)
        self.always_posts = always_posts
        self.budget = budget
        self.sleep = sleep

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not patience(state, self.budget, self.sleep).allows(0.0, shorten=True):
            return False
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
        # Doubling from half a second to 30 s, with jitter, cut to what is left of the budget.
        _wait(state, patience(state, self.budget, self.sleep), backoff(state.current_attempt), shorten=True)


def retry_handlers(*, budget: float = RETRY_BUDGET, sleep: Sleep = time.sleep) -> list[RetryHandler]:
    return [RateLimited(budget=budget, sleep=sleep), Unavailable(budget=budget, sleep=sleep)]


def response_url_retry_handlers(*, budget: float = RETRY_BUDGET, sleep: Sleep = time.sleep) -> list[RetryHandler]:
    """A response_url post shows the person a message, and each URL takes only five (for 30 minutes): like
    chat.postMessage, it is sent again only when Slack cannot have seen it (a 429, a refused connection)."""
    return [RateLimited(budget=budget, sleep=sleep), Unavailable(always_posts=True, budget=budget, sleep=sleep)]
