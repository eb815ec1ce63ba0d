"""Requests to the app, signed as Slack signs them: events, slash commands and interaction payloads in the shapes
Slack sends. Part of the loopback Slack in fakes/slack.py, which imports them for the tests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

BOT_USER = "UBOT"


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
