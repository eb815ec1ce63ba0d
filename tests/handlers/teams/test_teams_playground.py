"""briefbot in Microsoft 365 Agents Playground: Microsoft's own Teams client, end to end, on loopback.

`briefbot serve` runs as it would in production but in unauthenticated loopback mode; the playground
(@microsoft/m365agentsplayground, installed by `make setup` from tests/playground/package-lock.json) plays Teams:
it sends the activities a person's typing and pressing make, takes briefbot's replies on its own Bot Connector
(validating each against its own schemas, answering 400 to what it can't take) and records both directions in its
events recording, which the tests read. Driven through the playground's HTTP API (the one its web page uses); its
web page itself, where cards are drawn, is not opened.

tests/playground/loopback-only.cjs binds the playground to 127.0.0.1 (it has no option for that) and refuses any
connection it tries to a host that is not loopback; a run in which it tried is a failure."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import TESTS
from tests.support.teams_oracle import check_activity, check_invoke_response, check_message

PLAYGROUND_DIR = TESTS / "playground"
CLI = PLAYGROUND_DIR / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# The playground's default mock tenant: its current user, and the General channel of its one team.
USER = "user-id-0"
USER_AAD = "00000000-0000-0000-0000-0000000000020"
GENERAL = "team-id"
TO_BOT, FROM_BOT = (
    "Microsoft 365 Agents Playground -> User Application",
    "User Application -> Microsoft 365 Agents Playground",
)
CARD = "application/vnd.microsoft.card.adaptive"


def _unavailable(reason: str) -> None:
    """CI must run this test (node and the package are part of the project's set-up); elsewhere it is skipped."""
    if IN_CI:
        pytest.fail(f"the Agents Playground test can't run in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Playground:
    url: str
    recording: Path
    refused_log: Path
    bot_log: Path
    bot_port: int

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                raw = response.read()
                status = int(response.status)
        except urllib.error.HTTPError as error:
            raw, status = error.read(), int(error.code)
        return status, json.loads(raw) if raw.strip() else None

    def say(self, conversation: str, text: str, mention: bool = False) -> dict[str, Any]:
        """A person types in a conversation (a channel post @mentioning the bot when `mention`)."""
        body: dict[str, Any] = {"from": {"id": USER}, "text": text, "textFormat": "plain"}
        if mention:
            bot = self.config()["bot"]
            tag = f"<at>{bot['name']}</at>"
            body |= {"text": f"{tag} {text}", "mentions": [{"mentioned": {"id": bot["id"]}, "text": tag}]}
        status, answer = self.call("POST", f"/_conversation/v1/conversations/{conversation}/messages", body)
        assert status == 200, answer
        return dict(answer)

    def config(self) -> dict[str, Any]:
        """The mock tenant. (Not /_internal/v1/config, the web page's: that first waits up to 15 s for the bot's
        endpoint to answer a HEAD, which briefbot's answer, sent with content, can fail: see the xfail below.)"""
        return dict(self.call("GET", "/_internal/v1/testConfig")[1]["config"])

    def events(self) -> list[dict[str, Any]]:
        """The playground's events recording: every activity it sent briefbot and every call briefbot made."""
        if not self.recording.exists():
            return []
        found = []
        for part in self.recording.read_text(encoding="utf-8").split("\n---\n"):
            try:
                found.append(json.loads(part))
            except json.JSONDecodeError:
                continue  # the entry being written
        return found

    def wait_for(self, found: Callable[[list[dict[str, Any]]], bool], timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events()
            if found(events):
                return events
            time.sleep(0.1)
        raise AssertionError(f"not seen in {timeout} s; the playground recorded: {self.events()}")


def from_bot(events: list[dict[str, Any]], conversation: str, method: str = "POST") -> list[dict[str, Any]]:
    """briefbot's calls to the playground's connector about one conversation (a channel thread included)."""
    wanted = urllib.request.quote(conversation, safe="")
    return [
        event
        for event in events
        if event["direction"] == FROM_BOT
        and event["request"].get("method") == method
        and event["request"]["url"].split("/")[4] == wanted
    ]


def card_of(event: dict[str, Any]) -> dict[str, Any]:
    """The card a call carried, after checking the playground took it and Microsoft's SDK models read it."""
    assert event["response"]["statusCode"] in {200, 201}, event["response"]
    body = event["request"]["body"]
    check_message(body)
    attachment = body["attachments"][0]
    assert attachment["contentType"] == CARD
    return dict(attachment["content"])


def texts(card: dict[str, Any]) -> list[str]:
    return [element["text"] for element in card["body"] if element["type"] == "TextBlock"]


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [action for element in card["body"] if element["type"] == "ActionSet" for action in element["actions"]]


def _wait_until(ready: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} stopped ({process.returncode}): {log.read_text(errors='replace')[-3000:]}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not start in 45 s: {log.read_text(errors='replace')[-3000:]}")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=2) as response:
        return bytes(response.read())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed (Node 20 or later)")
    return str(node)


def test_the_guard_binds_servers_to_loopback_and_refuses_other_hosts(tmp_path: Path) -> None:
    """loopback-only.cjs, which every playground run goes through: a server asked for no address gets
    127.0.0.1, and a connection to any other host is refused before a name is even looked up."""
    script = """
        const net = require("net");
        const server = net.createServer();
        server.listen(0, () => {
            const client = net.connect(443, "example.invalid");
            client.on("error", (error) => {
                console.log(JSON.stringify({address: server.address().address, error: error.code}));
                server.close();
            });
        });
    """
    refused = tmp_path / "refused.log"
    done = subprocess.run(
        [_node(), "--require", str(PLAYGROUND_DIR / "loopback-only.cjs"), "-e", script],
        env={"PATH": os.environ.get("PATH", ""), "PLAYGROUND_REFUSED_LOG": str(refused)},
        capture_output=True,
        timeout=30,
        check=True,
    )
    assert json.loads(done.stdout) == {"address": "127.0.0.1", "error": "ECONNREFUSED"}
    assert refused.read_text() == "refused connection to example.invalid\n"


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Playground]:
    node = _node()
    if not CLI.exists():
        _unavailable(f"{CLI} is missing: run `make setup` (npm ci in tests/playground)")
    work = tmp_path_factory.mktemp("playground")
    bot_port, playground_port = _free_port(), _free_port()
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(work), "LANG": "C.UTF-8"}
    bot_log = work / "briefbot.log"
    # A clean environment (no .env: the working directory is empty), so nothing of the developer's set-up leaks in.
    bot_env = base | {
        "BRIEFBOT_DATA_DIR": str(work / "data"),
        "BRIEFBOT_CHART_CACHE_DIR": str(work / "charts"),
        "HOST": "127.0.0.1",
        "PORT": str(bot_port),
        "TEAMS_APP_ID": "playground",
        "TEAMS_ALLOW_UNAUTHENTICATED": "1",
        "BRIEFBOT_TEAMS_OFFICERS": USER_AAD,
        "BRIEFBOT_WORKERS": "4",
        "BRIEFBOT_SHUTDOWN_GRACE": "2",
    }
    briefbot = Path(sys.executable).with_name("briefbot")
    with bot_log.open("wb") as out:
        bot = subprocess.Popen([str(briefbot), "serve"], cwd=work, env=bot_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{playground_port}"
    played = Playground(url, work / "recording.log", work / "refused.log", bot_log, bot_port)
    playground_log = work / "playground.log"
    playground_env = base | {
        "TEAMSAPPTESTER_BROWSER": "none",  # no browser opened
        "APPLICATION_INSIGHTS_NO_STATSBEAT": "true",
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(work / "playground-debug.log"),
        "M365_AGENTS_PLAYGROUND_RECORDING_FILE": str(played.recording),
        "PLAYGROUND_REFUSED_LOG": str(played.refused_log),
    }
    command = [
        node,
        "--require",
        str(PLAYGROUND_DIR / "loopback-only.cjs"),
        str(CLI),
        "start",
        "--app-endpoint",
        f"http://127.0.0.1:{bot_port}/api/messages",
        "--channel-id",
        "msteams",
        "--port",
        str(playground_port),
        "--service-url",
        f"{url}/_connector",
        "--disable-telemetry",
        "--enable-events-recording",
    ]
    try:
        _wait_until(lambda: _get(f"http://127.0.0.1:{bot_port}/readyz") == b"ready", "briefbot serve", bot, bot_log)
        with playground_log.open("wb") as out:
            client = subprocess.Popen(command, cwd=work, env=playground_env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_until(lambda: _get(f"{url}/_debug/ping") == b"pong", "the playground", client, playground_log)
            yield played
        finally:
            _stop(client)
    finally:
        _stop(bot)
    assert not played.refused_log.exists(), played.refused_log.read_text()


def test_a_personal_chat_question_gets_the_card_then_the_chart(playground: Playground) -> None:
    chat = playground.config()["personalChat"]["id"]
    playground.say(chat, "NEET in JESS")
    events = playground.wait_for(lambda e: len(from_bot(e, chat, "PUT")) >= 1)
    asked = [event["request"]["body"] for event in events if event["direction"] == TO_BOT]
    check_activity(asked[0])  # what Microsoft's client sent, as the SDK reads it
    assert asked[0]["conversation"]["conversationType"] == "personal" and asked[0]["text"] == "NEET in JESS"
    posted, updated = from_bot(events, chat)[0], from_bot(events, chat, "PUT")[0]
    card = card_of(posted)
    assert texts(card)[0] == "NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013 (163 young people NEET)."
    # The chart joins the same message: the playground's own id for it, updated in place.
    assert updated["request"]["url"].endswith("/activities/" + posted["response"]["body"]["id"])
    with_chart = card_of(updated)
    image = next(element for element in with_chart["body"] if element["type"] == "Image")
    assert image["url"].startswith("data:image/png;base64,iVBOR") and "9.9%" in image["altText"]


def test_a_channel_mention_is_answered_in_its_reply_chain_and_a_button_asks_there(playground: Playground) -> None:
    posted = playground.say(GENERAL, "NEET in JESS", mention=True)
    thread, root = posted["postConversationId"], posted["messageId"]
    assert thread == f"{GENERAL};messageid={root}"
    events = playground.wait_for(lambda e: len(from_bot(e, thread, "PUT")) >= 1)
    reply = from_bot(events, thread)[0]
    assert reply["request"]["body"]["replyToId"] == root
    card = card_of(reply)
    assert texts(card)[0].startswith("NEET 16-18 (%), JESS cluster: 9.9%")
    assert "<at>" not in json.dumps(card)
    assert any(element["type"] == "Image" for element in card_of(from_bot(events, thread, "PUT")[0])["body"])
    # Pressing "Compare with Leeds" under the answer: Teams sends the button's data; the answer joins the thread.
    follow_up = next(button for button in buttons(card) if button["title"] == "Compare with Leeds")
    pressed = {
        "conversation": {"id": thread},
        "from": {"id": USER},
        "replyToId": reply["response"]["body"]["id"],
        "value": follow_up["data"],
    }
    status, answer = playground.call("POST", "/_conversation/v1/submit", pressed)
    assert status == 200, answer
    events = playground.wait_for(lambda e: len(from_bot(e, thread)) >= 2)
    compared = from_bot(events, thread)[1]
    assert compared["request"]["body"]["replyToId"] == root
    assert texts(card_of(compared))[0] == "NEET 16-18 (%) at 31 Mar 2013: JESS cluster 9.9%; Leeds 5.5%."


def test_an_officer_confirms_a_change_with_an_execute_button(playground: Playground) -> None:
    """Action.Execute through Microsoft's client: the invoke, and the card briefbot answers it with."""
    chat = playground.config()["personalChat"]["id"]
    before = len(from_bot(playground.events(), chat))
    playground.say(chat, "set CPP_COUNT JESS 2013-06-30 151 from the June return")
    events = playground.wait_for(lambda e: len(from_bot(e, chat)) > before)
    preview_event = from_bot(events, chat)[-1]
    preview = card_of(preview_event)
    assert texts(preview)[1] == "Child protection plans [CPP_COUNT], JESS cluster, 30 Jun 2013: new, 151"
    confirm = next(button for button in buttons(preview) if button["title"] == "Confirm")
    invoke = {
        "name": "adaptiveCard/action",
        "value": {"action": {"type": "Action.Execute", "verb": confirm["verb"], "data": confirm["data"]}},
        "from": {"id": USER},
        "conversation": {"id": chat},
        "replyToId": preview_event["response"]["body"]["id"],
    }
    status, answer = playground.call("POST", "/_conversation/v1/invoke", invoke)
    assert status == 200, answer
    events = playground.wait_for(lambda e: any(_is_invoke(event) for event in e))
    sent = next(event for event in events if _is_invoke(event))
    check_activity(sent["request"]["body"])
    response = sent["response"]["body"]
    check_invoke_response(sent["request"]["body"], sent["response"]["statusCode"], response)
    assert response["type"] == CARD and texts(response["value"])[0].startswith("Done: 1 figure saved as change set")
    assert buttons(response["value"]) == []
    # Undone again, so the figures stay as seeded for the other tests.
    playground.say(chat, "undo")
    playground.wait_for(lambda e: any(texts(card_of(c))[0].startswith("Undone") for c in from_bot(e, chat)[before:]))
    # The form, with its type-to-search lists, is taken by the playground's connector too.
    playground.say(chat, "update")
    events = playground.wait_for(lambda e: any(texts(card_of(c))[0] == "Update a figure" for c in from_bot(e, chat)))
    form = next(card_of(c) for c in from_bot(events, chat) if texts(card_of(c))[0] == "Update a figure")
    assert [element["style"] for element in form["body"] if element.get("id") in {"indicator", "area"}] == [
        "filtered",
        "filtered",
    ]


def _is_invoke(event: dict[str, Any]) -> bool:
    return event["direction"] == TO_BOT and event["request"]["body"].get("type") == "invoke"


def test_every_reply_was_taken_by_the_playground_and_nothing_left_loopback(playground: Playground) -> None:
    calls = [event for event in playground.events() if event["direction"] == FROM_BOT]
    assert calls and all(event["response"]["statusCode"] in {200, 201} for event in calls)
    assert not playground.refused_log.exists(), playground.refused_log.read_text()
    assert "Traceback" not in playground.bot_log.read_text(errors="replace")


def test_briefbot_answers_head_without_content(playground: Playground) -> None:
    with socket.create_connection(("127.0.0.1", playground.bot_port), timeout=5) as connection:
        connection.sendall(b"HEAD /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    head, _, content = answer.partition(b"\r\n\r\n")
    # Content on a HEAD answer makes Node's HTTP parser (the playground's) fail the connection (HPE_INVALID_CONSTANT).
    assert head.startswith(b"HTTP/1.1 200") and content == b""
