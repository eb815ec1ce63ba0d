"""A loopback server that plays Slack: its Web API (the methods briefbot calls) and signed requests to the app.

It records every call, serves the file-upload URL from itself, and can be told to fail a method once (a 429
with Retry-After, or an error body). Nothing here reaches the internet.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakes.loopback import QuietHandler, start

BOT_USER = "UBOT"
DROPPED = 0  # handle()'s status for a request whose connection is closed unanswered


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    drops: set[str] = field(default_factory=set)
    # Files users have shared (id -> name and content, served at url_private_download) and user groups.
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    # Socket Mode: hands out a fresh WebSocket URL for apps.connections.open (fakes/slack_socket.py).
    socket_mode_url: Callable[[], str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        fake = self

        class Handler(QuietHandler):
            def serve(self) -> None:
                if self.command == "GET":  # a shared file's download
                    status, payload = fake.download(self.path, self.headers.get("Authorization", ""))
                    self.answer(status, payload, "text/csv")
                    return
                status, body, headers = fake.handle(
                    self.path,
                    self.headers.get("Content-Type", ""),
                    self.body(),
                    authorization=self.headers.get("Authorization", ""),
                )
                if status == DROPPED:
                    self.close_connection = True  # read and recorded, but never answered
                    return
                self.answer_json(status, body, headers)

        self.server = start(Handler)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_once(
        self, method: str, status: int = 429, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        default = {"ok": False, "error": "ratelimited"} if status == 429 else {"ok": False, "error": "internal"}
        retry = {"Retry-After": "0"} if status == 429 else {}
        self.failures.setdefault(method, []).append((status, body or default, headers or retry))

    def drop_once(self, method: str) -> None:
        """The next call to `method` is received and recorded, then the connection closes with no answer."""
        self.drops.add(method)

    def delay_once(self, method: str, seconds: float) -> None:
        """The next call to `method` succeeds, but its answer comes `seconds` late."""
        self.delays[method] = seconds

    def handle(
        self, path: str, content_type: str, raw: bytes, *, authorization: str = ""
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path.startswith("/upload/"):
            with self._lock:
                self.uploads[path.rsplit("/", 1)[-1]] = raw
                self.calls.append(
                    Call("upload", {"file_id": path.rsplit("/", 1)[-1], "size": len(raw)}, time.monotonic())
                )
            return 200, {"ok": True}, {}
        params = _params(content_type, raw)
        if path.startswith("/response/"):
            # A response_url (a slash command's or a click's); fail_once and delay_once name it "response_url".
            method, params = "response_url", {**params, "response_id": path.rsplit("/", 1)[-1]}
        else:
            method = path.removeprefix("/api/")
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic()))
            pending = self.failures.get(method)
            if pending:
                return pending.pop(0)
            if method in self.drops:
                self.drops.discard(method)
                return DROPPED, {}, {}
            number = next(self._ids)
            slow = self.delays.pop(method, 0.0)
        time.sleep(slow)  # processed, then answered late: the caller may have given up waiting
        if method == "apps.connections.open":
            return 200, self.open_connection(authorization), {}
        return 200, self.reply(method, params, number), {}

    def open_connection(self, authorization: str) -> dict[str, Any]:
        """apps.connections.open (https://docs.slack.dev/reference/methods/apps.connections.open/): an app-level
        token, in the Authorization header, gets a WebSocket URL for Socket Mode."""
        if not authorization.startswith("Bearer xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if self.socket_mode_url is None:
            return {"ok": False, "error": "internal_error"}
        return {"ok": True, "url": self.socket_mode_url()}

    def reply(self, method: str, params: dict[str, Any], number: int) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Leeds",
                "user": "briefbot",
                "team_id": "T1",
                "user_id": BOT_USER,
                "bot_id": "BBOT",
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{number:06d}"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text"), "ts": ts},
            }
        if method == "files.getUploadURLExternal":
            return {"ok": True, "file_id": f"F{number}", "upload_url": f"http://127.0.0.1:{self.port}/upload/F{number}"}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            listed = json.loads(files) if isinstance(files, str) else files or []
            return {"ok": True, "files": [{"id": item["id"], "title": item.get("title")} for item in listed]}
        if method in ("views.publish", "views.open"):
            return {"ok": True, "view": {"id": f"V{number}", **(_json(params.get("view")) or {})}}
        if method == "usergroups.users.list":
            group = str(params.get("usergroup") or "")
            if group not in self.groups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": self.groups[group]}
        if method == "files.info":
            return self._file_info(str(params.get("file") or ""))
        return {"ok": True}

    def share_file(self, file_id: str, name: str, content: bytes) -> None:
        self.files[file_id] = (name, content)

    def _file_info(self, file_id: str) -> dict[str, Any]:
        if file_id not in self.files:
            return {"ok": False, "error": "file_not_found"}
        name, content = self.files[file_id]
        url = f"http://127.0.0.1:{self.port}/files/{file_id}"
        kind = name.rsplit(".", 1)[-1].lower()
        return {
            "ok": True,
            "file": {"id": file_id, "name": name, "filetype": kind, "size": len(content), "url_private_download": url},
        }

    def download(self, path: str, authorization: str) -> tuple[int, bytes]:
        """A file's private URL: only with the bot's token, as Slack serves it."""
        file_id = path.rsplit("/", 1)[-1]
        with self._lock:
            self.calls.append(Call("download", {"file_id": file_id, "authorization": authorization}, time.monotonic()))
        if not path.startswith("/files/") or file_id not in self.files or not authorization.startswith("Bearer xoxb-"):
            return 404, b""
        return 200, self.files[file_id][1]

    # -- reading what happened --------------------------------------------------------------------------
    def to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [call.params for call in self.calls if call.method == method]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.01)
        return condition()


def _json(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        loaded: dict[str, Any] = json.loads(value)
        return loaded
    return value if isinstance(value, dict) else None


def _params(content_type: str, raw: bytes) -> dict[str, Any]:
    text = raw.decode("utf-8") if raw else ""
    if "json" in content_type and text:
        loaded: dict[str, Any] = json.loads(text)
        return loaded
    return {key: values[-1] for key, values in urllib.parse.parse_qs(text).items()}


# -- requests to the app, signed as Slack signs them -----------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    seconds: float

    def json(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body) if self.body else {}
        return loaded


def sign(secret: str, timestamp: int, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def post_signed(
    url: str,
    body: str,
    secret: str,
    *,
    content_type: str = "application/json",
    timestamp: int | None = None,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    moment = int(time.time()) if timestamp is None else timestamp
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(moment),
            "X-Slack-Signature": signature or sign(secret, moment, body),
            **(headers or {}),
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Response(response.status, response.read().decode(), time.perf_counter() - started)
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read().decode(), time.perf_counter() - started)


def mention(
    event_id: str,
    text: str,
    *,
    channel: str = "C1",
    ts: str = "1700000000.000100",
    thread_ts: str | None = None,
    user: str = "U1",
) -> str:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event_callback(event_id, event)


def direct_message(
    event_id: str, text: str, *, channel: str = "D1", ts: str = "1700000001.000100", user: str = "U1", **extra: Any
) -> str:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }
    return event_callback(event_id, event)


def event_callback(event_id: str, event: dict[str, Any]) -> str:
    return json.dumps(
        {
            "token": "unused",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
        }
    )


def form(fields: dict[str, Any]) -> str:
    return urllib.parse.urlencode(
        {key: json.dumps(value) if isinstance(value, dict) else value for key, value in fields.items()}
    )


def button_click(
    value: str,
    *,
    channel: str = "C1",
    message_ts: str = "1700000000.000200",
    thread_ts: str = "1700000000.000100",
    user: str = "U1",
    ephemeral: bool = False,
    response_url: str = "http://127.0.0.1:1/unused",
) -> str:
    """A press of an answer's button. Shaped after Slack's block_actions payload reference
    (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload): a button on a message Slack
    keeps comes with that `message`; one on an ephemeral message (a /brief answer) comes without it, its
    `container` saying `"is_ephemeral": true`, and only the `response_url` leads back to the person."""
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts, "channel_id": channel}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": f"trigger-{time.time_ns()}",
        "response_url": response_url,
        "container": container,
        "channel": {"id": channel},
        "actions": [
            {
                "type": "button",
                "action_id": "briefbot_ask_next_0",
                "block_id": "b1",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
    if ephemeral:
        container["is_ephemeral"] = True
    else:
        payload["message"] = {"ts": message_ts, "thread_ts": thread_ts, "text": "answer"}
    return form({"payload": json.dumps(payload)})


def slash(
    command: str,
    text: str,
    *,
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "http://127.0.0.1:1/unused",
    user_name: str = "",
) -> str:
    return form(
        {
            "command": command,
            "text": text,
            "user_id": user,
            "user_name": user_name or user.lower(),
            "channel_id": channel,
            "team_id": "T1",
            "trigger_id": f"trigger-{time.time_ns()}",
            "response_url": response_url,
        }
    )


def block_action(action_id: str, value: str, *, user: str = "U1", response_url: str, channel: str = "C1") -> str:
    """A press of a button on an ephemeral message (a preview's Confirm or Cancel)."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "name": user.lower()},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": f"trigger-{time.time_ns()}",
        "response_url": response_url,
        "container": {
            "type": "message",
            "message_ts": "1700000000.000900",
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "channel": {"id": channel},
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": "b1", "value": value, "action_ts": str(time.time())}
        ],
    }
    return form({"payload": json.dumps(payload)})


def view_submission(
    callback_id: str, values: dict[str, dict[str, Any]], *, user: str = "U1", private_metadata: str = ""
) -> str:
    """A modal submitted: `values` is Slack's view.state.values (block id -> action id -> element state)."""
    payload = {
        "type": "view_submission",
        "user": {"id": user, "name": user.lower()},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": f"trigger-{time.time_ns()}",
        "view": {
            "id": "V-form",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
        },
    }
    return form({"payload": json.dumps(payload)})
