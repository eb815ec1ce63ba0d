"""An in-process WSGI client: calls the application directly (no socket, no server thread), for handler tests that
are about what the application answers rather than about HTTP. The end-to-end tests keep waitress on loopback."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from wsgiref.types import WSGIApplication

from fakes.slack_requests import sign


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def call(
    application: WSGIApplication,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One request, as waitress would hand it over (PEP 3333 environ); the whole answer."""
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in {"CONTENT_TYPE", "CONTENT_LENGTH"} else f"HTTP_{key}"] = value
    started: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started["status"], started["headers"] = status, dict(response_headers)
        return lambda _data: None

    chunks = application(environ, start_response)
    try:
        answer = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return Reply(int(str(started["status"]).split()[0]), started["headers"], answer)


def slack_signed(
    application: WSGIApplication,
    path: str,
    body: str,
    secret: str,
    *,
    content_type: str = "application/json",
    signature: str | None = None,
) -> Reply:
    """A request signed as Slack signs one (or with the given, wrong, signature)."""
    moment = int(time.time())
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": signature or sign(secret, moment, body),
    }
    return call(application, "POST", path, body.encode(), headers)
