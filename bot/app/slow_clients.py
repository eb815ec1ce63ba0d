"""The HTTP server's defences against slow clients: idle connections dropped, a ceiling on open connections well
above what a chat front end needs, and a cap on requests whose headers or body are still arriving (the
"slowloris" shape: many connections each holding a half-sent POST), beyond which the oldest is dropped.

Slack and Teams send a few kilobytes in one go, so a request of theirs is half-sent for milliseconds; a client that
holds one open for seconds is either broken or hostile, and must not stop /healthz or Slack's next event."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from wsgiref.types import WSGIApplication

import waitress
from waitress.channel import HTTPChannel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpLimits:
    """What the server tolerates (settings: BRIEFBOT_HTTP_*; .env.example explains each)."""

    # Seconds a connection may sit with nothing arriving before it is closed (waitress's default is 120).
    channel_timeout: int = 10
    # Open connections at most; beyond it the server stops accepting until some close. Far above the idle
    # connections a flood leaves, so /healthz and the platforms still get in.
    connection_limit: int = 4000
    # Requests still arriving (headers or body unread) at once; the oldest is dropped to make room.
    unread_bodies: int = 2000
    threads: int = 8


class UnreadBodies:
    """The channels holding a half-received request, oldest first (touched by the server loop and by closes)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._arriving: OrderedDict[int, HTTPChannel] = OrderedDict()
        self._lock = threading.Lock()
        self.dropped = 0

    def note(self, channel: HTTPChannel) -> None:
        """After data arrived: track the channel while its request is incomplete; drop the oldest over the cap."""
        with self._lock:
            if channel.request is None:
                self._arriving.pop(id(channel), None)
                return
            self._arriving.setdefault(id(channel), channel)
            while len(self._arriving) > self.cap:
                _key, oldest = self._arriving.popitem(last=False)
                oldest.will_close = True  # the server loop closes it on its next pass
                self.dropped += 1
        if self.dropped and self.dropped % 100 == 1:
            log.warning("dropped %s half-sent requests over the cap of %s", self.dropped, self.cap)

    def forget(self, channel: HTTPChannel) -> None:
        with self._lock:
            self._arriving.pop(id(channel), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._arriving)


class CappedChannel(HTTPChannel):  # type: ignore[misc]  # waitress ships no type hints
    """waitress's channel, reporting each half-received request to the server's UnreadBodies."""

    def received(self, data: bytes) -> bool:
        result = bool(super().received(data))
        self.server.unread_bodies.note(self)
        return result

    def del_channel(self, map: Any = None) -> None:  # waitress's parameter name
        self.server.unread_bodies.forget(self)
        super().del_channel(map)


def create_server(application: WSGIApplication, *, host: str, port: int, limits: HttpLimits, max_body: int) -> Any:
    """One listening socket (host, port), served by waitress with the limits above. poll(), not select(): select
    cannot watch a descriptor numbered over 1,023, and a flood opens more than that."""
    server = waitress.create_server(
        application,
        host=host,
        port=port,
        threads=limits.threads,
        max_request_body_size=max_body,
        channel_timeout=limits.channel_timeout,
        # How often idle connections are looked for: a tenth of the timeout, so one lasts at most ~1.1 times it.
        cleanup_interval=max(1, limits.channel_timeout // 10),
        connection_limit=limits.connection_limit,
        asyncore_use_poll=True,
    )
    server.unread_bodies = UnreadBodies(limits.unread_bodies)
    server.channel_class = CappedChannel
    return server
