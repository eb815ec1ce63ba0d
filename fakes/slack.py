"""A loopback server that plays Slack's Web API (the methods briefbot calls) and its response_urls; the signed
requests to the app are built in fakes/slack_requests.py, Socket Mode's end in fakes/slack_socket.py.

It records every call, serves the file-upload URL from itself, and can be told to fail a method once (a 429
with Retry-After, or an error body), answer it late, or read it and drop the connection unanswered. It keeps
the messages posted, with their metadata, and answers conversations.history from them as Slack documents it.
Nothing here reaches the internet.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakes.loopback import QuietHandler, start
from fakes.slack_requests import (
    BOT_USER,
    Response,
    block_action,
    button_click,
    direct_message,
    event_callback,
    form,
    mention,
    post_signed,
    sign,
    slash,
    view_submission,
)

# The request builders live in fakes/slack_requests.py; tests import them from here too.
__all__ = [
    "BOT_USER",
    "Call",
    "FakeSlack",
    "Response",
    "block_action",
    "button_click",
    "direct_message",
    "event_callback",
    "form",
    "mention",
    "post_signed",
    "sign",
    "slash",
    "view_submission",
]
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
    # Methods processed, then answered with an error anyway (a 5xx after the message was posted).
    late_failures: dict[str, int] = field(default_factory=dict)
    # Files users have shared (id -> name and content, served at url_private_download) and user groups.
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    # Socket Mode: hands out a fresh WebSocket URL for apps.connections.open (fakes/slack_socket.py).
    socket_mode_url: Callable[[], str] | None = None
    # Messages posted, oldest first, by conversation id (a person's DM under its D… id), and the clock their ts
    # is read from (a test on a fake clock gives its own).
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    clock: Callable[[], float] = time.time
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

    def fail_after_processing_once(self, method: str, status: int = 500) -> None:
        """The next call to `method` does its work (a message is posted), then answers `status`: the case a
        retry must not post twice."""
        self.late_failures[method] = status

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
        path, _, query = path.partition("?")
        # slack_sdk sends every method as a POST; a "GET" method's arguments ride in the query string.
        params = {**_params("", query.encode()), **_params(content_type, raw)}
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
            late = self.late_failures.pop(method, None)
        if method == "apps.connections.open":
            time.sleep(slow)
            return 200, self.open_connection(authorization), {}
        answer = self.reply(method, params, number)
        if late is not None:
            return late, {"ok": False, "error": "internal_error"}, {}
        time.sleep(slow)  # processed, then answered late: the caller may have given up waiting (or died)
        return 200, answer, {}

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
            return self._post_message(params, number)
        if method == "conversations.history":
            return self._history(params)
        if method == "conversations.replies":
            return self._replies(params)
        if method == "conversations.open":
            # https://docs.slack.dev/reference/methods/conversations.open: the DM's channel object.
            users = str(params.get("users") or "")
            if not users or "," in users:
                return {"ok": False, "error": "users_list_not_supplied" if not users else "not_supported"}
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": _conversation_of(users)}}
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

    def _post_message(self, params: dict[str, Any], number: int) -> dict[str, Any]:
        """Kept as conversations.history returns messages; `metadata` as chat.postMessage takes it (an object
        with event_type and event_payload: docs.slack.dev/messaging/message-metadata). Posted to a person's user
        id, it goes to their DM, whose id the answer names (as Slack answers)."""
        conversation = _conversation_of(str(params.get("channel") or ""))
        ts = f"{int(self.clock())}.{number:06d}"
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": params.get("text"),
            "ts": ts,
            "bot_id": "BBOT",
            "app_id": "A1",
        }
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        metadata = _json(params.get("metadata"))
        if metadata:
            message["metadata"] = {key: metadata.get(key) for key in ("event_type", "event_payload")}
        with self._lock:
            self.messages.setdefault(conversation, []).append(message)
        return {"ok": True, "channel": conversation, "ts": ts, "message": {"text": params.get("text"), "ts": ts}}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.history (https://docs.slack.dev/reference/methods/conversations.history): a channel's
        messages newest first, between `oldest` and `latest` (exclusive unless `inclusive`), `limit` at a time
        (default 100) with cursor paging (has_more, response_metadata.next_cursor); thread replies stay in
        their thread; metadata only with include_all_metadata (the app subscribes to no metadata events)."""
        channel = str(params.get("channel") or "")
        if not channel or channel.startswith(("U", "W")):
            return {"ok": False, "error": "channel_not_found"}
        inclusive = _truthy(params.get("inclusive"))
        oldest, latest = float(params.get("oldest") or 0), float(params.get("latest") or self.clock() + 1)

        def within(ts: float) -> bool:
            return oldest <= ts <= latest if inclusive else oldest < ts < latest

        with self._lock:
            kept = list(self.messages.get(channel, []))
        shown = [m for m in reversed(kept) if m.get("thread_ts", m["ts"]) == m["ts"] and within(float(m["ts"]))]
        start = int(str(params.get("cursor") or "next:0").removeprefix("next:"))
        limit = int(params.get("limit") or 100)
        page, more = shown[start : start + limit], start + limit < len(shown)
        if not _truthy(params.get("include_all_metadata")):
            page = [{key: value for key, value in m.items() if key != "metadata"} for m in page]
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""},
        }

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.replies (https://docs.slack.dev/reference/methods/conversations.replies): a thread's
        parent and replies, oldest first, after `oldest`; metadata only with include_all_metadata. One page:
        briefbot's threads are short."""
        channel, parent = str(params.get("channel") or ""), str(params.get("ts") or "")
        oldest = float(params.get("oldest") or 0)
        with self._lock:
            kept = list(self.messages.get(channel, []))
        thread = [m for m in kept if parent in (m["ts"], m.get("thread_ts")) and float(m["ts"]) > oldest]
        if not _truthy(params.get("include_all_metadata")):
            thread = [{key: value for key, value in m.items() if key != "metadata"} for m in thread]
        return {"ok": True, "messages": thread, "has_more": False, "response_metadata": {"next_cursor": ""}}

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


def _conversation_of(channel: str) -> str:
    """A person's user id names their DM with the bot; anything else is a conversation id already."""
    return f"D{channel}" if channel.startswith(("U", "W")) else channel


def _truthy(value: Any) -> bool:
    """slack_sdk sends booleans as "1" and "0"; by hand they may be "true"."""
    return str(value).lower() in {"1", "true"}


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
