"""Slow clients against the real waitress server on loopback: a flood of half-sent POSTs holds neither /healthz
nor a platform's next request; the oldest half-sent requests over the cap are dropped; idle ones time out."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from bot.app.settings import Settings
from bot.app.slow_clients import HttpLimits
from bot.app.web import make_server, router

HALF_SENT = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\nSECRET-HALF"


def _echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"answered"]


@contextmanager
def serving(limits: HttpLimits) -> Iterator[Any]:
    server = make_server(router({"/slack/events": _echo}, ready=lambda: None), host="127.0.0.1", port=0, limits=limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
        thread.join(timeout=5)


def half_sent(port: int, count: int, stack: ExitStack) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        client = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
        client.sendall(HALF_SENT)
        sockets.append(client)
    return sockets


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def get(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        return b"".join(iter(lambda: client.recv(65536), b""))


def post(port: int, body: bytes) -> bytes:
    head = f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(head.encode() + body)
        return b"".join(iter(lambda: client.recv(65536), b""))


def closed_by_server(clients: list[socket.socket]) -> list[bool]:
    """Which of the clients the server has closed, asked of all at once (one poll, no waiting)."""
    poller = select.poll()
    for client in clients:
        poller.register(client, select.POLLIN | select.POLLHUP)
    readable = {descriptor for descriptor, _events in poller.poll(0)}
    return [client.fileno() in readable and _at_end(client) for client in clients]


def _at_end(client: socket.socket) -> bool:
    try:
        return client.recv(1, socket.MSG_PEEK) == b""
    except ConnectionResetError:
        return True


def test_healthz_and_a_platform_answer_while_a_thousand_half_sent_posts_wait() -> None:
    with serving(HttpLimits()) as server, ExitStack() as stack:
        flood = half_sent(server.effective_port, 1000, stack)
        wait_for(lambda: len(server.unread_bodies) == 1000)
        assert get(server.effective_port, "/healthz").startswith(b"HTTP/1.1 200")
        assert post(server.effective_port, b"{}").endswith(b"answered")
        # Still held, not dropped to make room: the flood is under the cap and the idle timeout.
        assert not any(closed_by_server(flood))


def test_the_oldest_half_sent_requests_over_the_cap_are_dropped() -> None:
    with serving(HttpLimits(unread_bodies=10)) as server, ExitStack() as stack:
        flood = half_sent(server.effective_port, 25, stack)
        wait_for(lambda: server.unread_bodies.dropped == 15)
        wait_for(lambda: all(closed_by_server(flood[:15])))
        assert not any(closed_by_server(flood[15:]))
        assert get(server.effective_port, "/healthz").startswith(b"HTTP/1.1 200")


def test_idle_connections_are_closed_after_the_timeout() -> None:
    with serving(HttpLimits(channel_timeout=1)) as server, ExitStack() as stack:
        started = time.monotonic()
        flood = half_sent(server.effective_port, 50, stack)
        wait_for(lambda: all(closed_by_server(flood)), timeout=10)
        assert time.monotonic() - started >= 1
        assert len(server.unread_bodies) == 0


def test_limits_come_from_settings() -> None:
    settings = Settings.from_env(
        {"BRIEFBOT_HTTP_IDLE_TIMEOUT": "5", "BRIEFBOT_HTTP_CONNECTIONS": "300", "BRIEFBOT_HTTP_UNREAD_BODIES": "50"},
        env_file=None,
    )
    assert settings.http == HttpLimits(channel_timeout=5, connection_limit=300, unread_bodies=50)
    assert Settings.from_env({}, env_file=None).http == HttpLimits()
