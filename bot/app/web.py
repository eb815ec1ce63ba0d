"""The HTTP front every platform sits behind: health and readiness, one path per platform, and the guards a
public endpoint needs (a body limit checked before reading, no request body in any log, 4xx not 500)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from bot.app.slow_clients import HttpLimits, create_server
from bot.conversation.arrivals import Arrivals
from handlers.teams.app import MESSAGES_PATH

log = logging.getLogger(__name__)
# Slack's and Teams' payloads are a few kilobytes; nothing legitimate comes near this.
MAX_BODY = 1_000_000
# Paths a client checks with HEAD before it posts: the Microsoft 365 Agents Playground sends HEAD /api/messages
# every 250 ms while it connects. Answered 200, empty, and not logged (a probe is not a refusal).
PROBED = frozenset({MESSAGES_PATH})
DEFAULT_LIMITS = HttpLimits()
Readiness = Callable[[], str | None]  # None when ready, else the reason it is not


def _plain(start_response: StartResponse, status: str, text: str, *, failed: bool = False) -> list[bytes]:
    body = text.encode()
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    # After a failure the route may already have started a response: exc_info lets it be replaced.
    start_response(status, headers, sys.exc_info() if failed else None)
    return [body]


def router(
    routes: Mapping[str, WSGIApplication],
    *,
    ready: Readiness,
    max_body: int = MAX_BODY,
    arrivals: Arrivals | None = None,
) -> WSGIApplication:
    """`arrivals` is told of each platform request while it is handled, so replies being composed let the
    acknowledgements go first (bot.conversation.arrivals)."""
    arriving = arrivals.arriving if arrivals is not None else nullcontext

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return _plain(start_response, "200 OK", "ok")
        if path == "/readyz":
            reason = ready()
            return _plain(start_response, "200 OK", "ready") if reason is None else _unready(start_response, reason)
        route = routes.get(path)
        if route is None:
            return _plain(start_response, "404 Not Found", "not found")
        if path in PROBED and environ.get("REQUEST_METHOD") == "HEAD":
            return _plain(start_response, "200 OK", "")
        refusal = _refusal(environ, max_body)
        if refusal is not None:
            status, reason = refusal
            log.warning("refused %s %s: %s (%s bytes)", environ.get("REQUEST_METHOD"), path, reason, _size(environ))
            return _plain(start_response, status, reason)
        with arriving():
            return _guarded(route, environ, start_response)

    return application


def _unready(start_response: StartResponse, reason: str) -> list[bytes]:
    log.warning("not ready: %s", reason)
    return _plain(start_response, "503 Service Unavailable", reason)


def _size(environ: WSGIEnvironment) -> str:
    return str(environ.get("CONTENT_LENGTH") or "unknown")


def _refusal(environ: WSGIEnvironment, max_body: int) -> tuple[str, str] | None:
    if environ.get("REQUEST_METHOD") != "POST":
        return "405 Method Not Allowed", "POST only"
    length = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not length.isdigit():
        return "411 Length Required", "a Content-Length is required"
    if int(length) > max_body:
        return "413 Content Too Large", f"bodies over {max_body:,} bytes are refused"
    return None


def _guarded(route: WSGIApplication, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A malformed request is the sender's fault: 400, logged by size and reason, never by content."""
    try:
        return list(route(environ, start_response))
    except Exception as error:
        log.warning("bad request to %s (%s bytes): %s", environ.get("PATH_INFO"), _size(environ), type(error).__name__)
        return _plain(start_response, "400 Bad Request", "bad request", failed=True)


def make_server(application: WSGIApplication, *, host: str, port: int, limits: HttpLimits = DEFAULT_LIMITS) -> Any:
    """The waitress server briefbot runs behind. It buffers a body before the application sees it, so its own
    limit is what refuses a huge body unread (413 on the headers); slow clients are held off as
    bot/app/slow_clients.py explains."""
    return create_server(application, host=host, port=port, limits=limits, max_body=MAX_BODY)
