"""/healthz while 1,000 idle connections each hold a half-sent POST (the flood issue 21 saw time /healthz out),
against the real waitress server with briefbot's default limits (bot/app/slow_clients.py)."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import ExitStack
from typing import Any

from bench.table import Result, summarise, time_calls
from bot.app.web import make_server, router

IDLE = 1000
HALF_SENT = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\n{"


def _nothing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return []


def _healthz(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b"".join(iter(lambda: client.recv(65536), b""))
    if not answer.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"/healthz answered {answer[:40]!r}")


def measure(runs: int = 200) -> list[Result]:
    server = make_server(router({"/slack/events": _nothing}, ready=lambda: None), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port
    try:
        with ExitStack() as stack:
            for _ in range(IDLE):
                stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5)).sendall(HALF_SENT)
            deadline = time.monotonic() + 30
            while len(server.unread_bodies) < IDLE and time.monotonic() < deadline:
                time.sleep(0.01)
            timings = time_calls(lambda _run: _healthz(port), runs, warmup=5)
            held = len(server.unread_bodies)
    finally:
        server.close()
    name = f"healthz under {IDLE:,} idle connections ({held:,} held)"
    return [summarise(name, "loopback", timings, p99_under=1000)]
