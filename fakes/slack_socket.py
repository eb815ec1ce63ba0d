"""A loopback WebSocket server that plays Slack's end of Socket Mode, for the app's own slack_sdk client.

The frames follow Slack's "Using Socket Mode" guide (https://docs.slack.dev/apis/events-api/using-socket-mode/):
the app asks apps.connections.open (played by fakes/slack.py, answering with this server's ws:// URL; Slack's is
wss://) and connects; Slack first sends a `hello`; each event then arrives in an envelope, {"envelope_id",
"type": "events_api" (or "interactive", "slash_commands"), "payload": the same body an HTTP request would carry,
"accepts_response_payload", and for events "retry_attempt" and "retry_reason"}; the app acknowledges it by
sending back {"envelope_id": ...} (with a "payload" where one is accepted). An envelope left unacknowledged is
sent again by Slack, as an HTTP event is. The WebSocket protocol itself (RFC 6455: handshake, framing, ping and
pong) is the `websockets` library's, not written here.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

APP_ID = "A1"


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []
        self._changed = threading.Condition()
        self._tickets = itertools.count(1)
        self._envelopes = itertools.count(1)
        # No compression: Slack's endpoint negotiates none with slack_sdk's built-in client either.
        self.server = serve(self._session, "127.0.0.1", 0, compression=None)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server.socket.getsockname()[1])

    def url(self) -> str:
        """A fresh connection URL, as apps.connections.open hands out (a ticket for each)."""
        return f"ws://127.0.0.1:{self.port}/link/?ticket=fake-{next(self._tickets)}&app_id={APP_ID}"

    def stop(self) -> None:
        self.server.shutdown()

    def _session(self, connection: ServerConnection) -> None:
        with self._changed:
            self.connections.append(connection)
            count = len(self.connections)
        connection.send(json.dumps(_hello(count)))
        try:
            for message in connection:
                received = json.loads(message)
                if isinstance(received, dict) and "envelope_id" in received:
                    with self._changed:
                        self.acks.append(received)
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self.connections.remove(connection)
                self._changed.notify_all()

    # -- what the test does --------------------------------------------------------------------------------
    def wait_connected(self, timeout: float = 10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: bool(self.connections), timeout)

    def deliver(
        self, payload: dict[str, Any], *, kind: str = "events_api", retry_attempt: int = 0, envelope_id: str = ""
    ) -> str:
        """Send one envelope over the newest connection; returns its envelope_id."""
        if not self.wait_connected():
            raise AssertionError("the app never connected over Socket Mode")
        envelope_id = envelope_id or f"env-{next(self._envelopes)}-{time.time_ns()}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            # Events take no response payload; slash commands (and some interactions) do.
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else ""}
        with self._changed:
            connection = self.connections[-1]
        connection.send(json.dumps(envelope))
        return envelope_id

    def ack_for(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any] | None:
        """The app's acknowledgement of an envelope, waiting up to `timeout` for it."""

        def found() -> dict[str, Any] | None:
            return next((ack for ack in self.acks if ack.get("envelope_id") == envelope_id), None)

        with self._changed:
            self._changed.wait_for(lambda: found() is not None, timeout)
            return found()


def _hello(connections: int) -> dict[str, Any]:
    """Slack's first frame on a new connection."""
    return {
        "type": "hello",
        "num_connections": connections,
        "debug_info": {"host": "applink-loopback", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": APP_ID},
    }
